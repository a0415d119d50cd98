//! `robots.txt` as RFC 9309 reads it, plus the non-standard `Crawl-delay`.
//!
//! - Lines are `key: value`; `#` starts a comment; CR, LF or CRLF end a
//!   line; a leading BOM is skipped; keys are case-insensitive; unknown keys
//!   and lines without `:` are ignored (they neither start nor end a group).
//! - A group is one or more `User-agent` lines followed by rules; a
//!   `User-agent` line after a rule starts the next group. We obey every
//!   group naming our product token (case-insensitive, compared with the
//!   `[A-Za-z_-]` prefix of the line's value, as RFC 9309 §2.2.1 says),
//!   merged; only when none names us, every `*` group, merged; with neither,
//!   everything is allowed.
//! - `Allow`/`Disallow`: the rule with the longest pattern (in octets, after
//!   percent-encoding normalisation) that matches the path and query wins; an
//!   `Allow` wins a tie; no match allows. `*` matches any run of characters,
//!   a final `$` anchors. An empty `Disallow` is no rule. A pattern not
//!   starting with `/` or `*` gets a leading `/`.
//! - `Crawl-delay` (seconds, may be fractional) from the first chosen group
//!   that has a valid one, clamped to [0, [`MAX_CRAWL_DELAY`]].
//! - `Sitemap:` lines count wherever they are (they belong to no group);
//!   only absolute http(s) URLs, at most [`MAX_SITEMAPS`].
//! - `/robots.txt` itself is always allowed.
//!
//! Budget: the first [`MAX_BYTES`] bytes are read (RFC 9309 §2.5: at least
//! 500 KiB), at most [`MAX_RULES`] rules are kept for our groups, and a rule
//! pattern longer than [`MAX_RULE_LEN`] bytes is dropped. Parsing is one pass;
//! a check costs O(rules · URL length) at worst (see `urls::wildcard_match`).
//!
//! What the fetcher does with the status (RFC 9309 §2.3.1): 2xx → `parse`;
//! 4xx (including 404) → [`Robots::allow_all`]; 5xx or unreachable →
//! [`Robots::disallow_all`]; [`Robots::for_status`] does this.
use super::urls::{canon, match_target, wildcard_match};
use url::Url;

/// Bytes of `robots.txt` read (500 KiB, RFC 9309 §2.5); the rest is ignored.
pub const MAX_BYTES: usize = 500 * 1024;
/// Rules kept from the groups that apply to us; later ones are ignored.
pub const MAX_RULES: usize = 5_000;
/// Longest rule pattern kept, in bytes (a URL is at most 2 048).
pub const MAX_RULE_LEN: usize = 2_048;
/// `Sitemap:` lines kept.
pub const MAX_SITEMAPS: usize = 50;
/// Longest `Crawl-delay` we obey, in seconds: a bigger one is read as this.
pub const MAX_CRAWL_DELAY: f64 = 30.0;
/// The product token our crawler answers to in `User-agent` lines (the
/// fetcher's `USER_AGENT` names it: `compatible; KrafterAudit/1.0`).
pub const PRODUCT_TOKEN: &str = "KrafterAudit";

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    allow: bool,
    /// Canonical pattern without a final `$`.
    pattern: String,
    anchored: bool,
    /// Length the longest-match compares: the pattern as written, canonical.
    len: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Robots {
    rules: Vec<Rule>,
    crawl_delay: Option<f64>,
    sitemaps: Vec<String>,
    /// 5xx or unreachable: nothing may be fetched.
    disallow_all: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Applies {
    Us,
    Star,
    No,
}

/// A group being read: whom it applies to and what it says.
#[derive(Default)]
struct Group {
    us: bool,
    star: bool,
    rules: Vec<Rule>,
    delay: Option<f64>,
}

impl Robots {
    /// No robots.txt (4xx): everything is allowed.
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// robots.txt failed with 5xx or could not be fetched: RFC 9309 says to
    /// assume complete disallow.
    pub fn disallow_all() -> Robots {
        Robots { disallow_all: true, ..Robots::default() }
    }

    /// The policy for a robots.txt response: its status and body
    /// (`None` when the request itself failed).
    pub fn for_status(status: Option<u16>, body: &str, user_agent: &str) -> Robots {
        match status {
            Some(200..=299) => parse(body, user_agent),
            Some(400..=499) => Robots::allow_all(),
            _ => Robots::disallow_all(),
        }
    }

    /// Whether `url` (its path and query) may be fetched.
    pub fn allowed(&self, url: &Url) -> bool {
        if url.path() == "/robots.txt" {
            return true;
        }
        if self.disallow_all {
            return false;
        }
        if self.rules.is_empty() {
            return true;
        }
        let target = match_target(url, true);
        let mut best: Option<(usize, bool)> = None;
        for r in &self.rules {
            // A shorter pattern cannot beat the best so far (an Allow of
            // equal length still can: ties go to Allow).
            if let Some((len, allow)) = best {
                if r.len < len || (r.len == len && (allow || !r.allow)) {
                    continue;
                }
            }
            if wildcard_match(&r.pattern, r.anchored, &target) {
                best = Some((r.len, r.allow));
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }

    /// `Crawl-delay` of the group we obey, clamped to [0, 30] s.
    pub fn crawl_delay(&self) -> Option<f64> {
        self.crawl_delay
    }

    /// Every `Sitemap:` URL, in file order.
    pub fn sitemaps(&self) -> &[String] {
        &self.sitemaps
    }

    /// Rules kept (for tests and the scan log).
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
}

/// The product token in a `User-Agent` string: the word after
/// `compatible;` when there is one (`Mozilla/5.0 (compatible; KrafterAudit/1.0; …)`),
/// else its first word; then its leading `[A-Za-z_-]` characters.
pub fn product_token(user_agent: &str) -> &str {
    let s = match user_agent.find("compatible;") {
        Some(i) => user_agent.get(i + "compatible;".len()..).unwrap_or(""),
        None => user_agent,
    };
    token_prefix(s.trim_start())
}

fn token_prefix(s: &str) -> &str {
    let end = s.bytes().position(|b| !(b.is_ascii_alphabetic() || b == b'_' || b == b'-')).unwrap_or(s.len());
    s.get(..end).unwrap_or("")
}

/// Reads `body` for the crawler named by `user_agent` (a full User-Agent
/// string or just its product token; see [`product_token`]).
pub fn parse(body: &str, user_agent: &str) -> Robots {
    let token = product_token(user_agent);
    let mut cut = body.len().min(MAX_BYTES);
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    let text = body.get(..cut).unwrap_or("");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let mut us: Vec<Group> = Vec::new();
    let mut star: Vec<Group> = Vec::new();
    let mut sitemaps = Vec::new();
    let mut cur = Group::default();
    // Whether the current group has had a rule line (the next user-agent
    // line then starts a new group).
    let mut in_rules = false;
    let mut kept = 0usize;

    for line in text.split(['\n', '\r']) {
        let line = line.split('#').next().unwrap_or("");
        let Some((key, value)) = line.split_once(':') else { continue };
        let key = key.trim();
        let value = value.trim();
        match () {
            _ if key.eq_ignore_ascii_case("user-agent") => {
                if in_rules {
                    finish(std::mem::take(&mut cur), &mut us, &mut star);
                    in_rules = false;
                }
                match applies(value, token) {
                    Applies::Us => cur.us = true,
                    Applies::Star => cur.star = true,
                    Applies::No => {}
                }
            }
            _ if key.eq_ignore_ascii_case("allow") || key.eq_ignore_ascii_case("disallow") => {
                in_rules = true;
                if !(cur.us || cur.star) || value.is_empty() || value.len() > MAX_RULE_LEN || kept >= MAX_RULES {
                    continue;
                }
                kept += 1;
                cur.rules.push(rule(key.eq_ignore_ascii_case("allow"), value));
            }
            _ if key.eq_ignore_ascii_case("crawl-delay") => {
                in_rules = true;
                if cur.delay.is_none() {
                    cur.delay = value.parse::<f64>().ok().filter(|d| d.is_finite() && *d >= 0.0).map(|d| d.min(MAX_CRAWL_DELAY));
                }
            }
            _ if key.eq_ignore_ascii_case("sitemap")
                && sitemaps.len() < MAX_SITEMAPS
                && Url::parse(value).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) =>
            {
                sitemaps.push(value.to_string());
            }
            _ => {}
        }
    }
    finish(cur, &mut us, &mut star);

    let chosen = if us.is_empty() { star } else { us };
    let crawl_delay = chosen.iter().find_map(|g| g.delay);
    let rules = chosen.into_iter().flat_map(|g| g.rules).collect();
    Robots { rules, crawl_delay, sitemaps, disallow_all: false }
}

fn applies(value: &str, token: &str) -> Applies {
    if value == "*" {
        return Applies::Star;
    }
    let name = token_prefix(value);
    if !name.is_empty() && !token.is_empty() && name.eq_ignore_ascii_case(token) {
        Applies::Us
    } else {
        Applies::No
    }
}

/// Files the group under whom it applies to (a group naming both us and
/// `*` counts as ours).
fn finish(g: Group, us: &mut Vec<Group>, star: &mut Vec<Group>) {
    if g.us {
        us.push(g);
    } else if g.star {
        star.push(g);
    }
}

fn rule(allow: bool, value: &str) -> Rule {
    let value = if value.starts_with('/') || value.starts_with('*') { value.to_string() } else { format!("/{value}") };
    let c = canon(&value);
    let len = c.len();
    let (pattern, anchored) = match c.strip_suffix('$') {
        Some(p) => (p.to_string(), true),
        None => (c, false),
    };
    Rule { allow, pattern, anchored, len }
}

#[cfg(test)]
#[path = "robots_tests.rs"]
mod tests;
