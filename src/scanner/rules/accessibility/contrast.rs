//! Text contrast: `color-contrast` (WCAG 1.4.3, AA) and
//! `color-contrast-enhanced` (1.4.6, AAA), from what the page itself says
//! about colour: inline styles, its `<style>` rules (cascaded as browsers
//! do), inheritance and the user agent's defaults (black text on a white
//! canvas, link blue, button grey, `mark` yellow).
//!
//! One walk of the element index in document order, with a stack of the
//! ancestors' computed values, gives every element holding text its text
//! colour, font size, weight and the colours behind it: each background
//! (a colour and gradients, sampled along their stops) painted over the
//! ancestors', and `opacity` applied as the group blend it is. A text fails
//! only when every colour it can show fails against every background it can
//! stand on, and nothing we cannot see could change that (a background
//! image, a text shadow, absolute positioning, a filter or blend, a linked
//! stylesheet beyond the element's own inline colours): those need review.
//! What cannot be read at all (`var()`, `lab()`) is not judged.
use super::colour::Rgba;
use super::common::*;
use super::text_colours::analyse;

/// The rule at thresholds (normal text, large text).
fn check(page: &Analysis, normal: f32, large: f32) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let c = page.memo(|| analyse(&ctx));
    let (mut fails, mut reviews) = (Vec::new(), Vec::new());
    let mut lowest: Option<(f32, (Rgba, Rgba), f32)> = None;
    for j in &c.judged {
        let need_most = if j.large == Some(true) { large } else { normal };
        let need_least = if j.large == Some(false) { normal } else { large };
        if j.worst >= need_most {
            continue;
        }
        let Some(el) = ctx.index().node(j.pos).and_then(|id| ctx.node(id)) else { continue };
        // Text the colour of its background is not seen at all: a person decides.
        let invisible = j.best < 1.1;
        if j.best < need_least && !invisible && j.doubt == 0 && (c.complete || j.own) {
            fails.push(el);
            if lowest.is_none_or(|(r, _, _)| j.worst < r) {
                lowest = Some((j.worst, j.worst_pair, need_least));
            }
        } else {
            reviews.push(el);
        }
    }
    let mut out = finish(page, c.applicable, &fails, &reviews);
    if let (Outcome::Fail(v), Some((r, (fg, bg), need))) = (&mut out, lowest) {
        let detail = v.detail.take().unwrap_or_default();
        v.detail = Some(format!("{detail}; lowest contrast {:.2}:1 ({} on {}), needs {need}:1", (r * 100.0).floor() / 100.0, fg.hex(), bg.hex()));
    }
    out
}

pub fn color_contrast(page: &Analysis) -> Outcome {
    check(page, 4.5, 3.0)
}

/// What the two rules cannot see.
const LIMITS: &str = "No layout and no linked stylesheets: colours come from inline styles, the page's <style> rules and the browser's defaults. Text over a background image, with a text shadow, positioned out of flow or under a filter or blend needs review, as does any failure an unloaded stylesheet could change (unless the element's own inline style sets both colours); colours we cannot read (var(), lab()) are not judged, nor is text a script writes.";

pub const COLOR_CONTRAST: Rule = Rule {
    id: "color-contrast",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Elements must meet minimum color contrast ratio thresholds",
    description: "Text needs a contrast ratio of at least 4.5:1 with its background (3:1 for large text) to be readable with low vision.",
    references: &[wcag("1.4.3 (AA)"), axe_ref!("color-contrast")],
    fix: Fix { summary: "Darken the text or lighten its background (or the reverse).", steps: &["Pick colours with a ratio of at least 4.5:1 (3:1 at 24px, or 18.66px bold)", "Check every state: links, hover, disabled"], estimated_minutes: 10 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::AA, Harm::Hinders),
    limits: LIMITS,
    check: color_contrast,
};

pub fn color_contrast_enhanced(page: &Analysis) -> Outcome {
    check(page, 7.0, 4.5)
}

pub const COLOR_CONTRAST_ENHANCED: Rule = Rule {
    id: "color-contrast-enhanced",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Elements must meet enhanced color contrast ratio thresholds",
    description: "For WCAG AAA, text needs a contrast ratio of at least 7:1 with its background (4.5:1 for large text).",
    references: &[wcag("1.4.6 (AAA)"), axe_ref!("color-contrast-enhanced")],
    fix: Fix { summary: "Raise the text's contrast with its background.", steps: &["Pick colours with a ratio of at least 7:1 (4.5:1 for large text)"], estimated_minutes: 10 },
    impact: MINOR,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: LIMITS,
    check: color_contrast_enhanced,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[(91, COLOR_CONTRAST), (92, COLOR_CONTRAST_ENHANCED)];

#[cfg(test)]
mod tests {
    use super::RULES;
    use crate::scanner::rules::accessibility::tests::verdict;

    const CASES: &[(&str, &str, &str)] = &[
        ("color-contrast", r#"<p style="color: #333; background: #fff">Readable</p>"#, r#"<p style="color: #aaa; background: white">Faint</p>"#),
        ("color-contrast-enhanced", r#"<p style="color: #000; background: #fff">Readable</p>"#, r#"<p style="color: #666; background: #fff">Grey</p>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }

    fn cc(body: &str) -> &'static str {
        let doc = format!("<!doctype html><html lang=en><title>t</title><body>{body}</body></html>");
        let page = crate::scanner::page::Page::html_at("https://example.com/", &[], &doc);
        match crate::scanner::rules::by_id("color-contrast").map(|r| r.check_page(&page)) {
            Some(crate::scanner::rules::Outcome::NotApplicable) => "n/a",
            _ => verdict("color-contrast", &doc),
        }
    }

    /// Alpha, opacity and inherited backgrounds are composited as browsers paint them.
    #[test]
    fn compositing() {
        assert_eq!(cc(r#"<p style="color: rgba(0,0,0,.3); background: #fff">Text</p>"#), "fail");
        assert_eq!(cc(r#"<div style="background: #fff"><p style="color: #000; opacity: .3">Text</p></div>"#), "fail");
        assert_eq!(cc(r#"<div style="background: #000"><p style="color: #fff; opacity: .9">Text</p></div>"#), "pass");
        assert_eq!(cc(r#"<div style="background: #222"><div style="background: rgba(255,255,255,.5)"><p style="color: #777">Text</p></div></div>"#), "fail");
        assert_eq!(cc(r#"<div style="background: #222"><p style="color: #ddd">Text</p></div>"#), "pass");
    }

    /// Large text needs 3:1: 24px, or 18.66px bold; an unknown size with a
    /// ratio between the two thresholds needs review.
    #[test]
    fn large_text() {
        assert_eq!(cc(r#"<p style="color: #000; background: #666; font-size: 18pt">Text</p>"#), "pass");
        assert_eq!(cc(r#"<p style="color: #000; background: #666; font-size: 14pt; font-weight: 700">Text</p>"#), "pass");
        assert_eq!(cc(r#"<p style="color: #000; background: #666; font-size: 14pt">Text</p>"#), "fail");
        assert_eq!(cc(r#"<h1 style="color: #000; background: #666">Text</h1>"#), "review");
        assert_eq!(cc(r#"<p style="color: #000; background: #666; font-size: 2vw">Text</p>"#), "review");
    }

    /// Gradients fail only when every colour along them fails.
    #[test]
    fn gradients() {
        assert_eq!(cc(r#"<p style="color: #AAA; background: linear-gradient(to right, #FFF, #00F)">Text</p>"#), "fail");
        assert_eq!(cc(r#"<p style="color: #333; background: linear-gradient(to right, #FFF, #00F)">Text</p>"#), "review");
        assert_eq!(cc(r#"<p style="color: #000; background: linear-gradient(#fff, #eee)">Text</p>"#), "pass");
    }

    /// What static HTML cannot see turns a failure into review; what it
    /// cannot read is not judged; hidden, disabled and symbol-only text is not text to judge.
    #[test]
    fn doubt_and_applicability() {
        assert_eq!(cc(r#"<p style="color: #555; background: black url(a.jpg)">Text</p>"#), "review");
        assert_eq!(cc(r#"<p style="color: #000; background: #737373; text-shadow: white 0 0 3px">Text</p>"#), "review");
        assert_eq!(cc(r#"<p style="color: #aaa; background: #fff; position: absolute">Text</p>"#), "review");
        assert_eq!(cc(r#"<p style="color: white; background: white">Text</p>"#), "review");
        assert_eq!(cc(r#"<p style="color: var(--x); background: #fff">Text</p>"#), "n/a");
        assert_eq!(cc(r#"<p style="display: none; color: #aaa">Text</p>"#), "n/a");
        assert_eq!(cc(r#"<p style="color: #000; background: #666">----====%%%%</p>"#), "n/a");
        assert_eq!(cc(r#"<button style="color: #777; background: #EEE" disabled>Go</button>"#), "n/a");
        assert_eq!(cc(r#"<label style="color: #888; background: white">Name <input disabled></label>"#), "n/a");
        assert_eq!(cc(r#"<fieldset disabled style="color: #888"><label>Name <input></label></fieldset>"#), "n/a");
        assert_eq!(cc(r#"<span id=l style="color: #888">Name</span><div role=textbox aria-labelledby=l aria-disabled=true>x</div>"#), "n/a");
        assert_eq!(cc(r#"<svg><text style="fill: #eee">Text</text></svg>"#), "n/a");
        assert_eq!(cc(r#"<p>Text</p>"#), "pass");
    }

    /// The page's `<style>` rules cascade with the inline style; an
    /// unloaded stylesheet turns failures into review unless the element's
    /// own inline style sets both colours.
    #[test]
    fn style_rules_and_linked_sheets() {
        assert_eq!(cc(r#"<style>p { color: #ccc }</style><p>Text</p>"#), "fail");
        assert_eq!(cc(r#"<style>p { color: #ccc } p.k { color: #111 }</style><p class=k>Text</p>"#), "pass");
        assert_eq!(cc(r#"<style>body { background: #000; color: #ccc }</style><p>Text</p>"#), "pass");
        assert_eq!(cc(r#"<style>a { color: #ddd }</style><p>Go <a href=/>home</a></p>"#), "fail");
        assert_eq!(cc(r#"<div style="background: #000"><a href=/>home</a></div>"#), "fail");
        assert_eq!(cc(r#"<link rel=stylesheet href=/a.css><p style="color: #aaa">Text</p>"#), "review");
        assert_eq!(cc(r#"<link rel=stylesheet href=/a.css><p style="color: #aaa; background: #fff">Text</p>"#), "fail");
        assert_eq!(cc(r#"<mark>Text</mark>"#), "pass");
        assert_eq!(cc(r#"<button style="color: #999">Go</button>"#), "fail");
    }
}
