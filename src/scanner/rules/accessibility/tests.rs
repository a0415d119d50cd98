//! Tests across the accessibility rules (each family's pass/fail cases are in
//! its own file), and the helper those case tests share.
use super::{Conformance, Effort, Harm, RULES};
use crate::scanner::page::Page;
use crate::scanner::rules::{Evidence, Outcome, Rule};

fn doc(body: &str) -> String {
    format!("<!doctype html><html lang=\"en\"><head><title>t</title></head><body><main><h1>x</h1>{body}</main></body></html>")
}

fn run(id: &str, body: &str) -> Outcome {
    let rule = RULES.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no rule {id}"));
    run_rule(rule, body)
}

fn run_rule(rule: &Rule, body: &str) -> Outcome {
    let html = if body.starts_with("<!") { body.to_string() } else { doc(body) };
    rule.check_page(&Page::html_at("https://example.com/", &[], &html))
}

/// A family's case table: every rule of the family has a case, every case
/// names a rule of the family, the passing body does not fail, and the
/// failing body fails with element evidence that points into the tree.
pub(super) fn pass_and_fail(family: &[(u16, Rule)], cases: &[(&str, &str, &str)]) {
    for (_, r) in family {
        assert!(cases.iter().any(|c| c.0 == r.id), "no unit cases for {}", r.id);
    }
    for (id, pass, fail) in cases {
        let Some((_, rule)) = family.iter().find(|(_, r)| r.id == *id) else { panic!("{id} is not in this family") };
        let p = run_rule(rule, pass);
        assert!(!matches!(p, Outcome::Fail(_)), "{id}: pass case failed: {p:?}");
        match run_rule(rule, fail) {
            Outcome::Fail(v) => {
                assert!(!v.evidence.is_empty(), "{id}: no evidence");
                assert!(v.evidence.iter().all(|e| matches!(e, Evidence::Element { node: Some(_), .. })), "{id}");
            }
            other => panic!("{id}: fail case did not fail: {other:?}"),
        }
    }
}

/// The catalogue positions number the rules 1..=N once each, so the public
/// order is total and a new rule's number is the next free one.
#[test]
fn catalogue_positions_are_one_to_n() {
    let n = RULES.len() as u16;
    let mut positions: Vec<u16> = super::FAMILIES
    .concat()
    .iter()
    .map(|(p, _)| *p)
    .collect();
    positions.sort_unstable();
    assert_eq!(positions, (1..=n).collect::<Vec<_>>(), "positions must be 1..={n} once each; a new rule takes {}", n + 1);
}

/// Hand-written records agree with what the catalogue promises: the
/// accessibility domain, an axe reference to the rule's own page, the impact
/// axe's level gives the severity, the scheme's effort levels, a risk whose
/// conformance part matches the WCAG criteria cited, and unique ids.
#[test]
fn records_follow_the_scheme() {
    use crate::domain::model::Severity;
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len(), "duplicate rule id");
    let efforts = [Effort::Attribute, Effort::Markup, Effort::Restructure, Effort::Redesign].map(|e| e as u8);
    for r in RULES.iter() {
        assert_eq!(r.domain, crate::domain::model::Domain::Accessibility, "{}", r.id);
        assert!(r.references.iter().any(|x| x.kind == "axe" && x.id == r.id && x.url.ends_with(&format!("/{}", r.id))), "{}", r.id);
        let impact = match r.severity {
            Severity::Critical => super::CRITICAL,
            Severity::High => super::SERIOUS,
            Severity::Medium => super::MODERATE,
            _ => super::MINOR,
        };
        assert_eq!(r.impact, impact, "{}: impact must follow the severity (axe impact)", r.id);
        assert!(efforts.contains(&r.effort), "{}: effort {} is not a scheme level", r.id, r.effort);
        let levels: Vec<&str> = r.references.iter().filter(|x| x.kind == "wcag").map(|x| x.id).collect();
        let conformance = if levels.iter().any(|l| l.ends_with("(A)")) {
            Conformance::A
        } else if levels.iter().any(|l| l.ends_with("(AA)")) {
            Conformance::AA
        } else {
            Conformance::BestPractice
        };
        let possible = [Harm::Blocks, Harm::Hinders, Harm::Annoys].map(|h| super::risk(conformance, h));
        assert!(possible.contains(&r.risk), "{}: risk {} does not match {conformance:?}", r.id, r.risk);
    }
}

#[test]
fn hidden_elements_are_skipped() {
    assert!(!matches!(run("image-alt", r#"<div hidden><img src=a></div>"#), Outcome::Fail(_)));
    assert!(!matches!(run("image-alt", r#"<div style="display: none"><img src=a></div>"#), Outcome::Fail(_)));
    assert!(!matches!(run("button-name", r#"<div aria-hidden="true"><button></button></div>"#), Outcome::Fail(_)));
}

#[test]
fn no_panic_on_odd_input() {
    for r in RULES.iter() {
        let _ = run(r.id, "<div role='' aria-level='x' tabindex='--1' lang=''><svg role=img><title></title></svg></div><table headers=''>");
        let page = Page::html_at("https://example.com/", &[("content-type", "application/json")], "{}");
        assert_eq!(r.check_page(&page), Outcome::NotApplicable, "{}", r.id);
    }
}

#[test]
fn batch_source_lines_match_single_lookups() {
    let html = "<!doctype html>\n<html lang=en><head><title>t</title></head>\n<body>\n<p>a</p>\n<div><p>b</p>\n<span>c</span></div>\n<P>d</P><pre>x</pre>\n</body></html>";
    let page = Page::html_at("https://example.com/", &[], html);
    let doc = page.document().unwrap();
    let els: Vec<scraper::ElementRef> = doc.root_element().descendants().filter_map(scraper::ElementRef::wrap).collect();
    let batch = super::ctx::source_lines(&crate::scanner::rules::analysis(&page), &els);
    for (e, l) in els.iter().zip(batch) {
        assert_eq!(l, crate::scanner::rules::dom::source_line(&crate::scanner::rules::analysis(&page), *e), "{}", e.value().name());
    }
}

#[test]
fn indexed_source_lines_match_the_scan() {
    let html = "<!doctype html>\n<HTML><head><title>t</title></head>\n<body>\n<!-- <p>c</p> -->\n<p>a</p><Div\n><P\tid=x>b</P></div>\n\
                <svg><foreignObject><p>f</p></foreignObject></svg>\n<a<b>z</a<b><x-y>q</x-y>\n<li>1<li>2<table><td>c</table>\n<p";
    let page = Page::html_at("https://example.com/", &[], html);
    let doc = page.document().unwrap();
    let els: Vec<scraper::ElementRef> = doc.root_element().descendants().filter_map(scraper::ElementRef::wrap).collect();
    assert_eq!(super::ctx::source_lines(&crate::scanner::rules::analysis(&page), &els), super::ctx::source_lines_scan(&crate::scanner::rules::analysis(&page), &els));
    let rev: Vec<scraper::ElementRef> = els.iter().rev().copied().collect();
    assert_eq!(super::ctx::source_lines(&crate::scanner::rules::analysis(&page), &rev), super::ctx::source_lines_scan(&crate::scanner::rules::analysis(&page), &rev));
}

/// Elements outside the implicit-role table never get an implicit role, so
/// the per-page role table may skip them.
#[test]
fn implicit_roles_only_for_listed_tags() {
    use crate::scanner::rules::dom::roles::{CONDITIONAL_IMPLICIT_ROLE_TAGS, FIXED_IMPLICIT_ROLES};
    const NAMES: &[&str] = &[
        "abbr", "address", "audio", "b", "bdi", "bdo", "blockquote", "br", "canvas", "caption", "cite", "code", "col",
        "colgroup", "data", "del", "div", "em", "embed", "figcaption", "hgroup", "i", "iframe", "ins", "kbd", "label",
        "legend", "map", "mark", "noscript", "object", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp",
        "small", "source", "span", "strong", "sub", "sup", "svg", "template", "time", "track", "u", "var", "video",
        "wbr", "x-custom", "center", "font", "marquee",
    ];
    let body: String = NAMES
        .iter()
        .map(|n| format!(r#"<{n} href=x alt="" aria-label=l title=t list=d type=text tabindex=0>x</{n}>"#))
        .collect();
    let page = Page::html_at("https://example.com/", &[], &doc(&body));
    let ctx = super::ctx::Ctx::new(crate::scanner::rules::held(&page)).unwrap();
    let mut checked = 0;
    for e in page.document().unwrap().root_element().descendants().filter_map(scraper::ElementRef::wrap) {
        let name = e.value().name();
        if !CONDITIONAL_IMPLICIT_ROLE_TAGS.contains(&name) && !FIXED_IMPLICIT_ROLES.iter().any(|(t, _)| *t == name) {
            assert_eq!(super::aria::implicit_role(&ctx, e), None, "{name}");
            checked += 1;
        }
    }
    assert!(checked >= NAMES.len());
}

/// The roles the element index decides while it builds (links, cells, images
/// with alt text, headers with a scope) are the roles `implicit_role` gives
/// the same elements from the tree, in and out of grid tables.
#[test]
fn roles_decided_by_the_index_match_implicit_role() {
    let body = r#"<a href=x>l</a><a>n</a><map name=m><area href=a alt=a><area alt=b></map><img src=i alt=x><img src=j>
        <table><tr><th scope=col>c</th><th scope=ROW>r</th><th>h</th><td>d</td></tr></table>
        <table role=grid><tr><th scope=rowgroup>g</th><td>d</td></tr><tr><td><table><tr><td>inner</td></tr></table></td></tr></table>
        <table role="treegrid"><tr><td>t</td></tr></table><div role=grid><table><tr><td>x</td></tr></table></div>"#;
    let page = Page::html_at("https://example.com/", &[], &doc(body));
    let a = crate::scanner::rules::held(&page);
    let ctx = super::ctx::Ctx::new(a).unwrap();
    let ix = a.element_index().unwrap();
    let doc = page.document().unwrap();
    assert!(ix.early_roles.len() >= 14, "{}", ix.early_roles.len());
    for (p, role) in &ix.early_roles {
        let e = ix.node(*p).and_then(|id| doc.tree.get(id)).and_then(scraper::ElementRef::wrap).unwrap();
        assert_eq!(super::aria::implicit_role(&ctx, e), *role, "{}", e.html());
        assert_eq!(ctx.role(e), *role, "{}", e.html());
    }
}

/// A rule's outcome on a whole document: "pass", "fail" (a real violation)
/// or "review" (only needs-review evidence).
pub(super) fn verdict(id: &str, doc: &str) -> &'static str {
    let page = Page::html_at("https://example.com/", &[], doc);
    match crate::scanner::rules::by_id(id).map(|r| r.check_page(&page)) {
        Some(Outcome::Fail(v)) if v.evidence.iter().any(|e| matches!(e, Evidence::Element { needs_review: false, .. })) => "fail",
        Some(Outcome::Fail(_)) => "review",
        _ => "pass",
    }
}
