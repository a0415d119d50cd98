//! What the document head must declare: `viewport`, `doctype`, `charset`.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use crate::scanner::rules::performance::{element, html, lh, metric};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Fix, Outcome, Reference, Rule, Violation};
use scraper::Node;

// ---------------------------------------------------------------- viewport

pub const VIEWPORT: Rule = Rule {
    id: "viewport",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Has a <meta name=\"viewport\"> tag with width or initial-scale",
    description: "Without a mobile viewport, phones render the page at desktop width and delay taps by up to 300 ms.",
    references: &[
        lh("viewport", "https://developer.chrome.com/docs/lighthouse/pwa/viewport/"),
        lh("viewport-insight (v13; replaces viewport)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/viewport-insight.js"),
        Reference { kind: "mdn", id: "viewport meta tag", url: "https://developer.mozilla.org/en-US/docs/Web/HTML/Viewport_meta_tag" },
    ],
    fix: Fix {
        summary: "Add `<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">` to <head>.",
        steps: &["Add the viewport meta tag in <head>.", "Do not set initial-scale below 1."],
        estimated_minutes: 5,
    },
    impact: 55,
    effort: 5,
    risk: 10,
    limits: "Zoom restrictions (user-scalable, maximum-scale) are the accessibility rule `meta-viewport`'s concern, not this one.",
    check: check_viewport,
};

/// Parses viewport content the lenient way browsers do (`,`/`;` separators).
fn viewport_props(content: &str) -> Vec<(String, String)> {
    content
        .split([',', ';'])
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
        })
        .collect()
}

fn check_viewport(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let meta = dom::select(page, &["meta"], &[], crate::sel!("meta[name]"))
        .into_iter()
        .find(|m| m.value().attr_of("name").map(|n| n.trim().eq_ignore_ascii_case("viewport")).unwrap_or(false));
    let Some(meta) = meta else {
        return Outcome::Fail(
            Violation::new(vec![metric("viewport-meta-tags", 0.0, 1.0, "count", None)])
                .code("no-viewport")
                .detail("No <meta name=\"viewport\"> tag found."),
        );
    };
    let props = viewport_props(meta.value().attr_of("content").unwrap_or(""));
    let width = props.iter().any(|(k, _)| k == "width");
    let scale = props.iter().find(|(k, _)| k == "initial-scale").map(|(_, v)| v.parse::<f64>().ok());
    if !width && scale.is_none() {
        return Outcome::Fail(
            Violation::new(vec![metric("viewport-width-or-initial-scale", 0.0, 1.0, "count", None), element(page, meta)])
                .code("no-width-or-initial-scale")
                .detail("The viewport meta tag sets neither width nor initial-scale."),
        );
    }
    if let Some(Some(s)) = scale {
        if s < 1.0 {
            return Outcome::Fail(
                Violation::new(vec![metric("initial-scale", s, 1.0, "ratio", None), element(page, meta)])
                    .severity(Severity::Low)
                    .code("initial-scale-below-1")
                    .detail(format!("initial-scale is {s}, below 1.")),
            );
        }
    }
    Outcome::Pass { code: None }
}

// ---------------------------------------------------------------- doctype

pub const DOCTYPE: Rule = Rule {
    id: "doctype",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Page has the HTML doctype",
    description: "Without `<!DOCTYPE html>` browsers render in quirks mode, with legacy layout behaviour.",
    references: &[
        lh("doctype", "https://developer.chrome.com/docs/lighthouse/best-practices/doctype/"),
        Reference { kind: "url", id: "HTML: the DOCTYPE", url: "https://html.spec.whatwg.org/multipage/syntax.html#the-doctype" },
    ],
    fix: Fix { summary: "Start the document with `<!DOCTYPE html>`.", steps: &["Put `<!DOCTYPE html>` as the very first line of the HTML."], estimated_minutes: 5 },
    impact: 25,
    effort: 5,
    risk: 15,
    limits: "Exact: decided from the parser's doctype token and quirks mode.",
    check: check_doctype,
};

fn check_doctype(page: &Analysis) -> Outcome {
    let Some(doc) = html(page) else { return Outcome::NotApplicable };
    let dt = doc.tree.root().children().find_map(|n| match n.value() {
        Node::Doctype(d) => Some(d),
        _ => None,
    });
    let fail = |code: &str, detail: String| {
        Outcome::Fail(Violation::new(vec![metric("html5-doctype", 0.0, 1.0, "bool", None)]).code(code).detail(detail))
    };
    let Some(dt) = dt else { return fail("missing", "The document has no doctype, so it renders in quirks mode.".into()) };
    if !dt.name().eq_ignore_ascii_case("html") {
        return fail("name-not-html", format!("Doctype name is `{}`, expected `html`.", dt.name()));
    }
    if !dt.public_id().is_empty() {
        return fail("public-id", format!("Doctype has a public identifier (`{}`); expected none.", dt.public_id()));
    }
    if !dt.system_id().is_empty() {
        return fail("system-id", format!("Doctype has a system identifier (`{}`); expected none.", dt.system_id()));
    }
    // html5ever's QuirksMode is not re-exported by scraper; its Debug name is stable.
    let mode = format!("{:?}", doc.quirks_mode);
    if mode != "NoQuirks" {
        return fail("quirks-mode", format!("The document renders in {mode} mode."));
    }
    Outcome::Pass { code: None }
}

// ---------------------------------------------------------------- charset

/// Lighthouse: the declaration must sit within the first 1024 bytes.
pub const CHARSET_WINDOW: usize = 1024;

pub const CHARSET: Rule = Rule {
    id: "charset",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Properly defines charset",
    description: "Declare the character encoding in the Content-Type header or in a <meta charset> within the first 1024 bytes, so the browser need not guess or re-parse.",
    references: &[
        lh("charset", "https://developer.chrome.com/docs/lighthouse/best-practices/charset/"),
        Reference { kind: "url", id: "HTML: character encoding declaration", url: "https://html.spec.whatwg.org/multipage/semantics.html#charset" },
    ],
    fix: Fix {
        summary: "Send `Content-Type: text/html; charset=utf-8` and put `<meta charset=\"utf-8\">` first in <head>.",
        steps: &["Set the charset parameter on the Content-Type header.", "Make `<meta charset=\"utf-8\">` the first element in <head>."],
        estimated_minutes: 5,
    },
    impact: 25,
    effort: 5,
    risk: 10,
    limits: "Exact for the header, BOM and the first 1024 bytes of the body as received.",
    check: check_charset,
};

fn header_charset_ok(ct: &str) -> bool {
    ct.split(';').skip(1).filter_map(|p| p.split_once('=')).any(|(k, v)| {
        let v = v.trim().trim_matches('"');
        k.trim().eq_ignore_ascii_case("charset")
            && v.len() >= 2
            && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_:.()".contains(c))
    })
}

/// Byte offset of a `<meta …charset…>` tag (Lighthouse's regex shape), if any.
pub fn meta_charset_offset(src: &str) -> Option<usize> {
    let lower = src.to_ascii_lowercase();
    let mut from = 0usize;
    while let Some(p) = lower.get(from..).and_then(|s| s.find("<meta")) {
        let start = from + p;
        let after = start + 5;
        from = after;
        let rest = lower.get(after..).unwrap_or("");
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let Some(cs) = rest.get(..tag_end).and_then(|t| t.find("charset")) else { continue };
        if cs == 0 {
            continue;
        }
        // After `charset`, at least one non-'<' character and then a '>'.
        let tail = rest.get(cs + 7..).unwrap_or("");
        let lt = tail.find('<').unwrap_or(tail.len());
        if tail.get(..lt).and_then(|t| t.get(1..)).map(|t| t.contains('>')).unwrap_or(false) {
            return Some(start);
        }
    }
    None
}

fn check_charset(page: &Analysis) -> Outcome {
    if html(page).is_none() {
        return Outcome::NotApplicable;
    }
    let ct = page.header("content-type");
    if ct.map(header_charset_ok).unwrap_or(false) {
        return Outcome::Pass { code: None };
    }
    let body = page.body.as_deref().unwrap_or("");
    if body.starts_with('\u{feff}') {
        return Outcome::Pass { code: None };
    }
    // Only the head of the document matters; cut on a char boundary.
    let mut cut = body.len().min(CHARSET_WINDOW * 4);
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    let offset = meta_charset_offset(body.get(..cut).unwrap_or(""));
    match offset {
        Some(o) if o < CHARSET_WINDOW => Outcome::Pass { code: None },
        Some(o) => Outcome::Fail(
            Violation::new(vec![metric("meta-charset-byte-offset", o as f64, CHARSET_WINDOW as f64, "bytes", None), dom::header("content-type", ct)])
                .code("meta-charset-too-late")
                .detail(format!("<meta charset> starts at byte {o}, after the first {CHARSET_WINDOW} bytes, and the Content-Type header has no charset.")),
        ),
        None => Outcome::Fail(
            Violation::new(vec![metric("charset-declarations", 0.0, 1.0, "count", None), dom::header("content-type", ct)])
                .code("no-charset")
                .detail("No charset in the Content-Type header and no <meta charset> in the first 1024 bytes."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    


    #[test]
    fn viewport() {
        assert!(is_pass(&check_viewport(&crate::scanner::rules::analysis(&p(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#)))));
        assert!(matches!(check_viewport(&crate::scanner::rules::analysis(&p("<title>x</title>"))), Outcome::Fail(v) if v.code.as_deref() == Some("no-viewport")));
        assert!(matches!(check_viewport(&crate::scanner::rules::analysis(&p(r#"<meta name="Viewport" content="user-scalable=no">"#))), Outcome::Fail(v) if v.code.as_deref() == Some("no-width-or-initial-scale")));
        assert!(matches!(check_viewport(&crate::scanner::rules::analysis(&p(r#"<meta name="viewport" content="width=device-width, initial-scale=0.5">"#))), Outcome::Fail(v) if v.code.as_deref() == Some("initial-scale-below-1")));
    }

    #[test]
    fn doctype() {
        assert!(is_pass(&check_doctype(&crate::scanner::rules::analysis(&p("<!DOCTYPE html><html></html>")))));
        let code = |b: &str| match check_doctype(&crate::scanner::rules::analysis(&p(b))) {
            Outcome::Fail(v) => v.code,
            _ => None,
        };
        assert_eq!(code("<html></html>").as_deref(), Some("missing"));
        assert_eq!(code(r#"<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><html></html>"#).as_deref(), Some("public-id"));
        assert_eq!(code(r#"<!DOCTYPE html SYSTEM "about:legacy-compat"><html></html>"#).as_deref(), Some("system-id"));
        assert_eq!(code("<!DOCTYPE svg><html></html>").as_deref(), Some("name-not-html"));
    }

    #[test]
    fn charset() {
        // html_at sends `text/html; charset=utf-8`.
        assert!(is_pass(&check_charset(&crate::scanner::rules::analysis(&p("<p>x</p>")))));
        let no_cs = |b: &str| Page::html_at("https://example.com/", &[("content-type", "text/html")], b);
        assert!(is_pass(&check_charset(&crate::scanner::rules::analysis(&no_cs("<!doctype html><meta charset=\"utf-8\"><p>x</p>")))));
        assert!(is_pass(&check_charset(&crate::scanner::rules::analysis(&no_cs("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">")))));
        assert!(is_pass(&check_charset(&crate::scanner::rules::analysis(&no_cs("\u{feff}<p>x</p>")))));
        assert!(matches!(check_charset(&crate::scanner::rules::analysis(&no_cs("<p>x</p>"))), Outcome::Fail(v) if v.code.as_deref() == Some("no-charset")));
        let late = format!("<!-- {} --><meta charset=\"utf-8\">", "x".repeat(1100));
        assert!(matches!(check_charset(&crate::scanner::rules::analysis(&no_cs(&late))), Outcome::Fail(v) if v.code.as_deref() == Some("meta-charset-too-late")));
        assert!(!header_charset_ok("text/html; charset=u"));
        assert!(header_charset_ok("text/html; Charset=\"UTF-8\""));
    }
}
