//! Scroll containers keyboard users can reach: a box whose content overflows and scrolls
//! must be in the focus order or hold something focusable (`scrollable-region-focusable`).
//! Whether content overflows is estimated from the markup and the page's styles
//! ([`super::scroll_box`], [`super::style_sheet`]).
//!
//! The rule's record follows its check; [`RULES`] gives its catalogue position (the public
//! order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;
use super::scroll_box::{self, Inh, Sheet, BUFFER};

/// Element visits the content estimates may make per page (each element is
/// walked for at most one scrolling box; past this the rest need review).
const SCROLL_VISITS: usize = 400_000;

/// Scrolling boxes estimated per page: real pages have a handful, each costs
/// a cascade and an estimate (~2.4 µs natively), so a flood of them past this
/// makes the page need review instead.
const MAX_SCROLL_BOXES: usize = 2_000;

/// axe's `isComboboxPopup`: a popup role whose nearest ancestor with a role
/// is a combobox, or that a combobox owns or controls.
fn combobox_popup(ctx: &Ctx, el: ElementRef) -> bool {
    if !matches!(ctx.role(el), Some("menu" | "listbox" | "tree" | "grid" | "dialog")) {
        return false;
    }
    if ancestors(el).find(|a| ctx.role(*a).is_some_and(|r| !matches!(r, "none" | "presentation"))).is_some_and(|a| ctx.role(a) == Some("combobox")) {
        return true;
    }
    let Some(id) = el.value().id() else { return false };
    ctx.candidates(Candidates::WithAttr(&["aria-owns", "aria-controls"])).into_iter().any(|c| {
        c.value().name() != "select"
            && ctx.role(c) == Some("combobox")
            && ["aria-owns", "aria-controls"].iter().any(|a| attr(c, a).is_some_and(|v| v.split_ascii_whitespace().any(|t| t == id)))
    })
}

/// A box's padding on two sides, px (None when not given in px).
fn padding(d: &scroll_box::Declared, sides: [&str; 2], font: f32) -> Option<f32> {
    let short: Vec<&str> = d.get("padding").map(|v| v.split_ascii_whitespace().collect()).unwrap_or_default();
    let mut sum = 0.0;
    for side in sides {
        let i = ["top", "right", "bottom", "left"].iter().position(|s| *s == side).unwrap_or(0);
        let from_short = match short.len() {
            0 => Some("0"),
            1 => short.first().copied(),
            2 => short.get(i % 2).copied(),
            3 => short.get(if i == 3 { 1 } else { i }).copied(),
            _ => short.get(i).copied(),
        };
        sum += scroll_box::px(d.get(&format!("padding-{side}")).or(from_short)?, font)?;
    }
    Some(sum)
}

pub fn scrollable_region_focusable(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let says_overflow = |t: &str| t.as_bytes().windows(8).any(|w| w.eq_ignore_ascii_case(b"overflow"));
    let inline: Vec<ElementRef> = ctx.candidates(Candidates::WithAttr(&["style"])).into_iter().filter(|e| attr(*e, "style").is_some_and(says_overflow)).collect();
    let in_sheets = ctx.candidates(Candidates::Named(&["style"])).into_iter().any(|s| s.text().any(says_overflow));
    if inline.is_empty() && !in_sheets {
        return Outcome::NotApplicable;
    }
    let sheet = Sheet::read(&ctx);
    let candidates = if sheet.sets_overflow { ctx.elements().filter(|e| sheet.may_set_overflow(*e) || attr(*e, "style").is_some_and(says_overflow)).collect() } else { inline };
    // Elements in the focus order, by position, to ask "any inside this box?" (built when first asked).
    let tabbable = std::cell::OnceCell::new();
    let tabbable = || tabbable.get_or_init(|| -> Vec<u32> { ctx
        .candidates(Candidates::Union(&[
            Candidates::Named(&["a", "area", "button", "input", "select", "textarea", "iframe", "summary", "audio", "video"]),
            Candidates::WithAttr(&["tabindex", "contenteditable"]),
        ]))
        .into_iter()
        .filter(|e| ctx.is_tabbable(*e))
        .filter_map(|e| ctx.position(e))
        .collect() });
    let has_tabbable = |p: u32| {
        let tabbable = tabbable();
        let next = tabbable.partition_point(|q| *q < p);
        tabbable.get(next).is_some_and(|q| ctx.index().within(p, *q))
    };
    let mut inherited: HashMap<ego_tree::NodeId, Inh> = HashMap::new();
    let mut budget = SCROLL_VISITS;
    let mut applicable = false;
    let (mut fails, mut reviews) = (Vec::new(), Vec::new());
    let mut boxes = 0usize;
    let mut too_many = false;
    for el in candidates {
        if sheet.truncated() {
            break;
        }
        let name = el.value().name();
        if !is_html(el) || matches!(name, "select" | "textarea" | "html" | "body") || ctx.hidden_for_everyone(el) {
            continue;
        }
        let d = sheet.declared(el);
        let (x, y) = d.overflow();
        let (sx, sy) = (matches!(x.as_str(), "scroll" | "auto"), matches!(y.as_str(), "scroll" | "auto"));
        if !(sx || sy) || combobox_popup(&ctx, el) {
            continue;
        }
        // What the box inherits: its ancestors' values, each computed once per page.
        let mut chain: Vec<ElementRef> = ancestors(el).take_while(|a| !inherited.contains_key(&a.id())).collect();
        let mut inh = ancestors(el).find_map(|a| inherited.get(&a.id()).copied()).unwrap_or_default();
        let mut unsure = false;
        while let Some(a) = chain.pop() {
            let (next, u) = inh.child(a, &sheet.declared(a));
            unsure |= u;
            inh = next;
            inherited.insert(a.id(), inh);
        }
        let (own, u) = inh.child(el, &d);
        unsure |= u;
        let font = own.font_lo();
        let size = |props: [&str; 2]| props.iter().find_map(|p| d.get(p)).and_then(|v| scroll_box::px(v, font));
        let (width, height) = (size(["width", "max-width"]), size(["height", "max-height"]));
        // An axis without a given size grows with its content (or with its container, which we do not know).
        let (judge_x, judge_y) = (sx && width.is_some(), sy && height.is_some());
        if !(judge_x || judge_y) {
            continue;
        }
        boxes += 1;
        if boxes > MAX_SCROLL_BOXES {
            too_many = true;
            break;
        }
        // The content box: the given size, less padding when it includes it.
        let border_box = d.get("box-sizing") == Some("border-box");
        let inner = |v: Option<f32>, sides: [&str; 2]| match (v, border_box) {
            (Some(v), true) => padding(&d, sides, font).map(|p| v - p).filter(|_| !d.any_border()),
            (v, _) => v,
        };
        let (inner_w, inner_h) = (inner(width, ["left", "right"]), inner(height, ["top", "bottom"]));
        let Some(est) = scroll_box::estimate(&sheet, el, own, width.unwrap_or(f32::INFINITY), inner_w, &mut budget) else {
            applicable = true;
            reviews.push(el);
            continue;
        };
        let overflows = (judge_y && height.is_some_and(|h| est.lo_h > h + BUFFER)) || (judge_x && width.is_some_and(|w| est.lo_w > w + BUFFER));
        let fits = !overflows
            && est.hi.is_some_and(|(h, w)| (!judge_y || inner_h.is_some_and(|i| h <= i + BUFFER)) && (!judge_x || inner_w.is_some_and(|i| w <= i + BUFFER)));
        if fits {
            continue;
        }
        applicable = true;
        let focusable = ctx.is_tabbable(el) || ctx.position(el).is_some_and(has_tabbable);
        if focusable {
            continue;
        }
        if overflows && sheet.complete && !est.unsure && !unsure {
            fails.push(el);
        } else {
            reviews.push(el);
        }
    }
    // Rules past the sheet's limits could make more boxes scroll: a person checks the page.
    // So could the boxes past the per-page limit.
    if sheet.truncated() || too_many {
        applicable = true;
        reviews.push(root(&ctx));
    }
    finish(page, applicable, &fails, &reviews)
}

pub const SCROLLABLE_REGION_FOCUSABLE: Rule = Rule {
    id: "scrollable-region-focusable",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Scrollable region must have keyboard access",
    description: "A box whose content scrolls must be focusable or hold something focusable, or keyboard users cannot scroll it.",
    references: &[wcag("2.1.1 (A)"), wcag("2.1.3 (AAA)"), axe_ref!("scrollable-region-focusable")],
    fix: Fix { summary: "Make the scrolling box focusable.", steps: &["Add tabindex=\"0\" to the scrolling element", "Give it a role and an accessible name (e.g. role=region with aria-label)"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "Without layout, content size is bounded, not measured: a box fails only when its content overflows its given height or width by more than 13px even with the narrowest plausible glyphs and no margins, and every style that applies is known (no linked stylesheet, no @media or unreadable rule that matters); boxes whose content may or may not overflow need review; a box without a given size on its scrolling axis is not judged; html and body (their overflow scrolls the viewport) are not judged.",
    check: scrollable_region_focusable,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[(90, SCROLLABLE_REGION_FOCUSABLE)];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// Text that needs more than 60px at 300px wide whatever the font.
    macro_rules! long {
        () => {
            "Web Content Accessibility Guidelines cover a wide range of recommendations for making content more accessible to people with disabilities, including blindness and low vision, deafness and hearing loss, limited movement, speech disabilities and photosensitivity. Web Content Accessibility Guidelines cover a wide range of recommendations for making content more accessible to people with disabilities, including blindness and low vision, deafness and hearing loss, limited movement, speech disabilities and photosensitivity."
        };
    }
    const LONG: &str = long!();

    /// (rule id, passing body, failing body).
    const CASES: &[(&str, &str, &str)] = &[
        ("scrollable-region-focusable", concat!(r#"<div style="height: 60px; width: 300px; overflow: auto" tabindex="0"><p>"#, long!(), "</p></div>"), concat!(r#"<div style="height: 60px; width: 300px; overflow: auto"><p>"#, long!(), "</p></div>")),
    ];

    fn srf(body: &str) -> &'static str {
        let doc = format!("<!doctype html><html lang=en><title>t</title><body>{body}</body></html>");
        let page = crate::scanner::page::Page::html_at("https://example.com/", &[], &doc);
        match crate::scanner::rules::by_id("scrollable-region-focusable").map(|r| r.check_page(&page)) {
            Some(crate::scanner::rules::Outcome::NotApplicable) => "n/a",
            _ => super::super::tests::verdict("scrollable-region-focusable", &doc),
        }
    }

    /// Content that certainly fits, a box without a size on its scrolling
    /// axis and a box that clips without scrolling are not judged; content
    /// that may or may not overflow needs review.
    #[test]
    fn scrollable_region_applicability() {
        assert_eq!(srf(r#"<div style="height: 100px; width: 300px; overflow: auto"><p>Short text</p></div>"#), "n/a");
        assert_eq!(srf(&format!(r#"<div style="width: 300px; overflow-y: auto"><p>{LONG}</p></div>"#)), "n/a");
        assert_eq!(srf(&format!(r#"<div style="height: 60px; width: 300px; overflow: hidden"><p>{LONG}</p></div>"#)), "n/a");
        // Eight lines at least 16px tall need 128px; the upper bound is far above 200px.
        let middling = "word ".repeat(60);
        assert_eq!(srf(&format!(r#"<div style="height: 200px; width: 300px; overflow: auto"><p>{middling}</p></div>"#)), "review");
        // An image of unknown size: whether it overflows is not known.
        assert_eq!(srf(r#"<div style="height: 100px; width: 300px; overflow: auto"><img src=a.png alt=A></div>"#), "review");
    }

    /// A focusable element inside, or the box itself in the focus order,
    /// passes; one taken out of the focus order does not count.
    #[test]
    fn scrollable_region_focusable_content() {
        assert_eq!(srf(&format!(r#"<div style="height: 60px; width: 300px; overflow: auto"><p>{LONG} <a href="/more">more</a></p></div>"#)), "pass");
        assert_eq!(srf(&format!(r#"<div style="height: 60px; width: 300px; overflow: auto"><p>{LONG} <a href="/more" tabindex="-1">more</a></p></div>"#)), "fail");
        assert_eq!(srf(&format!(r#"<div style="height: 60px; width: 300px; overflow: auto" tabindex="-1"><p>{LONG}</p></div>"#)), "fail");
    }

    /// The page's `<style>` rules count: selectors with combinators,
    /// specificity, `!important` against the inline style, nowrap lines of
    /// sized images; a stylesheet we cannot read turns a failure into review.
    #[test]
    fn scrollable_region_reads_style_rules() {
        let images = r#"<section><img src=a alt=A><img src=b alt=B><img src=c alt=C><img src=d alt=D><img src=e alt=E></section>"#;
        let sheet = "section { height: 100px; width: 300px; overflow-y: auto; white-space: nowrap } section > img { width: 80px }";
        assert_eq!(srf(&format!("<style>{sheet}</style>{images}")), "fail");
        // Without nowrap the images wrap: nothing certain.
        assert_eq!(srf(&format!("<style>{}</style>{images}", sheet.replace("white-space: nowrap", ""))), "review");
        // A more specific rule turns scrolling off.
        assert_eq!(srf(&format!("<style>{sheet} section#s {{ overflow: visible }}</style>{}", images.replace("<section>", "<section id=s>"))), "n/a");
        // An !important sheet rule beats the inline style, and an inline one beats it back.
        let boxed = format!(r#"<div class=b style="overflow: hidden"><p>{LONG}</p></div>"#);
        assert_eq!(srf(&format!("<style>.b {{ height: 60px; width: 300px; overflow: auto !important }}</style>{boxed}")), "fail");
        assert_eq!(srf(&format!("<style>.b {{ height: 60px; width: 300px; overflow: auto !important }}</style>{}", boxed.replace("hidden", "hidden !important"))), "n/a");
        let fail = format!(r#"<div style="height: 60px; width: 300px; overflow: auto"><p>{LONG}</p></div>"#);
        assert_eq!(srf(&format!(r#"<link rel=stylesheet href=/a.css>{fail}"#)), "review");
        assert_eq!(srf(&format!("<style>@media (min-width: 1px) {{ p {{ font-size: 2px }} }}</style>{fail}")), "review");
        // A property the estimate does not model (a transform could shrink the text).
        assert_eq!(srf(&format!("<style>p {{ transform: scale(0.1) }}</style>{fail}")), "review");
        // Harmless properties and print rules change nothing.
        assert_eq!(srf(&format!("<style>p {{ color: red; background: blue }} @media print {{ p {{ font-size: 2px }} }}</style>{fail}")), "fail");
    }

    /// Past the sheet's limits (selectors kept, selector tests) the page
    /// needs review instead of passing boxes the dropped rules would make scroll.
    #[test]
    fn scrollable_region_box_limit_needs_review() {
        // Past the limit the boxes found so far keep their outcome and the page needs review.
        let boxes = r#"<div style="overflow:auto;height:40px;width:300px">x</div>"#.repeat(super::MAX_SCROLL_BOXES + 1);
        assert_eq!(srf(&format!("<p>x</p>{boxes}")), "review");
    }

    #[test]
    fn scrollable_region_sheet_limits_need_review() {
        let rules = |n: usize| (0..n).map(|i| format!(".c{i} div {{ overflow: auto; height: 10px }}")).collect::<String>();
        let body = r#"<div class=c1><div>text</div></div>"#;
        assert_eq!(srf(&format!("<style>{}</style>{body}", rules(10))), "review");
        assert_eq!(srf(&format!("<style>{}</style><p>x</p>", rules(10))), "n/a");
        assert_eq!(srf(&format!("<style>{}</style><p>x</p>", rules(super::super::style_sheet::MAX_RULES + 1))), "review");
    }

    /// A listbox popup of a combobox is not judged (axe: its focus is managed by the combobox).
    #[test]
    fn scrollable_region_skips_combobox_popups() {
        let list = format!(r#"<ul id=l role=listbox style="height: 60px; width: 300px; overflow: auto"><li role=option>{LONG}</li></ul>"#);
        assert_eq!(srf(&list), "fail");
        assert_eq!(srf(&format!(r#"<input role=combobox aria-controls=l aria-expanded=true aria-label=Pick>{list}"#)), "n/a");
    }

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
