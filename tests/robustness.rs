//! Rules never panic on hostile input: every conformance HTML page, cut at
//! arbitrary points and spliced with junk, run through every rule with odd
//! headers. (A panic kills the Worker instance, so this is a crash test.)
use audit_worker::scanner::page::{Header, Page};
use audit_worker::scanner::rules;
use std::path::Path;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn html_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            html_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

const JUNK: &[&str] = &[
    "<", "</", "<!--", "\u{0}", "<svg><![CDATA[", "<table><td>", "&#xD800;", "<a href='javascript:'", "<img srcset=',,,'>",
    "<meta http-equiv=content-security-policy content=\"default-src 'none';;;,,\">", "<html lang=\"\u{202e}x\">", "\u{fffd}\u{fffd}",
    "<div role='  '></div>", "<input autocomplete='section- shipping'>", "<style>@font-face{", "<p style='letter-spacing:-1e309px !important'>",
];

#[test]
fn rules_survive_cut_and_spliced_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    let mut files = Vec::new();
    html_files(&root, &mut files);
    assert!(files.len() > 100, "conformance data not found at {}", root.display());
    let mut rng = Lcg(42);
    let headers = [
        ("content-security-policy", "script-src 'nonce-' 'strict-dynamic' http: *; ,default-src"),
        ("set-cookie", "=; Secure; SameSite"),
        ("set-cookie", "a=b; Max-Age=-99999999999999999999; Domain=."),
        ("strict-transport-security", "max-age=99999999999999999999999; includeSubDomains;;"),
        ("cache-control", "max-age=-1, max-age=1e999"),
        ("content-type", "text/html; charset=\u{fffd}"),
        ("access-control-allow-origin", "null"),
        ("x-frame-options", "ALLOW-FROM"),
    ];
    let mut runs = 0;
    for f in files.iter().step_by(3) {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        for _ in 0..3 {
            let cut = if text.is_empty() { 0 } else { (rng.next() as usize) % text.len() };
            let cut = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            let junk = JUNK[(rng.next() as usize) % JUNK.len()];
            let body = format!("{}{}{}", &text[..cut], junk, &text[cut..]);
            let hs: Vec<(&str, &str)> = headers.iter().filter(|_| rng.next() % 2 == 0).copied().collect();
            let mut page = Page::html_at("https://example.com/a/b?c=d", &hs, &body);
            page.headers.push(Header { name: "server".into(), value: "Apache/2.4.1 \u{0}".into() });
            for r in rules::run_all(&page) {
                std::hint::black_box(r.outcome);
            }
            runs += 1;
        }
    }
    // Non-HTML and empty bodies still get the header-level rules.
    for body in ["", "\u{0}\u{1}\u{2}", "{\"json\": true}"] {
        let mut page = Page::html_at("http://example.com", &[("content-type", "application/octet-stream")], body);
        page.drop_document();
        rules::run_all(&page);
    }
    assert!(runs > 300);
}

/// Nested `xml:lang` elements (which do not stop the text walk the way a
/// nested `lang` does) are judged in one pass: every invalid one with text
/// below it is reported, and text under a nested `lang` does not count.
#[test]
fn nested_invalid_xml_lang_is_judged_per_element() {
    let outcome = |body: &str| {
        let page = Page::html_at("https://example.com/", &[], body);
        rules::by_id("valid-lang").expect("rule").check_page(&page)
    };
    let deep = format!("<!doctype html><html lang=en><title>t</title><body>{}x</body></html>", "<div xml:lang=\"zz-!!\">".repeat(200));
    match outcome(&deep) {
        rules::Outcome::Fail(v) => assert!(v.detail.as_deref().is_some_and(|d| d.starts_with("200 element")), "{:?}", v.detail),
        o => panic!("expected a failure, got {o:?}"),
    }
    let shielded = "<!doctype html><html lang=en><title>t</title><body><div xml:lang=\"zz-!!\"><p lang=fr>texte</p></div></body></html>";
    assert!(matches!(outcome(shielded), rules::Outcome::Pass { .. } | rules::Outcome::NotApplicable), "{:?}", outcome(shielded));
    let alt = "<!doctype html><html lang=en><title>t</title><body><div xml:lang=\"zz-!!\"><span><img src=a alt=picture></span></div></body></html>";
    assert!(matches!(outcome(alt), rules::Outcome::Fail(_)));
}
