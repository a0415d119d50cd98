//! URL normalisation, same-origin, and the user's include/exclude patterns.
//!
//! A normalised URL is the crawl's de-duplication key. What `url` already
//! does (WHATWG URL parsing): scheme and host lower-cased, IDN hosts in
//! punycode, default ports dropped, dot segments collapsed, unsafe
//! characters percent-encoded. What we add: only `http`/`https` with a host,
//! no credentials, the fragment dropped, an empty query (`?`) dropped, at
//! most [`MAX_URL_LEN`] bytes.
//!
//! Trailing slash: kept as written. `/a` and `/a/` are different URLs (a
//! server may answer them differently, and a redirect between them is the
//! site's to make), so both are scanned when both are linked. Path case is
//! kept too (paths are case-sensitive), and query parameters are not
//! reordered (order can matter to the server).
use url::Url;

/// Longest normalised URL we keep, in bytes (sitemaps.org's `<loc>` limit;
/// longer links are dropped, not truncated).
pub const MAX_URL_LEN: usize = 2048;
/// Patterns per include or exclude list.
pub const MAX_PATTERNS: usize = 20;
/// Characters per pattern.
pub const MAX_PATTERN_LEN: usize = 200;

/// `href` resolved against `base` and normalised, or None when it is not a
/// crawlable URL (`javascript:`, `mailto:`, `data:`, `tel:`, any scheme but
/// http/https, credentials, unparsable, or longer than [`MAX_URL_LEN`]).
pub fn normalise(base: &Url, href: &str) -> Option<Url> {
    // Cheap refusal before parsing: even after percent-encoding shrinks
    // nothing, an href this long cannot come under the limit.
    if href.len() > 4 * MAX_URL_LEN {
        return None;
    }
    let mut u = base.join(href).ok()?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
        return None;
    }
    // A link with credentials is someone's secret, not a page of the site.
    if !u.username().is_empty() || u.password().is_some() {
        return None;
    }
    u.set_fragment(None);
    if u.query() == Some("") {
        u.set_query(None);
    }
    (u.as_str().len() <= MAX_URL_LEN).then_some(u)
}

/// Same scheme, host and port (the port the scheme implies when none is given).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// Percent-encoding made comparable: `%xx` of an unreserved character
/// decoded, other `%xx` upper-cased, bytes outside printable ASCII encoded.
/// So `/caf%c3%a9`, `/caf%C3%A9` and `/café` compare equal, and `/%7Efoo`
/// equals `/~foo` (RFC 3986 §6.2.2). The result is ASCII.
pub(crate) fn canon(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                let v = h * 16 + l;
                if v.is_ascii_alphanumeric() || matches!(v, b'-' | b'.' | b'_' | b'~') {
                    out.push(v as char);
                } else {
                    push_pct(&mut out, v);
                }
                i += 3;
                continue;
            }
        }
        if c <= 0x20 || c >= 0x7f {
            push_pct(&mut out, c);
        } else {
            out.push(c as char);
        }
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn push_pct(out: &mut String, v: u8) {
    const H: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(H[(v >> 4) as usize] as char);
    out.push(H[(v & 15) as usize] as char);
}

/// The text a pattern is matched against: the path, plus `?query` when asked.
pub(crate) fn match_target(url: &Url, with_query: bool) -> String {
    match (with_query, url.query()) {
        (true, Some(q)) => canon(&format!("{}?{}", url.path(), q)),
        _ => canon(url.path()),
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of
/// characters and the pattern must cover the whole text only when
/// `anchored` (else it is a prefix). Linear: the pieces between stars are
/// found left to right, each with `str::find` (Two-Way, linear), starting
/// where the previous piece ended; leftmost placement is never worse for
/// the pieces after it, so no backtracking is needed. O(|text| · pieces)
/// in the worst case of many one-byte pieces, O(|text| + |pattern|) typically.
pub(crate) fn wildcard_match(pattern: &str, anchored: bool, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    if !text.starts_with(first) {
        return false;
    }
    let mut pos = first.len();
    let mut pieces = pieces.peekable();
    if pieces.peek().is_none() {
        return !anchored || text.len() == pos;
    }
    while let Some(piece) = pieces.next() {
        if anchored && pieces.peek().is_none() {
            return text.len() >= pos + piece.len() && text.ends_with(piece);
        }
        if piece.is_empty() {
            continue;
        }
        match text.get(pos..).and_then(|t| t.find(piece)) {
            Some(i) => pos += i + piece.len(),
            None => return false,
        }
    }
    true
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    /// Canonical text without a final `$`.
    text: String,
    anchored: bool,
    /// The pattern names a query (`?` in it): match path + `?query`.
    with_query: bool,
}

impl Pattern {
    fn matches(&self, url: &Url) -> bool {
        wildcard_match(&self.text, self.anchored, &match_target(url, self.with_query))
    }
}

/// The user's `include` / `exclude` path patterns. A pattern is matched
/// against the URL's path (plus `?query` when the pattern contains `?`):
/// `*` matches any run of characters (`/` included), a final `$` anchors
/// the end, otherwise the pattern is a prefix (robots.txt syntax). An empty
/// include list includes everything; exclude wins over include.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathPatterns {
    include: Vec<Pattern>,
    exclude: Vec<Pattern>,
}

impl PathPatterns {
    /// Parses both lists: at most [`MAX_PATTERNS`] each, each at most
    /// [`MAX_PATTERN_LEN`] characters, starting with `/` or `*`, no control
    /// characters or whitespace. The error says which pattern and why.
    pub fn parse(include: &[String], exclude: &[String]) -> Result<PathPatterns, String> {
        Ok(PathPatterns { include: parse_list("include", include)?, exclude: parse_list("exclude", exclude)? })
    }

    pub fn allows(&self, url: &Url) -> bool {
        let included = self.include.is_empty() || self.include.iter().any(|p| p.matches(url));
        included && !self.exclude.iter().any(|p| p.matches(url))
    }

    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }
}

fn parse_list(name: &str, list: &[String]) -> Result<Vec<Pattern>, String> {
    if list.len() > MAX_PATTERNS {
        return Err(format!("{name}: at most {MAX_PATTERNS} patterns"));
    }
    list.iter()
        .enumerate()
        .map(|(i, raw)| {
            let p = raw.as_str();
            if p.chars().count() > MAX_PATTERN_LEN {
                return Err(format!("{name}[{i}]: at most {MAX_PATTERN_LEN} characters"));
            }
            if !(p.starts_with('/') || p.starts_with('*')) {
                return Err(format!("{name}[{i}]: must start with / or *"));
            }
            if p.chars().any(|c| c.is_control() || c.is_whitespace()) {
                return Err(format!("{name}[{i}]: no spaces or control characters"));
            }
            let (body, anchored) = match p.strip_suffix('$') {
                Some(b) => (b, true),
                None => (p, false),
            };
            Ok(Pattern { text: canon(body), anchored, with_query: body.contains('?') })
        })
        .collect()
}

#[cfg(test)]
#[path = "urls_tests.rs"]
mod tests;
