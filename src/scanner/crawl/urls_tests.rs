//! Tests of URL normalisation and path patterns (kept apart so urls.rs stays short).
use super::*;

fn base() -> Url {
    Url::parse("https://Example.COM:443/dir/page.html?x=1#top").expect("static")
}

fn n(href: &str) -> Option<String> {
    normalise(&base(), href).map(|u| u.to_string())
}

#[test]
fn resolves_and_normalises() {
    assert_eq!(n("other").as_deref(), Some("https://example.com/dir/other"));
    assert_eq!(n("../up/./x").as_deref(), Some("https://example.com/up/x"));
    assert_eq!(n("/a#frag").as_deref(), Some("https://example.com/a"));
    assert_eq!(n("/a?").as_deref(), Some("https://example.com/a"));
    assert_eq!(n("/a?#f").as_deref(), Some("https://example.com/a"));
    assert_eq!(n("/a?b=1&a=2").as_deref(), Some("https://example.com/a?b=1&a=2"));
    assert_eq!(n("HTTP://WWW.Example.com:80/Path/").as_deref(), Some("http://www.example.com/Path/"));
    assert_eq!(n("https://example.com:8443/x").as_deref(), Some("https://example.com:8443/x"));
    assert_eq!(n("//cdn.example.net/x").as_deref(), Some("https://cdn.example.net/x"));
    assert_eq!(n("#only-fragment").as_deref(), Some("https://example.com/dir/page.html?x=1"));
    assert_eq!(n("  /spaced \n").as_deref(), Some("https://example.com/spaced"));
    assert_eq!(n("").as_deref(), Some("https://example.com/dir/page.html?x=1"));
}

#[test]
fn trailing_slash_and_case_are_kept() {
    assert_ne!(n("/a"), n("/a/"));
    assert_eq!(n("/A/b").as_deref(), Some("https://example.com/A/b"));
}

#[test]
fn refuses_what_is_not_a_page() {
    for href in [
        "javascript:alert(1)",
        " JavaScript:void(0)",
        "mailto:a@example.com",
        "tel:+123",
        "data:text/html,<p>x",
        "ftp://example.com/f",
        "file:///etc/passwd",
        "blob:https://example.com/uuid",
        "about:blank",
        "https://user:pw@example.com/",
        "https://user@example.com/",
        "http://",
        "https://[::1",
        "http://exa mple.com/",
    ] {
        assert_eq!(n(href), None, "{href}");
    }
    let long = format!("/{}", "a".repeat(MAX_URL_LEN));
    assert_eq!(n(&long), None);
    assert!(n(&format!("/{}", "a".repeat(MAX_URL_LEN - 40))).is_some());
    assert_eq!(n(&"x".repeat(10_000_000)), None);
}

#[test]
fn never_panics_on_odd_input() {
    let odd = ["%", "%%", "%zz", "\u{0}", "\u{feff}/x", "http:", "https:x", "?", "#", "\\\\host\\x", "/\u{10FFFF}", "http://[fe80::1%25eth0]/"];
    for s in odd {
        let _ = n(s);
    }
    // Backslashes are slashes in special schemes, as browsers read them.
    assert_eq!(n("\\\\other.example\\x").as_deref(), Some("https://other.example/x"));
}

#[test]
fn same_origin_compares_scheme_host_port() {
    let a = Url::parse("https://example.com/a").expect("static");
    assert!(same_origin(&a, &Url::parse("https://EXAMPLE.com:443/b?c").expect("static")));
    assert!(!same_origin(&a, &Url::parse("http://example.com/a").expect("static")));
    assert!(!same_origin(&a, &Url::parse("https://www.example.com/a").expect("static")));
    assert!(!same_origin(&a, &Url::parse("https://example.com:8443/a").expect("static")));
}

#[test]
fn canon_makes_percent_encoding_comparable() {
    assert_eq!(canon("/caf%c3%a9"), "/caf%C3%A9");
    assert_eq!(canon("/café"), "/caf%C3%A9");
    assert_eq!(canon("/%7Efoo%2fbar"), "/~foo%2Fbar");
    assert_eq!(canon("/%41%2"), "/A%2");
    assert_eq!(canon("%"), "%");
    assert_eq!(canon("a b"), "a%20b");
}

#[test]
fn wildcards() {
    assert!(wildcard_match("/a", false, "/a/b"));
    assert!(!wildcard_match("/a", true, "/a/b"));
    assert!(wildcard_match("/a", true, "/a"));
    assert!(wildcard_match("/*.pdf", true, "/x/y.pdf"));
    assert!(!wildcard_match("/*.pdf", true, "/x/y.pdf?z"));
    assert!(wildcard_match("/*.pdf", false, "/x/y.pdf?z"));
    assert!(wildcard_match("*", true, ""));
    assert!(wildcard_match("/a*b*c", true, "/aXbYbZc"));
    assert!(!wildcard_match("/a*b*c", true, "/aXbYbZ"));
    // The anchored tail may not overlap what the earlier pieces used.
    assert!(!wildcard_match("/ab*ab", true, "/ab"));
    assert!(wildcard_match("/ab*ab", true, "/abab"));
    assert!(wildcard_match("/**x", true, "/x"));
    assert!(wildcard_match("", false, "/anything"));
}

/// Hostile sizes: the results are asserted, the time is not (tests do not
/// time); a quadratic implementation would run for minutes here.
#[test]
fn pathological_wildcards_stay_linear() {
    let text = format!("/{}", "a".repeat(200_000));
    let pattern = format!("/{}b", "*a".repeat(100));
    assert!(!wildcard_match(&pattern, false, &text));
    assert!(!wildcard_match(&pattern, true, &text));
    assert!(wildcard_match(&format!("/{}", "*a".repeat(100)), true, &text));
}

fn pats(inc: &[&str], exc: &[&str]) -> PathPatterns {
    let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    PathPatterns::parse(&v(inc), &v(exc)).expect("valid patterns")
}

fn url(s: &str) -> Url {
    Url::parse(s).expect("static")
}

#[test]
fn patterns_include_exclude() {
    let all = pats(&[], &[]);
    assert!(all.allows(&url("https://e.com/anything?q")));
    let p = pats(&["/blog/", "/docs/*.html$"], &["/blog/drafts", "*?preview="]);
    assert!(p.allows(&url("https://e.com/blog/post")));
    assert!(!p.allows(&url("https://e.com/blog")), "prefix /blog/ does not match /blog");
    assert!(!p.allows(&url("https://e.com/blog/drafts/x")), "exclude wins");
    assert!(!p.allows(&url("https://e.com/blog/post?preview=1")), "a pattern with ? sees the query");
    assert!(p.allows(&url("https://e.com/blog/post?page=2")));
    assert!(p.allows(&url("https://e.com/docs/a/b.html")));
    assert!(!p.allows(&url("https://e.com/docs/a/b.html.bak")));
    assert!(p.allows(&url("https://e.com/docs/a/b.html?x=1")), "without ? the query is not part of the target");
    assert!(!p.allows(&url("https://e.com/about")));
}

#[test]
fn patterns_compare_percent_encoding() {
    let p = pats(&["/café/"], &[]);
    assert!(p.allows(&url("https://e.com/caf%c3%a9/x")));
    assert!(p.allows(&url("https://e.com/café/x")));
    let q = pats(&[], &["/%7Euser"]);
    assert!(!q.allows(&url("https://e.com/~user/x")));
}

#[test]
fn pattern_limits() {
    let many: Vec<String> = (0..MAX_PATTERNS + 1).map(|i| format!("/p{i}")).collect();
    assert!(PathPatterns::parse(&many, &[]).unwrap_err().contains("at most 20"));
    assert!(PathPatterns::parse(&[], &many).unwrap_err().starts_with("exclude"));
    assert!(PathPatterns::parse(&many[..MAX_PATTERNS], &[]).is_ok());
    let long = format!("/{}", "x".repeat(MAX_PATTERN_LEN));
    assert!(PathPatterns::parse(&[long], &[]).unwrap_err().contains("include[0]"));
    assert!(PathPatterns::parse(&["blog".into()], &[]).is_err());
    assert!(PathPatterns::parse(&["".into()], &[]).is_err());
    assert!(PathPatterns::parse(&["/a b".into()], &[]).is_err());
    assert!(PathPatterns::parse(&["/a\u{0}".into()], &[]).is_err());
}

/// Hostile sizes: the results are asserted, the time is not (tests do not
/// time); a quadratic implementation would run for minutes here.
#[test]
fn hostile_pattern_lists_are_cheap() {
    // The longest legal patterns, all wildcards, against the longest URL.
    let p: Vec<String> = (0..MAX_PATTERNS).map(|_| format!("/{}", "*a".repeat(99)) + "b").collect();
    let pp = PathPatterns::parse(&p, &p).expect("legal");
    let u = url(&format!("https://e.com/{}", "a".repeat(MAX_URL_LEN - 20)));
    for _ in 0..100 {
        assert!(!pp.allows(&u));
    }
}

/// Random splices of URL syntax: never a panic; what is kept is http(s),
/// fragment-free, within the length limit, and normalising it again is a no-op.
#[test]
fn random_hrefs_never_panic_and_normalise_idempotently() {
    const PIECES: &[&str] = &["http:", "https:", "//", "/", "\\", "..", ".", "?", "#", "%", "%2e", "%zz", "@", ":", "[", "]", "::1", "e.com", "xn--", "é", " ", "\t", "javascript:", "mailto:", "a", "8080", "&", "="];
    let mut s = 0x1234_5678_9abc_def1u64;
    for _ in 0..5_000 {
        let mut href = String::new();
        for _ in 0..(s % 16) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            href.push_str(PIECES[(s % PIECES.len() as u64) as usize]);
        }
        if let Some(u) = normalise(&base(), &href) {
            assert!(matches!(u.scheme(), "http" | "https"), "{href} -> {u}");
            assert!(u.fragment().is_none() && u.query() != Some("") && u.as_str().len() <= MAX_URL_LEN);
            assert_eq!(normalise(&u, u.as_str()).as_ref(), Some(&u), "{href}");
        }
        let _ = PathPatterns::parse(&[format!("/{href}")], &[href.clone()]).map(|p| p.allows(&base()));
    }
}
