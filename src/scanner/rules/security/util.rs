//! Small helpers the security rules share: header joins, meta tags, hosts.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use crate::scanner::rules::dom::Analysis;
use crate::scanner::page::Header;

/// Values of every header line with this (lower-case) name, in order.
pub fn values<'a>(headers: &'a [Header], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers.iter().filter(move |h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
}

/// All lines of a header joined with ", ", as an HTTP client combines them;
/// None when the header is absent.
pub fn joined(headers: &[Header], name: &str) -> Option<String> {
    let v: Vec<&str> = values(headers, name).collect();
    if v.is_empty() {
        None
    } else {
        Some(v.join(", "))
    }
}

/// The first `n` characters of `s` (never splits a character).
pub fn take_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// `content` of every `<meta http-equiv=NAME>` (name compared trimmed, ignoring case).
pub fn meta_http_equiv(page: &Analysis, name: &str) -> Vec<String> {
    meta_by_attr(page, "http-equiv", name)
}

/// `content` of every `<meta name=NAME>` (name compared trimmed, ignoring case).
pub fn meta_named(page: &Analysis, name: &str) -> Vec<String> {
    meta_by_attr(page, "name", name)
}

fn meta_by_attr(page: &Analysis, attr: &str, name: &str) -> Vec<String> {
    let Some(_) = page.html() else { return Vec::new() };
    crate::scanner::rules::dom::select(page, &["meta"], &[], crate::sel!("meta"))
        .into_iter()
        .filter(|m| m.value().attr_of(attr).map(|v| v.trim().eq_ignore_ascii_case(name)).unwrap_or(false))
        .filter_map(|m| m.value().attr_of("content").map(str::to_string))
        .collect()
}

/// The response's MIME type (before `;`), trimmed and lower-cased; None when absent.
pub fn mime(headers: &[Header]) -> Option<String> {
    let ct = values(headers, "content-type").next()?;
    let m = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if m.is_empty() {
        None
    } else {
        Some(m)
    }
}

/// True when the response is HTML (or untyped).
pub fn is_html(page: &Analysis) -> bool {
    match mime(&page.headers) {
        None => true,
        Some(m) => m == "text/html" || m == "application/xhtml+xml",
    }
}

/// Public suffixes of more than one label that sites commonly sit under.
/// A heuristic stand-in for the full Public Suffix List (which is too large
/// to embed in the Worker): two-level ccTLD suffixes and shared hosting zones.
const MULTI_LABEL_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "net.uk", "ltd.uk", "plc.uk", "com.au", "net.au", "org.au",
    "edu.au", "gov.au", "co.nz", "org.nz", "net.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.kr", "or.kr",
    "com.br", "net.br", "org.br", "gov.br", "com.cn", "net.cn", "org.cn", "gov.cn", "com.hk", "com.tw", "com.sg",
    "com.my", "com.mx", "com.ar", "com.co", "com.tr", "com.ua", "co.in", "net.in", "org.in", "co.za", "co.id",
    "co.il", "co.th", "com.pl", "com.ru", "github.io", "gitlab.io", "herokuapp.com", "appspot.com", "blogspot.com",
    "cloudfront.net", "azurewebsites.net", "netlify.app", "vercel.app", "pages.dev", "workers.dev", "web.app",
    "firebaseapp.com", "s3.amazonaws.com",
];

/// The registrable domain (eTLD+1) of a host, approximated with
/// [`MULTI_LABEL_SUFFIXES`]; None for IP literals and single-label hosts.
pub fn registrable_domain(host: &str) -> Option<String> {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    if h.is_empty() || h.starts_with('[') || h.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    let labels: Vec<&str> = h.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let n = labels.len();
    let last_two = labels[n - 2..].join(".");
    let take = if MULTI_LABEL_SUFFIXES.contains(&last_two.as_str()) {
        3
    } else if n >= 3 && MULTI_LABEL_SUFFIXES.contains(&labels[n - 3..].join(".").as_str()) {
        4
    } else {
        2
    };
    if n < take {
        return None;
    }
    Some(labels[n - take..].join("."))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    #[test]
    fn etld_plus_one() {
        assert_eq!(registrable_domain("www.mozilla.org").as_deref(), Some("mozilla.org"));
        assert_eq!(registrable_domain("a.b.example.co.uk").as_deref(), Some("example.co.uk"));
        assert_eq!(registrable_domain("co.uk"), None);
        assert_eq!(registrable_domain("localhost"), None);
        assert_eq!(registrable_domain("127.0.0.1"), None);
        assert_eq!(registrable_domain("x.s3.amazonaws.com").as_deref(), Some("x.s3.amazonaws.com"));
    }

    #[test]
    fn joins_and_truncates() {
        let hs = vec![
            Header { name: "x".into(), value: "a".into() },
            Header { name: "x".into(), value: "b".into() },
        ];
        assert_eq!(joined(&hs, "x").as_deref(), Some("a, b"));
        assert_eq!(joined(&hs, "y"), None);
        assert_eq!(take_chars("héllo", 2), "hé");
    }
}
