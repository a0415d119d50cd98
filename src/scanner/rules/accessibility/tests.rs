//! Pass and fail cases for every accessibility rule.
use super::RULES;
use crate::page::Page;
use crate::rules::{Evidence, Outcome};

fn doc(body: &str) -> String {
    format!("<!doctype html><html lang=\"en\"><head><title>t</title></head><body><main><h1>x</h1>{body}</main></body></html>")
}

/// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
const CASES: &[(&str, &str, &str)] = &[
    ("image-alt", r#"<img src=a alt="A cat">"#, r#"<img src=a>"#),
    ("html-has-lang", "<!doctype html><html lang=en><title>t</title>", "<!doctype html><html><title>t</title>"),
    ("html-lang-valid", "<!doctype html><html lang=en-GB><title>t</title>", "<!doctype html><html lang=english><title>t</title>"),
    ("document-title", "<!doctype html><html lang=en><title>Home</title>", "<!doctype html><html lang=en><title> </title>"),
    ("link-name", r#"<a href="/x">Docs</a>"#, r#"<a href="/x"><img src=i alt=""></a>"#),
    ("button-name", r#"<button>Save</button>"#, r#"<button></button>"#),
    ("label", r#"<label>Name <input></label>"#, r#"<input id=n>"#),
    ("frame-title", r#"<iframe src=a title="Map"></iframe>"#, r#"<iframe src=a></iframe>"#),
    ("meta-viewport", r#"<meta name=viewport content="width=device-width">"#, r#"<meta name=viewport content="user-scalable=no">"#),
    ("duplicate-id-aria", r#"<p id=a>x</p><div aria-labelledby=a></div>"#, r#"<p id=a>x</p><p id=a>y</p><div aria-labelledby=a></div>"#),
    ("heading-order", r#"<h2>b</h2>"#, r#"<h3>c</h3>"#),
    ("area-alt", r#"<map name=m><area href=a alt="Home"></map>"#, r#"<map name=m><area href=a></map>"#),
    ("input-image-alt", r#"<input type=image src=a alt="Go">"#, r#"<input type=image src=a>"#),
    ("role-img-alt", r#"<div role=img aria-label="Chart"></div>"#, r#"<div role=img></div>"#),
    ("svg-img-alt", r#"<svg role=img><title>Logo</title></svg>"#, r#"<svg role=img></svg>"#),
    ("object-alt", r#"<object data=a.swf title="Game"></object>"#, r#"<object data=a.swf></object>"#),
    ("image-redundant-alt", r#"<a href=a><img src=i alt="Logo">Home</a>"#, r#"<a href=a><img src=i alt="Home">Home</a>"#),
    ("input-button-name", r#"<input type=button value="Go">"#, r#"<input type=button>"#),
    ("select-name", r#"<label>Pick <select><option>a</select></label>"#, r#"<select><option>a</select>"#),
    ("aria-command-name", r#"<div role=button>Go</div>"#, r#"<div role=button></div>"#),
    ("aria-dialog-name", r#"<div role=dialog aria-label="Settings"></div>"#, r#"<div role=dialog></div>"#),
    ("aria-input-field-name", r#"<div role=textbox aria-label="Q"></div>"#, r#"<div role=textbox></div>"#),
    ("aria-meter-name", r#"<div role=meter aria-valuenow=1 aria-label="Disk"></div>"#, r#"<div role=meter aria-valuenow=1></div>"#),
    ("aria-progressbar-name", r#"<div role=progressbar aria-label="Upload"></div>"#, r#"<div role=progressbar></div>"#),
    ("aria-tab-name", r#"<div role=tablist><div role=tab>One</div></div>"#, r#"<div role=tablist><div role=tab></div></div>"#),
    ("aria-toggle-field-name", r#"<div role=checkbox aria-checked=false>Agree</div>"#, r#"<div role=checkbox aria-checked=false></div>"#),
    ("aria-tooltip-name", r#"<div role=tooltip>Help</div>"#, r#"<div role=tooltip></div>"#),
    ("aria-treeitem-name", r#"<div role=tree><div role=treeitem>A</div></div>"#, r#"<div role=tree><div role=treeitem></div></div>"#),
    ("summary-name", r#"<details><summary>More</summary>x</details>"#, r#"<details><summary></summary>x</details>"#),
    ("empty-heading", r#"<h2>Intro</h2>"#, r#"<h2></h2>"#),
    ("empty-table-header", r#"<table><tr><th>Name</th></tr><tr><td>a</td></tr></table>"#, r#"<table><tr><th></th></tr><tr><td>a</td></tr></table>"#),
    ("frame-title-unique", r#"<iframe title=a></iframe><iframe title=b></iframe>"#, r#"<iframe title=a></iframe><iframe title=a></iframe>"#),
    ("form-field-multiple-labels", r#"<label for=i>A</label><input id=i>"#, r#"<label for=i>A</label><label for=i>B</label><input id=i>"#),
    ("label-title-only", r#"<label>A <input></label>"#, r#"<input title="Name">"#),
    ("landmark-unique", r#"<nav aria-label=a></nav><nav aria-label=b></nav>"#, r#"<nav></nav><nav></nav>"#),
    ("html-xml-lang-mismatch", r#"<!doctype html><html lang=en xml:lang=en-US><title>t</title>"#, r#"<!doctype html><html lang=en xml:lang=fr><title>t</title>"#),
    ("valid-lang", r#"<p lang=fr>Bonjour</p>"#, r#"<p lang=french>Bonjour</p>"#),
    ("meta-refresh", r#"<meta http-equiv=refresh content="0; url=/x">"#, r#"<meta http-equiv=refresh content="30">"#),
    ("meta-viewport-large", r#"<meta name=viewport content="maximum-scale=5">"#, r#"<meta name=viewport content="maximum-scale=3">"#),
    ("aria-hidden-body", "<!doctype html><html lang=en><title>t</title><body>x", "<!doctype html><html lang=en><title>t</title><body aria-hidden=true>x"),
    ("landmark-one-main", "<!doctype html><html lang=en><title>t</title><main>x</main>", "<!doctype html><html lang=en><title>t</title><div>x</div>"),
    ("page-has-heading-one", "<!doctype html><html lang=en><title>t</title><h1>x</h1>", "<!doctype html><html lang=en><title>t</title><h2>x</h2>"),
    ("landmark-no-duplicate-banner", "<!doctype html><html lang=en><title>t</title><header>a</header>", "<!doctype html><html lang=en><title>t</title><header>a</header><div role=banner>b</div>"),
    ("landmark-no-duplicate-contentinfo", "<!doctype html><html lang=en><title>t</title><footer>a</footer>", "<!doctype html><html lang=en><title>t</title><footer>a</footer><div role=contentinfo>b</div>"),
    ("landmark-no-duplicate-main", "<!doctype html><html lang=en><title>t</title><main>a</main>", "<!doctype html><html lang=en><title>t</title><main>a</main><div role=main>b</div>"),
    ("landmark-banner-is-top-level", "<!doctype html><html lang=en><title>t</title><div role=banner>a</div>", "<!doctype html><html lang=en><title>t</title><main><div role=banner>a</div></main>"),
    ("landmark-contentinfo-is-top-level", "<!doctype html><html lang=en><title>t</title><div role=contentinfo>a</div>", "<!doctype html><html lang=en><title>t</title><nav><div role=contentinfo>a</div></nav>"),
    ("landmark-main-is-top-level", "<!doctype html><html lang=en><title>t</title><main>a</main>", "<!doctype html><html lang=en><title>t</title><nav><main>a</main></nav>"),
    ("bypass", "<!doctype html><html lang=en><title>t</title><main>a</main>", "<!doctype html><html lang=en><title>t</title><div>a</div>"),
    ("skip-link", r##"<a href="#c">Skip</a><div id=c></div>"##, r##"<a href="#nowhere">Skip</a>"##),
    ("list", r#"<ul><li>a</li></ul>"#, r#"<ul><div>a</div></ul>"#),
    ("listitem", r#"<ol><li>a</li></ol>"#, r#"<div><li>a</li></div>"#),
    ("dlitem", r#"<dl><dt>a</dt><dd>b</dd></dl>"#, r#"<div><dt>a</dt></div>"#),
    ("definition-list", r#"<dl><dt>a</dt><dd>b</dd></dl>"#, r#"<dl><p>a</p></dl>"#),
    ("td-headers-attr", r#"<table><tr><th id=h>H</th></tr><tr><td headers=h>a</td></tr></table>"#, r#"<table><tr><th>H</th></tr><tr><td headers=nope>a</td></tr></table>"#),
    ("scope-attr-valid", r#"<table><tr><th scope=col>H</th></tr></table>"#, r#"<table><tr><th scope=diagonal>H</th></tr></table>"#),
    ("table-duplicate-name", r#"<table summary="x"><caption>Y</caption><tr><td>a</td></tr></table>"#, r#"<table summary="Y"><caption>Y</caption><tr><td>a</td></tr></table>"#),
    ("tabindex", r#"<div tabindex=0>a</div>"#, r#"<div tabindex=2>a</div>"#),
    ("accesskeys", r#"<a href=a accesskey=s>a</a><a href=b accesskey=t>b</a>"#, r#"<a href=a accesskey=s>a</a><a href=b accesskey=s>b</a>"#),
    ("server-side-image-map", r#"<img src=a alt=x>"#, r#"<a href=m><img src=a alt=x ismap></a>"#),
    ("video-caption", r#"<video src=a><track kind=captions src=c></video>"#, r#"<video src=a></video>"#),
    ("marquee", r#"<p>x</p>"#, r#"<marquee>x</marquee>"#),
    ("blink", r#"<p>x</p>"#, r#"<blink>x</blink>"#),
    ("aria-valid-attr", r#"<div aria-label="x">a</div>"#, r#"<div aria-lable="x">a</div>"#),
    ("aria-valid-attr-value", r#"<div role=checkbox aria-checked=true>a</div>"#, r#"<div role=checkbox aria-checked=yes>a</div>"#),
    ("aria-roles", r#"<div role=button>a</div>"#, r#"<div role=buton>a</div>"#),
    ("aria-deprecated-role", r#"<div role=list><div role=listitem>a</div></div>"#, r#"<div role=directory>a</div>"#),
    ("aria-required-attr", r#"<div role=checkbox aria-checked=false>a</div>"#, r#"<div role=checkbox>a</div>"#),
    ("aria-allowed-attr", r#"<div role=checkbox aria-checked=false>a</div>"#, r#"<div role=link aria-checked=false>a</div>"#),
    ("aria-prohibited-attr", r#"<div role=button aria-label=x></div>"#, r#"<div aria-label=x></div>"#),
    ("aria-required-parent", r#"<div role=list><div role=listitem>a</div></div>"#, r#"<div><div role=listitem>a</div></div>"#),
    ("aria-required-children", r#"<div role=list><div role=listitem>a</div></div>"#, r#"<div role=tablist><div role=button tabindex=0>a</div></div>"#),
    ("aria-braille-equivalent", r#"<img alt=x aria-braillelabel=x>"#, r#"<button aria-braillelabel=x></button>"#),
    ("aria-text", r#"<span role=text>a</span>"#, r#"<span role=text><a href=a>x</a></span>"#),
    ("nested-interactive", r#"<button>a</button>"#, r#"<button><a href=a>x</a></button>"#),
    ("presentation-role-conflict", r#"<li role=none>a</li>"#, r#"<li role=none aria-label=x tabindex=0>a</li>"#),
    ("aria-allowed-role", r#"<ul role=tablist><li role=tab>a</li></ul>"#, r#"<h2 role=button>a</h2>"#),
    ("aria-conditional-attr", r#"<input type=checkbox checked aria-checked=true>"#, r#"<div role=grid><div role=row aria-expanded=true><div role=gridcell>a</div></div></div>"#),
    ("autocomplete-valid", r#"<label>E <input autocomplete="work email"></label>"#, r#"<label>E <input autocomplete="work photo"></label>"#),
    ("avoid-inline-spacing", r#"<p style="letter-spacing: 0.12em !important">text</p>"#, r#"<p style="letter-spacing: 0.05em !important">text</p>"#),
    ("label-content-name-mismatch", r#"<button aria-label="Next page in the list">Next page</button>"#, r#"<button aria-label="Continue">Next page</button>"#),
    ("aria-hidden-focus", r#"<div aria-hidden=true><p>x</p></div>"#, r#"<div aria-hidden=true><a href=a>x</a></div>"#),
];

fn run(id: &str, body: &str) -> Outcome {
    let html = if body.starts_with("<!") { body.to_string() } else { doc(body) };
    let page = Page::html_at("https://example.com/", &[], &html);
    let rule = RULES.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no rule {id}"));
    rule.check_page(&page)
}

#[test]
fn every_rule_has_cases() {
    for r in RULES {
        assert!(CASES.iter().any(|c| c.0 == r.id), "no unit cases for {}", r.id);
    }
}

#[test]
fn pass_and_fail_cases() {
    for (id, pass, fail) in CASES {
        let p = run(id, pass);
        assert!(!matches!(p, Outcome::Fail(_)), "{id}: pass case failed: {p:?}");
        match run(id, fail) {
            Outcome::Fail(v) => {
                assert!(!v.evidence.is_empty(), "{id}: no evidence");
                assert!(v.evidence.iter().all(|e| matches!(e, Evidence::Element { node: Some(_), .. })), "{id}");
            }
            other => panic!("{id}: fail case did not fail: {other:?}"),
        }
    }
}

#[test]
fn needs_review_only_has_low_confidence() {
    if let Outcome::Fail(v) = run("video-caption", "<video src=a></video>") {
        assert!(v.confidence <= 0.5);
        assert!(v.evidence.iter().all(|e| matches!(e, Evidence::Element { needs_review: true, .. })));
    } else {
        panic!("expected needs-review finding");
    }
}

#[test]
fn records_carry_references_and_severity() {
    for r in RULES {
        assert!(r.references.iter().any(|x| x.kind == "axe" && x.url.ends_with(r.id)), "{}", r.id);
        assert_eq!(r.domain, crate::model::Domain::Accessibility);
    }
    let img = RULES.iter().find(|r| r.id == "image-alt").unwrap();
    assert!(img.references.iter().any(|x| x.kind == "wcag" && x.id == "1.1.1 (A)"));
    assert_eq!(img.severity, crate::model::Severity::Critical);
}

#[test]
fn hidden_elements_are_skipped() {
    assert!(!matches!(run("image-alt", r#"<div hidden><img src=a></div>"#), Outcome::Fail(_)));
    assert!(!matches!(run("image-alt", r#"<div style="display: none"><img src=a></div>"#), Outcome::Fail(_)));
    assert!(!matches!(run("button-name", r#"<div aria-hidden="true"><button></button></div>"#), Outcome::Fail(_)));
}

#[test]
fn no_panic_on_odd_input() {
    for r in RULES {
        let _ = run(r.id, "<div role='' aria-level='x' tabindex='--1' lang=''><svg role=img><title></title></svg></div><table headers=''>");
        let page = Page::html_at("https://example.com/", &[("content-type", "application/json")], "{}");
        assert_eq!(r.check_page(&page), Outcome::NotApplicable, "{}", r.id);
    }
}

/// Rough linearity check on a large page (run with `--ignored --release`).
#[test]
#[ignore]
fn large_page_timing() {
    let mut body = String::new();
    let mut i = 0;
    while body.len() < 2_000_000 {
        body.push_str(&format!(
            r#"<div class=c><ul><li><a href="/p{i}" aria-label="Item {i} details">Item {i}</a></li></ul><p style="line-height: 1 !important">text {i}<br>more</p><input autocomplete="email" aria-label=e><div role=list><div role=listitem><button role=tab>t</button></div></div></div>"#
        ));
        i += 1;
    }
    let page = Page::html_at("https://example.com/", &[], &doc(&body));
    let all = std::time::Instant::now();
    for r in RULES {
        let t = std::time::Instant::now();
        let _ = r.check_page(&page);
        let ms = t.elapsed().as_millis();
        if ms > 20 {
            eprintln!("{:32} {ms} ms", r.id);
        }
    }
    eprintln!("all {} rules: {} ms", RULES.len(), all.elapsed().as_millis());
}

#[test]
fn batch_source_lines_match_single_lookups() {
    let html = "<!doctype html>\n<html lang=en><head><title>t</title></head>\n<body>\n<p>a</p>\n<div><p>b</p>\n<span>c</span></div>\n<P>d</P><pre>x</pre>\n</body></html>";
    let page = Page::html_at("https://example.com/", &[], html);
    let doc = page.document().unwrap();
    let els: Vec<scraper::ElementRef> = doc.root_element().descendants().filter_map(scraper::ElementRef::wrap).collect();
    let batch = super::ctx::source_lines(&crate::rules::analysis(&page), &els);
    for (e, l) in els.iter().zip(batch) {
        assert_eq!(l, crate::rules::dom::source_line(&crate::rules::analysis(&page), *e), "{}", e.value().name());
    }
}

#[test]
fn indexed_source_lines_match_the_scan() {
    let html = "<!doctype html>\n<HTML><head><title>t</title></head>\n<body>\n<!-- <p>c</p> -->\n<p>a</p><Div\n><P\tid=x>b</P></div>\n\
                <svg><foreignObject><p>f</p></foreignObject></svg>\n<a<b>z</a<b><x-y>q</x-y>\n<li>1<li>2<table><td>c</table>\n<p";
    let page = Page::html_at("https://example.com/", &[], html);
    let doc = page.document().unwrap();
    let els: Vec<scraper::ElementRef> = doc.root_element().descendants().filter_map(scraper::ElementRef::wrap).collect();
    assert_eq!(super::ctx::source_lines(&crate::rules::analysis(&page), &els), super::ctx::source_lines_scan(&crate::rules::analysis(&page), &els));
    let rev: Vec<scraper::ElementRef> = els.iter().rev().copied().collect();
    assert_eq!(super::ctx::source_lines(&crate::rules::analysis(&page), &rev), super::ctx::source_lines_scan(&crate::rules::analysis(&page), &rev));
}

#[test]
fn indexed_dom_lines_match_the_line_index() {
    let html = "<!doctype html>\n<HTML><head><title>t</title></head>\n<body>\n<!-- <p>c</p>\n<div> -->\n<p>a</p><Div\n><P\tid=x>b</P></div>\n\
                <svg><foreignObject><p>f</p></foreignObject></svg>\n<a<b>z</a<b><x-y>q</x-y>\n<li>1<li>2<table><td>c</table>\n<p";
    let page = Page::html_at("https://example.com/", &[], html);
    let doc = page.document().unwrap();
    for e in doc.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
        assert_eq!(crate::rules::dom::source_line(&crate::rules::analysis(&page), e), crate::rules::analysis(&page).line_index().get(&e.id()).copied(), "{}", e.value().name());
    }
}

/// Elements outside `IMPLICIT_ROLE_TAGS` never get an implicit role, so the
/// per-page role table may skip them.
#[test]
fn implicit_roles_only_for_listed_tags() {
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
    let ctx = super::ctx::Ctx::new(crate::rules::held(&page)).unwrap();
    for e in page.document().unwrap().root_element().descendants().filter_map(scraper::ElementRef::wrap) {
        if !super::aria::IMPLICIT_ROLE_TAGS.contains(&e.value().name()) {
            assert_eq!(super::aria::implicit_role(&ctx, e), None, "{}", e.value().name());
        }
    }
}

/// Tags listed with a fixed implicit role get exactly that role from
/// `implicit_role`, wherever they appear.
#[test]
fn fixed_implicit_roles_match_implicit_role() {
    let body: String = super::aria::FIXED_IMPLICIT_ROLES
        .iter()
        .map(|(t, _)| format!(r#"<{t} aria-label=l tabindex=0 hidden>x</{t}><div><section aria-label=s><{t}>y</{t}></section></div>"#))
        .collect();
    let body = format!("{body}<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table><ul><li>a</li></ul><dl><dt>t</dt><dd>d</dd></dl><select><optgroup label=g><option>o</option></optgroup></select><details><summary>s</summary></details>");
    let page = Page::html_at("https://example.com/", &[], &doc(&body));
    let ctx = super::ctx::Ctx::new(crate::rules::held(&page)).unwrap();
    let mut seen = 0;
    for e in page.document().unwrap().root_element().descendants().filter_map(scraper::ElementRef::wrap) {
        if let Some((_, role)) = super::aria::FIXED_IMPLICIT_ROLES.iter().find(|(t, _)| *t == e.value().name()) {
            assert_eq!(super::aria::implicit_role(&ctx, e), Some(*role), "{}", e.value().name());
            assert_eq!(ctx.role(e), Some(*role), "{}", e.value().name());
            seen += 1;
        }
    }
    assert!(seen > super::aria::FIXED_IMPLICIT_ROLES.len());
}

/// `dom::select_named` finds what selecting by the bare tag name finds.
#[test]
fn select_named_matches_select() {
    let html = r#"<!doctype html><A href=x>1</A><svg><a href=y><text>2</text></a><style>s</style></svg><math><a>3</a></math>
        <table><a href=z>4</a><tr><td>c</td></tr></table><p><img src=i><IMG src=j></p><template><a href=t>5</a></template><body><a>6</a></body>"#;
    let page = Page::html_at("https://example.com/", &[], html);
    let doc = page.document().unwrap();
    for name in ["a", "img", "body", "style", "td", "template", "text"] {
        let want: Vec<_> = doc.select(&crate::rules::dom::sel(name)).map(|e| e.id()).collect();
        let got: Vec<_> = crate::rules::dom::select_named(&crate::rules::analysis(&page), name).iter().map(|e| e.id()).collect();
        assert_eq!(got, want, "{name}");
    }
}
