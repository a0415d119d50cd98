//! The CSP parser: policies into directives, and several enforced policies combined into one.
use std::collections::{BTreeMap, BTreeSet};

/// Directive → sources (lower-cased, de-duplicated).
pub type Directives = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedPolicy {
    pub directives: Directives,
    /// `report-uri` / `report-to` repeated within the policy.
    pub duplicates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CspError {
    /// Blank, or shorter than the shortest meaningful policy.
    TooShort(String),
    /// A directive other than report-uri/report-to appears twice.
    DuplicateDirective(String),
}

const SHORTEST_POLICY: usize = 6;
pub(super) const META_DISALLOWED: [&str; 3] = ["frame-ancestors", "report-uri", "sandbox"];
const DUPLICATES_TOLERATED: [&str; 2] = ["report-uri", "report-to"];
pub(super) const DANGEROUSLY_BROAD: [&str; 8] = ["ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"];
pub(super) const UNSAFE_INLINE: [&str; 2] = ["'unsafe-inline'", "data:"];
pub(super) const NONCE_HASH_PREFIXES: [&str; 4] = ["'nonce-", "'sha256-", "'sha384-", "'sha512-"];

/// Parses one serialized policy.
pub fn parse_policy(raw: &str) -> Result<ParsedPolicy, CspError> {
    let cleaned: String = raw.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let cleaned = cleaned.trim();
    if cleaned.chars().count() < SHORTEST_POLICY {
        return Err(CspError::TooShort(cleaned.to_string()));
    }
    let mut out = ParsedPolicy::default();
    for part in cleaned.split(';') {
        let mut tokens = part.split_whitespace();
        let Some(name) = tokens.next() else { continue };
        let name = name.to_lowercase();
        if out.directives.contains_key(&name) {
            if DUPLICATES_TOLERATED.contains(&name.as_str()) {
                if !out.duplicates.contains(&name) {
                    out.duplicates.push(name);
                }
                continue;
            }
            return Err(CspError::DuplicateDirective(name));
        }
        let mut sources: Vec<String> = Vec::new();
        for t in tokens {
            let t = t.to_lowercase();
            if !sources.contains(&t) {
                sources.push(t);
            }
        }
        if sources.is_empty() && is_source_list(&name) {
            sources.push("'none'".to_string());
        }
        out.directives.insert(name, sources);
    }
    Ok(out)
}

/// Parses a list of policies and intersects them (the `csp-parser` view).
pub fn parse_policies(raw: &[&str]) -> Result<(Directives, Vec<String>), CspError> {
    let parsed: Vec<ParsedPolicy> = raw.iter().map(|p| parse_policy(p)).collect::<Result<_, _>>()?;
    let mut dups: Vec<String> = Vec::new();
    for p in &parsed {
        for d in &p.duplicates {
            if !dups.contains(d) {
                dups.push(d.clone());
            }
        }
    }
    let refs: Vec<&Directives> = parsed.iter().map(|p| &p.directives).collect();
    Ok((combine(&refs), dups))
}

fn is_source_list(d: &str) -> bool {
    d.ends_with("-src") || matches!(d, "base-uri" | "form-action" | "frame-ancestors" | "navigate-to")
}

/// Where a directive's list comes from when a policy does not set it.
fn fallbacks(d: &str) -> &'static [&'static str] {
    match d {
        "script-src-elem" | "script-src-attr" => &["script-src", "default-src"],
        "style-src-elem" | "style-src-attr" => &["style-src", "default-src"],
        "frame-src" => &["child-src", "default-src"],
        "worker-src" => &["child-src", "script-src", "default-src"],
        "default-src" => &[],
        d if d.ends_with("-src") => &["default-src"],
        _ => &[],
    }
}

fn effective<'a>(p: &'a Directives, d: &str) -> Option<&'a Vec<String>> {
    p.get(d).or_else(|| fallbacks(d).iter().find_map(|f| p.get(*f)))
}

/// Intersects several enforced policies into one directive map.
pub fn combine(policies: &[&Directives]) -> Directives {
    let names: BTreeSet<&String> = policies.iter().flat_map(|p| p.keys()).collect();
    let mut out = Directives::new();
    for d in names {
        if is_source_list(d) {
            let mut acc: Option<Vec<String>> = None;
            for p in policies {
                if let Some(list) = effective(p, d) {
                    acc = Some(match acc {
                        None => list.clone(),
                        Some(a) => intersect(&a, list),
                    });
                }
            }
            let mut v = acc.unwrap_or_default();
            if v.is_empty() {
                v.push("'none'".to_string());
            }
            out.insert(d.clone(), v);
        } else {
            let mut v: Vec<String> = Vec::new();
            for p in policies {
                for s in p.get(d).into_iter().flatten() {
                    if !v.contains(s) {
                        v.push(s.clone());
                    }
                }
            }
            out.insert(d.clone(), v);
        }
    }
    out
}

fn intersect(a: &[String], b: &[String]) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for x in b {
        if a.iter().any(|y| covers(y, x)) {
            out.insert(x.clone());
        }
    }
    for y in a {
        if b.iter().any(|x| covers(x, y)) {
            out.insert(y.clone());
        }
    }
    out.into_iter().collect()
}

pub(super) fn is_keyword(s: &str) -> bool {
    s.starts_with('\'')
}

fn is_scheme_only(s: &str) -> bool {
    let Some(scheme) = s.strip_suffix(':') else { return false };
    let mut cs = scheme.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic())
        && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

struct HostSource<'a> {
    scheme: Option<&'a str>,
    host: &'a str,
    port: Option<&'a str>,
    path: Option<&'a str>,
}

fn host_source(s: &str) -> Option<HostSource<'_>> {
    if is_keyword(s) || is_scheme_only(s) {
        return None;
    }
    let (scheme, rest) = match s.find("://") {
        Some(i) => (Some(&s[..i]), &s[i + 3..]),
        None => (None, s),
    };
    let (host_port, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let (host, port) = match host_port.rfind(':') {
        Some(i) if !host_port.starts_with('[') || host_port[..i].ends_with(']') => (&host_port[..i], Some(&host_port[i + 1..])),
        _ => (host_port, None),
    };
    if host.is_empty() {
        return None;
    }
    Some(HostSource { scheme, host, port, path })
}

/// Whether source `a` allows everything source `b` allows.
fn covers(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if is_keyword(a) || is_keyword(b) {
        return false;
    }
    if a == "*" {
        // `*` matches network schemes only, never data:, blob: or filesystem:.
        return !is_scheme_only(b) || matches!(b, "http:" | "https:" | "ws:" | "wss:");
    }
    if is_scheme_only(a) {
        return b.starts_with(a);
    }
    let (Some(ha), Some(hb)) = (host_source(a), host_source(b)) else { return false };
    if let Some(sa) = ha.scheme {
        if hb.scheme != Some(sa) {
            return false;
        }
    }
    let host_ok = ha.host == "*"
        || ha.host == hb.host
        || (ha.host.starts_with("*.") && hb.host.ends_with(&ha.host[1..]));
    let port_ok = match ha.port {
        None => hb.port.is_none(),
        Some("*") => true,
        Some(p) => hb.port == Some(p),
    };
    let path_ok = match ha.path {
        None => true,
        Some(pa) if pa.ends_with('/') => hb.path.map(|pb| pb.starts_with(pa)).unwrap_or(false),
        Some(pa) => hb.path == Some(pa),
    };
    host_ok && port_ok && path_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;


    #[test]
    fn parser_basics() {
        let p = parse_policy("Default-Src 'NONE'; img-src; report-uri /a; report-uri /b").expect("parses");
        assert_eq!(p.directives["default-src"], vec!["'none'"]);
        assert_eq!(p.directives["img-src"], vec!["'none'"]);
        assert_eq!(p.duplicates, vec!["report-uri"]);
        assert!(parse_policy("defa").is_err());
        assert!(parse_policy(" \r\n ").is_err());
        assert!(matches!(parse_policy("img-src a; img-src b"), Err(CspError::DuplicateDirective(_))));
    }

    #[test]
    fn intersection() {
        let (m, _) = parse_policies(&["default-src https://a.org https://b.org", "default-src https://b.org https://c.org"]).expect("ok");
        assert_eq!(m["default-src"], vec!["https://b.org"]);
        let (m, _) = parse_policies(&["default-src https://a.org/x/", "default-src https://a.org/x/y/"]).expect("ok");
        assert_eq!(m["default-src"], vec!["https://a.org/x/y/"]);
        let (m, _) = parse_policies(&["default-src http:", "default-src https:"]).expect("ok");
        assert_eq!(m["default-src"], vec!["'none'"]);
        // A directive set in only one policy meets the other's default-src.
        let (m, _) = parse_policies(&["default-src 'none'", "script-src 'self'"]).expect("ok");
        assert_eq!(m["script-src"], vec!["'none'"]);
        assert!(covers("*.example.com", "cdn.example.com"));
        assert!(covers("https:", "https://x.org"));
        assert!(!covers("http:", "https:"));
    }

}
