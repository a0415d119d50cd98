//! Tests of crawl options and verdicts (kept apart so frontier.rs stays short).
use super::*;
use crate::scanner::crawl::robots;
use serde_json::json;

fn url(s: &str) -> Url {
    Url::parse(s).expect("static")
}

#[test]
fn defaults_and_patterns() {
    // The bounds themselves are parsed and tested in `domain::site`.
    let d = CrawlOptions::default();
    assert_eq!((d.max_pages, d.max_depth), (25, 5));
    assert!(patterns(&d).is_ok());
    let bad = CrawlOptions { include: vec!["nope".into()], ..d.clone() };
    assert!(patterns(&bad).unwrap_err().starts_with("include[0]"));
}

fn verdict(candidate: &str, depth: u32, queued: u32, seen: bool) -> Verdict {
    let start = url("https://site.example/");
    let options = CrawlOptions { max_pages: 10, max_depth: 2, include: vec![], exclude: vec!["/excluded/".into(), "/both/".into()] };
    let patterns = patterns(&options).expect("valid");
    let robots = robots::parse("User-agent: *\nDisallow: /private/\nDisallow: /both/\nDisallow: /\n", "KrafterAudit");
    let robots = if candidate.contains("/robots-all") { Robots::allow_all() } else { robots };
    let f = Frontier { start: &start, options: &options, patterns: &patterns, robots: &robots, queued };
    classify(&url(candidate), depth, &f, |_| seen)
}

#[test]
fn precedence() {
    let open = robots::parse("User-agent: *\nDisallow: /private/\nDisallow: /both/\n", "KrafterAudit");
    let start = url("https://site.example/");
    let options = CrawlOptions { max_pages: 10, max_depth: 2, include: vec!["/docs/".into()], exclude: vec!["/both/".into(), "/docs/old/".into()] };
    let patterns = patterns(&options).expect("valid");
    let f = Frontier { start: &start, options: &options, patterns: &patterns, robots: &open, queued: 3 };
    let v = |u: &str, depth: u32, seen: bool| classify(&url(u), depth, &f, |_| seen);
    assert_eq!(v("https://site.example/docs/a", 1, false), Verdict::Queue);
    assert_eq!(v("https://other.example/docs/a", 1, false), Verdict::OtherOrigin);
    assert_eq!(v("http://site.example/docs/a", 1, false), Verdict::OtherOrigin);
    assert_eq!(v("https://site.example:8443/docs/a", 1, false), Verdict::OtherOrigin);
    // Other origin beats everything, even when it would also be excluded, deep and seen.
    assert_eq!(v("https://other.example/both/x", 9, true), Verdict::OtherOrigin);
    assert_eq!(v("https://site.example/blog/a", 1, false), Verdict::Excluded, "not included");
    assert_eq!(v("https://site.example/docs/old/a", 1, false), Verdict::Excluded, "exclude wins");
    assert_eq!(v("https://site.example/both/a", 9, true), Verdict::Excluded, "excluded beats disallowed");
    assert_eq!(v("https://site.example/private/a", 1, false), Verdict::Excluded, "not included comes first");
    // The start URL is never excluded by patterns (it is not under /docs/).
    assert_eq!(v("https://site.example/", 0, false), Verdict::Queue);
    assert_eq!(v("https://site.example/docs/deep", 3, true), Verdict::TooDeep, "too deep beats duplicate");
    assert_eq!(v("https://site.example/docs/deep", 2, true), Verdict::Duplicate);
    let full = Frontier { queued: 10, ..f };
    assert_eq!(classify(&url("https://site.example/docs/x"), 1, &full, |_| true), Verdict::Duplicate, "duplicate beats over limit");
    assert_eq!(classify(&url("https://site.example/docs/x"), 1, &full, |_| false), Verdict::OverLimit);
}

#[test]
fn robots_in_the_precedence() {
    assert_eq!(verdict("https://site.example/private/x", 1, 0, true), Verdict::Disallowed);
    assert_eq!(verdict("https://site.example/a", 9, 0, true), Verdict::Disallowed, "disallowed beats too deep");
    assert_eq!(verdict("https://site.example/excluded/a", 1, 0, false), Verdict::Excluded);
    assert_eq!(verdict("https://site.example/robots-all", 1, 0, false), Verdict::Queue);
    // A robots.txt that disallows everything refuses the start URL too.
    assert_eq!(verdict("https://site.example/", 0, 0, false), Verdict::Disallowed);
}

#[test]
fn seen_is_asked_only_when_needed() {
    let start = url("https://site.example/");
    let options = CrawlOptions::default();
    let patterns = patterns(&options).expect("valid");
    let robots = Robots::allow_all();
    let f = Frontier { start: &start, options: &options, patterns: &patterns, robots: &robots, queued: 0 };
    let mut asked = 0;
    let _ = classify(&url("https://other.example/"), 1, &f, |_| {
        asked += 1;
        false
    });
    let _ = classify(&url("https://site.example/a"), 99, &f, |_| {
        asked += 1;
        false
    });
    assert_eq!(asked, 0);
    let _ = classify(&url("https://site.example/a"), 1, &f, |_| {
        asked += 1;
        false
    });
    assert_eq!(asked, 1);
}

#[test]
fn verdict_names() {
    let all = [Verdict::Queue, Verdict::OtherOrigin, Verdict::Excluded, Verdict::Disallowed, Verdict::TooDeep, Verdict::Duplicate, Verdict::OverLimit];
    for v in all {
        assert_eq!(serde_json::to_value(v).expect("serialises"), json!(v.as_str()));
    }
}

#[test]
fn robots_and_sitemap_locations() {
    let start = url("https://site.example:8443/deep/page?q=1#f");
    assert_eq!(robots_url(&start).map(|u| u.to_string()).as_deref(), Some("https://site.example:8443/robots.txt"));
    let none = robots::parse("User-agent: *\nDisallow:\n", "KrafterAudit");
    assert_eq!(sitemap_urls(&none, &start), [url("https://site.example:8443/sitemap.xml")]);
    let named = robots::parse(
        "Sitemap: https://site.example:8443/a.xml\nSitemap: https://SITE.example:8443/a.xml#x\nSitemap: https://cdn.example/s.xml.gz\n",
        "KrafterAudit",
    );
    assert_eq!(sitemap_urls(&named, &start), [url("https://site.example:8443/a.xml"), url("https://cdn.example/s.xml.gz")]);
    let many: String = (0..40).map(|i| format!("Sitemap: https://site.example/{i}.xml\n")).collect();
    assert_eq!(sitemap_urls(&robots::parse(&many, "KrafterAudit"), &start).len(), MAX_SITEMAP_FETCHES);
}
