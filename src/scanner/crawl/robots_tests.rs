//! Tests of the robots.txt reader (kept apart so robots.rs stays short).
use super::*;

const UA: &str = "Mozilla/5.0 (compatible; KrafterAudit/1.0; +https://app.krafter.dev/audit-bot)";

fn ok(r: &Robots, path: &str) -> bool {
    r.allowed(&Url::parse(&format!("https://example.com{path}")).expect("static"))
}

#[test]
fn product_token_from_user_agent() {
    assert_eq!(product_token(UA), "KrafterAudit");
    assert_eq!(product_token("KrafterAudit"), "KrafterAudit");
    assert_eq!(product_token("Foo-Bot/2.1 extra"), "Foo-Bot");
    assert_eq!(product_token(""), "");
}

#[test]
fn our_group_beats_star_and_groups_merge() {
    let body = "User-agent: *\nDisallow: /\n\nUser-agent: krafteraudit/2.0\nDisallow: /private/\n\nUser-agent: other\nDisallow: /x\n\nuser-agent: KRAFTERAUDIT\ndisallow: /tmp\n";
    let r = parse(body, UA);
    assert!(ok(&r, "/"));
    assert!(ok(&r, "/x"), "another bot's group is not ours");
    assert!(!ok(&r, "/private/a"));
    assert!(!ok(&r, "/tmp/file"), "both groups naming us apply");
    // Without a group naming us, `*` applies.
    let r = parse("User-agent: Googlebot\nDisallow: /\nUser-agent: *\nDisallow: /private/\n", UA);
    assert!(ok(&r, "/a"));
    assert!(!ok(&r, "/private/"));
    // A group naming nobody we are: everything allowed.
    let r = parse("User-agent: Googlebot\nDisallow: /\n", UA);
    assert!(ok(&r, "/a"));
}

#[test]
fn consecutive_user_agents_share_a_group() {
    let r = parse("User-agent: a\nUser-agent: KrafterAudit\nDisallow: /shared\nUser-agent: b\nDisallow: /b-only\n", UA);
    assert!(!ok(&r, "/shared"));
    assert!(ok(&r, "/b-only"));
    // Unknown lines and sitemaps do not end a group.
    let r = parse("User-agent: KrafterAudit\nSitemap: https://example.com/s.xml\nfoo: bar\nnonsense\nDisallow: /a\n", UA);
    assert!(!ok(&r, "/a"));
}

#[test]
fn longest_match_wins_allow_wins_ties() {
    let r = parse("User-agent: *\nDisallow: /folder\nAllow: /folder/page\nDisallow: /folder/page/deeper\nAllow: /tie\nDisallow: /tie\n", UA);
    assert!(!ok(&r, "/folder/x"));
    assert!(ok(&r, "/folder/page.html"));
    assert!(!ok(&r, "/folder/page/deeper/x"));
    assert!(ok(&r, "/tie"));
    let r = parse("User-agent: *\nDisallow: /*.pdf$\nAllow: /public/*.pdf$\nDisallow: /*?session=\n", UA);
    assert!(!ok(&r, "/a/b.pdf"));
    assert!(ok(&r, "/a/b.pdf?x=1"), "$ anchors at the end of path+query");
    assert!(ok(&r, "/public/b.pdf"));
    assert!(!ok(&r, "/page?session=1"));
    assert!(ok(&r, "/page?other=1"));
}

#[test]
fn empty_disallow_and_odd_paths() {
    let r = parse("User-agent: *\nDisallow:\n", UA);
    assert!(ok(&r, "/anything"));
    let r = parse("User-agent: *\nDisallow: private\n", UA);
    assert!(!ok(&r, "/private/x"), "a pattern without / gets one");
}

#[test]
fn percent_encoding_is_normalised() {
    let r = parse("User-agent: *\nDisallow: /caf%c3%a9\nDisallow: /~joe\nDisallow: /über\n", UA);
    assert!(!ok(&r, "/café/menu"));
    assert!(!ok(&r, "/%7Ejoe/x"));
    assert!(!ok(&r, "/%C3%BCber"));
    assert!(ok(&r, "/cafe"));
}

#[test]
fn comments_crlf_bom_and_case() {
    let body = "\u{feff}# hello\r\nUSER-AGENT: * # everyone\r\nDISALLOW: /a # not /b\r\nCrawl-Delay: 2.5\r\nSitemap: https://example.com/sitemap.xml\r\n";
    let r = parse(body, UA);
    assert!(!ok(&r, "/a"));
    assert!(ok(&r, "/b"));
    assert_eq!(r.crawl_delay(), Some(2.5));
    assert_eq!(r.sitemaps(), ["https://example.com/sitemap.xml"]);
    // Old Mac line endings.
    let r = parse("User-agent: *\rDisallow: /c\r", UA);
    assert!(!ok(&r, "/c"));
}

#[test]
fn crawl_delay_from_chosen_group_clamped() {
    let r = parse("User-agent: *\nCrawl-delay: 5\nUser-agent: KrafterAudit\nCrawl-delay: 1\n", UA);
    assert_eq!(r.crawl_delay(), Some(1.0));
    assert_eq!(parse("User-agent: *\nCrawl-delay: 3600\n", UA).crawl_delay(), Some(MAX_CRAWL_DELAY));
    assert_eq!(parse("User-agent: *\nCrawl-delay: -1\n", UA).crawl_delay(), None);
    assert_eq!(parse("User-agent: *\nCrawl-delay: NaN\n", UA).crawl_delay(), None);
    assert_eq!(parse("User-agent: *\nCrawl-delay: inf\n", UA).crawl_delay(), None);
    assert_eq!(parse("User-agent: *\nCrawl-delay: soon\n", UA).crawl_delay(), None);
    assert_eq!(parse("User-agent: other\nCrawl-delay: 9\n", UA).crawl_delay(), None);
    assert_eq!(parse("User-agent: *\nCrawl-delay: 0\n", UA).crawl_delay(), Some(0.0));
}

#[test]
fn sitemaps_are_global_and_checked() {
    let r = parse("Sitemap: https://example.com/a.xml\nUser-agent: other\nSitemap: http://example.com/b.xml.gz\nSitemap: /relative.xml\nSitemap: ftp://x/y\n", UA);
    assert_eq!(r.sitemaps(), ["https://example.com/a.xml", "http://example.com/b.xml.gz"]);
    let many: String = (0..200).map(|i| format!("Sitemap: https://example.com/{i}.xml\n")).collect();
    assert_eq!(parse(&many, UA).sitemaps().len(), MAX_SITEMAPS);
}

#[test]
fn robots_txt_always_allowed_and_status_policy() {
    let r = parse("User-agent: *\nDisallow: /\n", UA);
    assert!(!ok(&r, "/"));
    assert!(ok(&r, "/robots.txt"));
    assert!(!ok(&Robots::disallow_all(), "/a"));
    assert!(ok(&Robots::disallow_all(), "/robots.txt"));
    assert!(ok(&Robots::allow_all(), "/a"));
    assert!(ok(&Robots::for_status(Some(404), "User-agent: *\nDisallow: /\n", UA), "/a"));
    assert!(!ok(&Robots::for_status(Some(503), "", UA), "/a"));
    assert!(!ok(&Robots::for_status(None, "", UA), "/a"));
    assert!(!ok(&Robots::for_status(Some(200), "User-agent: *\nDisallow: /a\n", UA), "/a"));
}

#[test]
fn only_the_first_500_kib_is_read() {
    let mut body = String::from("User-agent: *\n");
    while body.len() < MAX_BYTES + 10 {
        body.push_str("# padding padding padding padding padding padding\n");
    }
    body.push_str("Disallow: /late\n");
    assert!(ok(&parse(&body, UA), "/late"));
    // A cut inside a multi-byte character does not panic.
    let odd = format!("User-agent: *\n{}", "é".repeat(MAX_BYTES));
    let _ = parse(&odd, UA);
}

/// Hostile sizes: the results are asserted, the time is not (tests do not
/// time); a quadratic implementation would run for minutes here.
#[test]
fn rule_budget_and_hostile_files_stay_linear() {
    let mut body = String::from("User-agent: *\n");
    for i in 0..100_000 {
        body.push_str(&format!("Disallow: /*a*a*a*a*a*a*a*a*b{i}\n"));
    }
    let r = parse(&body, UA);
    assert!(r.rule_count() <= MAX_RULES);
    let long = format!("/{}", "a".repeat(2000));
    for _ in 0..10 {
        assert!(ok(&r, &long));
    }
    // One enormous line, no newline at all.
    let _ = parse(&"x".repeat(5_000_000), UA);
    let _ = parse(&":".repeat(600_000), UA);
    // A rule past MAX_RULE_LEN is dropped, not truncated into a broader one.
    let r = parse(&format!("User-agent: *\nDisallow: /{}\n", "a".repeat(MAX_RULE_LEN + 1)), UA);
    assert_eq!(r.rule_count(), 0);
}

/// Random splices of robots.txt syntax: never a panic; `/robots.txt` stays allowed.
#[test]
fn random_input_never_panics() {
    const PIECES: &[&str] = &["User-agent:", " *", " KrafterAudit", "Allow:", "Disallow:", "Crawl-delay:", "Sitemap:", " /", "*", "$", "%", "%e9", "?", "#", "\n", "\r", ":", " 1e309", " https://e.com/s.xml", "é", "\u{feff}"];
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..3_000 {
        let mut body = String::new();
        for _ in 0..(s % 60) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            body.push_str(PIECES[(s % PIECES.len() as u64) as usize]);
        }
        let r = parse(&body, UA);
        assert!(ok(&r, "/robots.txt"));
        let _ = ok(&r, "/a%e9/*$?q=1");
        assert!(r.crawl_delay().is_none_or(|d| (0.0..=MAX_CRAWL_DELAY).contains(&d)));
    }
}
