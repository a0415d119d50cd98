//! Sitemaps (sitemaps.org): `<urlset>` of `<url><loc>` and `<sitemapindex>`
//! of `<sitemap><loc>`, read by a tolerant one-pass scanner instead of an XML
//! parser (no recursion, no entity expansion, no DTDs, no crate in the wasm).
//!
//! - Element names are compared by local name, so any namespace prefix
//!   (`<sm:urlset>`) is accepted; attributes and namespaces are not checked.
//! - Only a `<loc>` directly inside a `<url>`/`<sitemap>` that is directly
//!   inside the root counts, so extension URLs (`<image:image><image:loc>`,
//!   `<video:content_loc>`, `<xhtml:link>`) are not taken for pages.
//! - `<loc>` text: the five XML entities and numeric references decoded
//!   (others kept as written), `<![CDATA[…]]>` taken literally (CDATA does
//!   not nest: the first `]]>` ends it), whitespace trimmed; a `<loc>` left
//!   open ends at the next tag. Longer than [`MAX_URL_LEN`]: dropped.
//! - Comments, processing instructions and `<!DOCTYPE …>` are skipped; an
//!   end tag closes the innermost open element of its name (others it
//!   skips are closed too, as HTML parsers recover); end tags matching
//!   nothing open are ignored.
//! - A body that does not start with `<` (after a BOM and whitespace) is a
//!   plain-text sitemap: one absolute http(s) URL per line (sitemaps.org
//!   allows it). RSS/Atom feeds are not read (`Err`).
//! - The input must already be decompressed (see [`looks_gzipped`]); at most
//!   [`MAX_SITEMAP_BYTES`] of it is read, and reading stops after `max_urls`
//!   `<loc>`s. sitemaps.org caps a file at 50 000 URLs ([`MAX_SITEMAP_URLS`])
//!   and 50 MB uncompressed; we read 10 MiB, which holds 50 000 typical
//!   entries (~200 bytes each).
//! - A sitemap index may not name other indexes (sitemaps.org): the caller
//!   reads the sitemaps an index names as url sets only.
use super::urls::MAX_URL_LEN;

/// Bytes of a (decompressed) sitemap read.
pub const MAX_SITEMAP_BYTES: usize = 10 * 1024 * 1024;
/// URLs in one sitemap file (sitemaps.org).
pub const MAX_SITEMAP_URLS: usize = 50_000;
/// Open elements tracked; deeper nesting is counted, not stored.
const MAX_STACK: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sitemap {
    /// Page URLs, as written (trimmed, entity-decoded; not yet normalised).
    UrlSet(Vec<String>),
    /// Sitemap URLs, as written.
    Index(Vec<String>),
}

/// gzip's magic number: the body still needs decompressing.
pub fn looks_gzipped(body: &[u8]) -> bool {
    body.starts_with(&[0x1f, 0x8b])
}

pub fn parse(body: &[u8], max_urls: usize) -> Result<Sitemap, String> {
    let body = body.get(..body.len().min(MAX_SITEMAP_BYTES)).unwrap_or(body);
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    if looks_gzipped(body) {
        return Err("sitemap is gzip-compressed".into());
    }
    match body.get(start) {
        None => Err("sitemap is empty".into()),
        Some(b'<') => parse_xml(body, start, max_urls),
        Some(_) => parse_text(body, max_urls),
    }
}

fn parse_text(body: &[u8], max_urls: usize) -> Result<Sitemap, String> {
    let mut out = Vec::new();
    for line in body.split(|b| *b == b'\n' || *b == b'\r') {
        if out.len() >= max_urls {
            break;
        }
        let line = String::from_utf8_lossy(line);
        let l = line.trim();
        let lower = l.get(..8).unwrap_or(l).to_ascii_lowercase();
        if (lower.starts_with("http://") || lower.starts_with("https://")) && l.len() <= MAX_URL_LEN {
            out.push(l.to_string());
        }
    }
    if out.is_empty() {
        return Err("not a sitemap: no <urlset> or <sitemapindex>, and no URL lines".into());
    }
    Ok(Sitemap::UrlSet(out))
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let h = hay.get(from..)?;
    if needle.is_empty() || h.len() < needle.len() {
        return None;
    }
    // Needles are short literals whose first byte is rare in text: jump
    // between occurrences of it, so the scan stays linear.
    let first = needle[0];
    let mut i = 0;
    while let Some(off) = h.get(i..).and_then(|s| s.iter().position(|b| *b == first)) {
        let at = i + off;
        if h.get(at..at + needle.len()) == Some(needle) {
            return Some(from + at);
        }
        i = at + 1;
    }
    None
}

fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|b| *b == b':') {
        Some(i) => name.get(i + 1..).unwrap_or(name),
        None => name,
    }
}

/// The end of a start tag (index of its `>`), skipping `>` inside quoted
/// attribute values.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quote = 0u8;
    for (k, c) in b.get(from..)?.iter().enumerate() {
        match (quote, *c) {
            (0, b'"' | b'\'') => quote = *c,
            (0, b'>') => return Some(from + k),
            (q, c) if q == c => quote = 0,
            _ => {}
        }
    }
    None
}

struct Loc {
    buf: Vec<u8>,
    too_long: bool,
}

impl Loc {
    fn push(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() > 4 * MAX_URL_LEN {
            self.too_long = true;
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }
}

fn parse_xml(b: &[u8], mut i: usize, max_urls: usize) -> Result<Sitemap, String> {
    let mut root: Option<bool> = None; // Some(true): index
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut overflow = 0usize;
    let mut loc: Option<Loc> = None;
    let mut out: Vec<String> = Vec::new();
    let finish = |loc: &mut Option<Loc>, out: &mut Vec<String>| {
        if let Some(l) = loc.take() {
            let s = String::from_utf8_lossy(&l.buf);
            let s = s.trim();
            if !l.too_long && !s.is_empty() && s.len() <= MAX_URL_LEN {
                out.push(s.to_string());
            }
        }
    };
    while i < b.len() && out.len() < max_urls {
        let lt = b.get(i..).and_then(|s| s.iter().position(|c| *c == b'<')).map(|o| i + o);
        let text_end = lt.unwrap_or(b.len());
        if let Some(l) = loc.as_mut() {
            decode_into(l, b.get(i..text_end).unwrap_or(&[]));
        }
        let Some(lt) = lt else { break };
        let rest = b.get(lt..).unwrap_or(&[]);
        if rest.starts_with(b"<!--") {
            i = find(b, lt + 4, b"-->").map_or(b.len(), |e| e + 3);
        } else if rest.starts_with(b"<![CDATA[") {
            let end = find(b, lt + 9, b"]]>");
            if let Some(l) = loc.as_mut() {
                l.push(b.get(lt + 9..end.unwrap_or(b.len())).unwrap_or(&[]));
            }
            i = end.map_or(b.len(), |e| e + 3);
        } else if rest.starts_with(b"<?") {
            i = find(b, lt + 2, b"?>").map_or(b.len(), |e| e + 2);
        } else if rest.starts_with(b"<!") {
            i = find(b, lt + 2, b">").map_or(b.len(), |e| e + 1);
        } else if rest.starts_with(b"</") {
            finish(&mut loc, &mut out);
            let end = find(b, lt + 2, b">").unwrap_or(b.len());
            let name = b.get(lt + 2..end).unwrap_or(&[]);
            let name = local_name(name.split(|c| c.is_ascii_whitespace()).next().unwrap_or(&[]));
            if overflow > 0 {
                overflow -= 1;
            } else if let Some(p) = stack.iter().rposition(|n| n.as_slice() == name) {
                stack.truncate(p);
            }
            i = end.saturating_add(1);
        } else {
            finish(&mut loc, &mut out);
            let end = tag_end(b, lt + 1).unwrap_or(b.len());
            let inner = b.get(lt + 1..end).unwrap_or(&[]);
            let name_len = inner.iter().position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>').unwrap_or(inner.len());
            let name = local_name(inner.get(..name_len).unwrap_or(&[]));
            let self_closing = inner.last() == Some(&b'/');
            i = end.saturating_add(1);
            if name.is_empty() {
                continue; // a stray `<` in text
            }
            let index = match root {
                Some(index) => index,
                None => {
                    let index = match name {
                        b"urlset" => false,
                        b"sitemapindex" => true,
                        other => return Err(format!("not a sitemap: root element <{}>", String::from_utf8_lossy(other))),
                    };
                    root = Some(index);
                    index
                }
            };
            let entry: &[u8] = if index { b"sitemap" } else { b"url" };
            if name == b"loc" && !self_closing && stack.len() == 2 && stack[1].as_slice() == entry && overflow == 0 {
                loc = Some(Loc { buf: Vec::new(), too_long: false });
            }
            if !self_closing {
                if stack.len() < MAX_STACK {
                    stack.push(name.to_vec());
                } else {
                    overflow += 1;
                }
            }
        }
    }
    finish(&mut loc, &mut out);
    out.truncate(max_urls);
    match root {
        Some(true) => Ok(Sitemap::Index(out)),
        Some(false) => Ok(Sitemap::UrlSet(out)),
        None => Err("not a sitemap: no root element".into()),
    }
}

/// Appends XML text with `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`,
/// `&#N;` and `&#xH;` decoded; anything else after `&` is kept as written.
fn decode_into(l: &mut Loc, raw: &[u8]) {
    let mut i = 0;
    while i < raw.len() {
        let amp = raw.get(i..).and_then(|s| s.iter().position(|c| *c == b'&')).map(|o| i + o);
        let Some(amp) = amp else {
            l.push(raw.get(i..).unwrap_or(&[]));
            return;
        };
        l.push(raw.get(i..amp).unwrap_or(&[]));
        // Entity names are short: look for `;` within 12 bytes only.
        let semi = raw.get(amp + 1..raw.len().min(amp + 13)).and_then(|s| s.iter().position(|c| *c == b';')).map(|o| amp + 1 + o);
        let decoded = semi.and_then(|s| entity(raw.get(amp + 1..s).unwrap_or(&[])));
        match (decoded, semi) {
            (Some(c), Some(s)) => {
                let mut tmp = [0u8; 4];
                l.push(c.encode_utf8(&mut tmp).as_bytes());
                i = s + 1;
            }
            _ => {
                l.push(b"&");
                i = amp + 1;
            }
        }
    }
}

fn entity(name: &[u8]) -> Option<char> {
    match name {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        [b'#', b'x' | b'X', hex @ ..] => u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok().and_then(char::from_u32),
        [b'#', dec @ ..] => std::str::from_utf8(dec).ok()?.parse::<u32>().ok().and_then(char::from_u32),
        _ => None,
    }
}

#[cfg(test)]
#[path = "sitemap_tests.rs"]
mod tests;
