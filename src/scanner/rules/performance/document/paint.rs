//! What holds back the first paint of text: `render-blocking-resources`, `font-display`.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use crate::scanner::rules::performance::{element, elements, has_token, html, in_head, item, lh, metric};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Fix, Outcome, Reference, Rule, Violation};
use scraper::ElementRef;

// ---------------------------------------------------------------- render-blocking-resources

pub const RENDER_BLOCKING_RESOURCES: Rule = Rule {
    id: "render-blocking-resources",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Eliminate render-blocking resources",
    description: "Classic scripts in <head> without async/defer and stylesheets that apply to the screen must download before the first paint.",
    references: &[
        lh("render-blocking-resources", "https://developer.chrome.com/docs/lighthouse/performance/render-blocking-resources/"),
        lh("render-blocking-insight (v13; replaces render-blocking-resources)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/render-blocking-insight.js"),
    ],
    fix: Fix {
        summary: "Defer non-critical scripts and inline or split critical CSS.",
        steps: &[
            "Add `defer` (or `async` for independent scripts) to <script src> in <head>, or use type=module.",
            "Inline the CSS needed for above-the-fold content; load the rest with a media attribute or later.",
            "Give stylesheets for print or large screens a matching `media` attribute so they stop blocking.",
        ],
        estimated_minutes: 90,
    },
    impact: 60,
    effort: 45,
    risk: 30,
    limits: "Uses Lighthouse 9's static definition (tags, not Chrome's renderBlocking flag): it cannot tell whether a resource is fast enough not to matter (< 50 ms), and media queries that depend on the viewport are assumed to match.",
    check: check_render_blocking,
};

/// Whether a `media` attribute can match on screen. Media queries that need
/// a viewport are assumed to match (the browser would evaluate them).
fn media_can_match(media: Option<&str>) -> bool {
    let Some(m) = media else { return true };
    let m = m.trim().to_ascii_lowercase();
    if m.is_empty() {
        return true;
    }
    m.split(',').any(|q| {
        let q = q.trim();
        !(q.starts_with("print") || q.starts_with("speech") || q.starts_with("not all") || q.starts_with("only print") || q == "not screen")
    })
}

/// Script types a browser executes as classic (blocking) scripts.
fn is_classic_script(ty: Option<&str>) -> bool {
    let Some(t) = ty else { return true };
    let t = t.trim().to_ascii_lowercase();
    t.is_empty()
        || matches!(
            t.as_str(),
            "text/javascript" | "application/javascript" | "application/ecmascript" | "text/ecmascript" | "application/x-javascript" | "text/jscript" | "javascript"
        )
}

fn check_render_blocking(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let mut blocking: Vec<ElementRef> = Vec::new();
    let mut scripts = 0usize;
    let mut sheets = 0usize;
    for el in dom::select(page, &["script", "link"], &["blocking"], crate::sel!("script[src], link[rel], [blocking]")) {
        let e = el.value();
        let explicit = e.attr_of("blocking").map(|b| has_token(b, "render")).unwrap_or(false);
        let is_blocking = match e.name() {
            "script" if e.attr_of("src").is_some() => {
                let src = e.attr_of("src").unwrap_or("").trim().to_ascii_lowercase();
                explicit
                    || (in_head(el)
                        && is_classic_script(e.attr_of("type"))
                        && e.attr_of("async").is_none()
                        && e.attr_of("defer").is_none()
                        && !src.starts_with("data:")
                        && !src.starts_with("blob:"))
            }
            "link" => {
                let rel = e.attr_of("rel").unwrap_or("");
                let sheet = has_token(rel, "stylesheet") && !has_token(rel, "alternate");
                (sheet && e.attr_of("disabled").is_none() && e.attr_of("href").is_some() && media_can_match(e.attr_of("media")))
                    || (has_token(rel, "import") && e.attr_of("async").is_none())
                    || explicit
            }
            _ => explicit,
        };
        if is_blocking {
            if e.name() == "script" {
                scripts += 1;
            } else {
                sheets += 1;
            }
            blocking.push(el);
        }
    }
    if blocking.is_empty() {
        return Outcome::Pass { code: None };
    }
    let n = blocking.len();
    // Bytes are known only for subresources the fetcher measured.
    let mut bytes = 0u64;
    for el in &blocking {
        let href = el.value().attr_of("src").or_else(|| el.value().attr_of("href"));
        if let Some(u) = href.and_then(|h| page.final_url.join(h).ok()) {
            if let Some(b) = page.subresources.iter().find(|s| s.url == u.as_str()).and_then(|s| s.transferred_bytes) {
                bytes += b;
            }
        }
    }
    let mut ev = vec![metric("render-blocking-requests", n as f64, 0.0, "count", None)];
    if bytes > 0 {
        ev.push(metric("render-blocking-bytes", bytes as f64, 0.0, "bytes", Some(bytes as f64)));
    }
    let total = ev.len() + blocking.len();
    ev.extend(elements(page, blocking));
    let v = Violation::new(ev)
        .total(total)
        .confidence(0.8)
        .detail(format!("{scripts} script(s) and {sheets} stylesheet(s) block the first paint."));
    Outcome::Fail(if n <= 1 { v.severity(Severity::Low) } else { v })
}

// ---------------------------------------------------------------- font-display

pub const FONT_DISPLAY: Rule = Rule {
    id: "font-display",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "All text remains visible during webfont loads",
    description: "@font-face rules without font-display (swap, fallback, optional or block) hide text while the font downloads.",
    references: &[
        lh("font-display", "https://developer.chrome.com/docs/lighthouse/performance/font-display/"),
        lh("font-display-insight (v13; replaces font-display)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/font-display-insight.js"),
        Reference { kind: "mdn", id: "font-display", url: "https://developer.mozilla.org/en-US/docs/Web/CSS/@font-face/font-display" },
    ],
    fix: Fix {
        summary: "Add `font-display: swap` (or optional) to each @font-face rule.",
        steps: &["Add `font-display: swap;` inside every @font-face block.", "For hosted fonts (Google Fonts), add `&display=swap` to the stylesheet URL."],
        estimated_minutes: 10,
    },
    impact: 30,
    effort: 5,
    risk: 5,
    limits: "Only inline <style> blocks are read; external stylesheets are not fetched. Lighthouse only counts fonts that actually downloaded; here every declared web font counts.",
    check: check_font_display,
};

const GOOD_FONT_DISPLAY: &[&str] = &["block", "fallback", "optional", "swap"];

/// Font families of @font-face blocks that load a URL without a good font-display.
pub fn font_faces_without_display(css: &str) -> Vec<String> {
    let lower = css.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0usize;
    while let Some(pos) = lower.get(from..).and_then(|s| s.find("@font-face")) {
        let start = from + pos;
        let Some(open) = lower.get(start..).and_then(|s| s.find('{')).map(|o| start + o) else { break };
        let close = lower.get(open..).and_then(|s| s.find('}')).map(|c| open + c).unwrap_or(lower.len());
        let block = lower.get(open + 1..close).unwrap_or("");
        from = close.max(start + 1);
        if !block.contains("url(") {
            continue;
        }
        let display = block
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .find(|(k, _)| k.trim() == "font-display")
            .map(|(_, v)| v.trim().to_string());
        if display.as_deref().map(|d| GOOD_FONT_DISPLAY.contains(&d)).unwrap_or(false) {
            continue;
        }
        // Report the family name from the original text (case preserved).
        let family = css
            .get(open + 1..close)
            .unwrap_or("")
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("font-family"))
            .map(|(_, v)| v.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
            .unwrap_or_else(|| "(unnamed)".into());
        out.push(format!("{family} (font-display: {})", display.as_deref().unwrap_or("auto")));
    }
    out
}

fn check_font_display(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let mut faces = 0usize;
    let mut bad: Vec<(ElementRef, Vec<String>)> = Vec::new();
    for style in dom::select_named(page, "style") {
        let css: String = style.text().collect();
        if !css.to_ascii_lowercase().contains("@font-face") {
            continue;
        }
        faces += 1;
        let b = font_faces_without_display(&css);
        if !b.is_empty() {
            bad.push((style, b));
        }
    }
    if faces == 0 {
        return Outcome::NotApplicable;
    }
    if bad.is_empty() {
        return Outcome::Pass { code: None };
    }
    let n: usize = bad.iter().map(|(_, b)| b.len()).sum();
    let mut ev = vec![metric("font-faces-without-font-display", n as f64, 0.0, "count", None)];
    for (el, families) in bad.iter().take(crate::scanner::rules::MAX_EVIDENCE) {
        ev.push(element(page, *el));
        for f in families.iter().take(crate::scanner::rules::MAX_EVIDENCE) {
            ev.push(item(f.clone(), "@font-face without a font-display that shows fallback text"));
        }
    }
    let total = 1 + bad.len() + n;
    Outcome::Fail(Violation::new(ev).total(total).detail(format!("{n} @font-face rule(s) hide text while the font loads.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use crate::scanner::rules::Evidence;


    #[test]
    fn render_blocking() {
        let ok = p(r#"<html><head><script src="a.js" defer></script><script src="b.js" async></script><script type="module" src="m.js"></script>
            <link rel="stylesheet" href="print.css" media="print"><link rel="preload" href="x.css" as="style"></head>
            <body><script src="late.js"></script></body></html>"#);
        assert!(is_pass(&check_render_blocking(&crate::scanner::rules::analysis(&ok))));
        let bad = p(r#"<html><head><script src="a.js"></script><link rel="stylesheet" href="s.css">
            <link rel="stylesheet" href="w.css" media="screen and (min-width: 900px)"></head><body></body></html>"#);
        let o = check_render_blocking(&crate::scanner::rules::analysis(&bad));
        assert_eq!(snippets(&o).len(), 3);
        let Outcome::Fail(v) = o else { panic!() };
        assert!(v.evidence.iter().any(|e| matches!(e, Evidence::Metric { name, observed, .. } if name == "render-blocking-requests" && *observed == 3.0)));
    }

    #[test]
    fn font_display() {
        assert_eq!(check_font_display(&crate::scanner::rules::analysis(&p("<style>body{}</style>"))), Outcome::NotApplicable);
        let ok = p("<style>@font-face{font-family:A;src:url(a.woff2);font-display:swap}@font-face{font-family:L;src:local(Arial)}</style>");
        assert!(is_pass(&check_font_display(&crate::scanner::rules::analysis(&ok))));
        let bad = p("<style>@font-face{font-family:'Brand';src:url(b.woff2)} @font-face{font-family:C;src:url(c.woff2);font-display:auto;}</style>");
        let Outcome::Fail(v) = check_font_display(&crate::scanner::rules::analysis(&bad)) else { panic!() };
        let items: Vec<_> = v.evidence.iter().filter_map(|e| if let Evidence::Item { value, .. } = e { Some(value.clone()) } else { None }).collect();
        assert_eq!(items, vec!["Brand (font-display: auto)".to_string(), "C (font-display: auto)".to_string()]);
    }

}
