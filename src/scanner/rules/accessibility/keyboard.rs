//! Keyboard and focus: tab order, access keys, focusable content that assistive technology
//! cannot see (inside `aria-hidden`, or nested in another control).
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

pub fn tabindex_rule(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["tabindex"]), false, |_, e| attr(e, "tabindex").is_some(), |_, e| pass_if(tabindex(e).is_none_or(|t| t <= 0)))
}

pub const TABINDEX: Rule = Rule {
    id: "tabindex",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Elements should not have tabindex greater than zero",
    description: "Positive tabindex breaks the natural focus order.",
    references: &[axe_ref!("tabindex")],
    fix: Fix { summary: "Use tabindex 0 or -1.", steps: &["Set tabindex=0"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: tabindex_rule,
};

pub fn accesskeys(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let els: Vec<ElementRef> =
        ctx.candidates(Candidates::WithAttr(&["accesskey"])).into_iter().filter(|e| attr(*e, "accesskey").is_some() && !ctx.hidden_for_everyone(*e)).collect();
    for e in &els {
        *seen.entry(attr(*e, "accesskey").unwrap_or("").trim().to_lowercase()).or_default() += 1;
    }
    // axe reports a duplicated key once, on its first element.
    let mut first: HashSet<String> = HashSet::new();
    let fails: Vec<ElementRef> = els
        .iter()
        .copied()
        .filter(|e| {
            let k = attr(*e, "accesskey").unwrap_or("").trim().to_lowercase();
            seen.get(&k).copied().unwrap_or(0) > 1 && first.insert(k)
        })
        .collect();
    finish(page, !els.is_empty(), &fails, &[])
}

pub const ACCESSKEYS: Rule = Rule {
    id: "accesskeys",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "accesskey attribute value should be unique",
    description: "Duplicate access keys conflict.",
    references: &[axe_ref!("accesskeys")],
    fix: Fix { summary: "Give each accesskey a unique value.", steps: &["Change duplicates"], estimated_minutes: 2 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: accesskeys,
};

pub fn nested_interactive(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::RoleWhere(|r| role_info(r).is_some_and(|i| i.children_presentational)),
        false,
        |c, e| c.role(e).and_then(role_info).is_some_and(|i| i.children_presentational),
        |c, e| {
            // Focusable descendants with a widget role (tabindex alone does not count).
            let bad = e.descendants().skip(1).filter_map(ElementRef::wrap).any(|d| {
                c.is_focusable(d)
                    && c.role(d).and_then(role_info).is_some_and(|i| matches!(i.kind, Kind::Widget | Kind::Composite))
            });
            pass_if(!bad)
        },
    )
}

pub const NESTED_INTERACTIVE: Rule = Rule {
    id: "nested-interactive",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Interactive controls must not be nested",
    description: "Focusable content inside a control with presentational children is not announced.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("nested-interactive")],
    fix: Fix { summary: "Un-nest the controls.", steps: &["Move the inner control out"], estimated_minutes: 10 },
    impact: SERIOUS,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: nested_interactive,
};

/// Inline `pointer-events: none` on an empty element with no inline width
/// or height: it renders at 0 by 0 (no content to size it).
fn zero_size_unpointable(e: ElementRef) -> bool {
    use crate::scanner::rules::dom::hidden::inline_style;
    inline_style(e, "pointer-events").is_some_and(|v| v == "none")
        && inline_style(e, "width").is_none()
        && inline_style(e, "height").is_none()
        && !e.children().any(|c| c.value().is_element() || c.value().as_text().is_some_and(|t| !t.trim().is_empty()))
}

pub fn aria_hidden_focus(page: &Analysis) -> Outcome {
    // Script text is read only once a hidden focusable element is found.
    let scripts: std::cell::OnceCell<Vec<String>> = std::cell::OnceCell::new();
    run_in(
        page,
        Candidates::WithAttr(&["aria-hidden"]),
        true,
        |_, e| attr(e, "aria-hidden").is_some_and(|v| v.trim() == "true") && !name_is(e, "body") && !ancestors(e).any(|a| attr(a, "aria-hidden").is_some_and(|v| v.trim() == "true")),
        |c, e| {
            if c.hidden_for_everyone(e) {
                return V::Pass;
            }
            let bad: Vec<ElementRef> =
                std::iter::once(e).chain(e.descendants().skip(1).filter_map(ElementRef::wrap)).filter(|d| c.is_tabbable(*d)).collect();
            if bad.is_empty() {
                return V::Pass;
            }
            // A focusable element a page script names by id may be a focus
            // sentinel that moves focus on (as modal dialogs do): only a
            // browser can tell, so a person decides.
            let scripts = scripts.get_or_init(|| {
                crate::scanner::rules::dom::select_named(page, "script").iter().map(|s| s.text().collect()).collect()
            });
            if bad.iter().all(|d| d.value().id().is_some_and(|id| !id.trim().is_empty() && scripts.iter().any(|s| s.contains(id)))) {
                return V::Review;
            }
            // axe's focusable-not-tabbable: an element with a focus handler,
            // or one drawn at no size that ignores the pointer, is likely a
            // sentinel too.
            if bad.iter().all(|d| attr(*d, "onfocus").is_some() || zero_size_unpointable(*d)) {
                return V::Review;
            }
            V::Fail
        },
    )
}

pub const ARIA_HIDDEN_FOCUS: Rule = Rule {
    id: "aria-hidden-focus",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA hidden element must not be focusable or contain focusable elements",
    description: "Focusable content inside aria-hidden is announced as nothing.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-hidden-focus")],
    fix: Fix {
        summary: "Make it unfocusable or not hidden.",
        steps: &["Add tabindex=-1 or remove aria-hidden"],
        estimated_minutes: 5,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "Focusability depends on CSS we cannot see; a focusable element a page script names by id (a focus sentinel) needs review.",
    check: aria_hidden_focus,
};

/// Whether a frame document given inline (`srcdoc`) has an element in the
/// sequential focus order: one explicit-stack walk that skips what is not
/// rendered (display none, `hidden`, natively hidden, inline visibility
/// hidden, `inert`) and controls under a disabled fieldset.
fn srcdoc_has_tabbable(doc: &str) -> bool {
    // The page's own budgeted parser: the same limits, and no second tree
    // builder in the wasm.
    let html = crate::scanner::page::budget::parse(doc, &crate::scanner::page::LIMITS).html;
    let mut stack = vec![(html.root_element(), false)];
    while let Some((e, in_disabled)) = stack.pop() {
        let v = e.value();
        let invisible = crate::scanner::rules::dom::hidden::inline_style(e, "visibility").is_some_and(|s| s == "hidden" || s == "collapse");
        if crate::scanner::rules::dom::hidden::display_none(e) || invisible || v.attr_of("inert").is_some() {
            continue;
        }
        let control = matches!(v.name(), "button" | "input" | "select" | "textarea");
        let disabled = control && (in_disabled || v.attr_of("disabled").is_some());
        let focusable = match tabindex(e) {
            Some(t) => t >= 0,
            None => super::ctx::natively_focusable(e),
        };
        if focusable && !disabled {
            return true;
        }
        let fieldset_off = in_disabled || (v.name() == "fieldset" && v.attr_of("disabled").is_some());
        stack.extend(e.children().filter_map(ElementRef::wrap).map(|c| (c, fieldset_off)));
    }
    false
}

/// A frame drawn too small to show anything (a width or height of at most 1).
fn tiny_frame(e: ElementRef) -> bool {
    ["width", "height"].iter().any(|a| attr(e, a).and_then(parse_float).is_some_and(|n| n <= 1.0))
}

pub fn frame_focusable_content(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["iframe", "frame"]),
        false,
        |_, e| matches!(e.value().name(), "iframe" | "frame") && tabindex(e).is_some_and(|t| t < 0) && !tiny_frame(e),
        |_, e| match attr(e, "srcdoc") {
            Some(doc) => pass_if(!srcdoc_has_tabbable(doc)),
            // The frame's document is fetched separately: a person checks it.
            None if nonempty(attr(e, "src")) => V::Review,
            None => V::Pass,
        },
    )
}

pub const FRAME_FOCUSABLE_CONTENT: Rule = Rule {
    id: "frame-focusable-content",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Frames with focusable content must not have tabindex=-1",
    description: "A frame taken out of the tab order with a negative tabindex leaves its links and controls unreachable by keyboard.",
    references: &[wcag("2.1.1 (A)"), axe_ref!("frame-focusable-content")],
    fix: Fix { summary: "Remove the negative tabindex from the frame.", steps: &["Drop tabindex=-1 from the iframe", "Or make its content not focusable"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "Only frame documents given inline (srcdoc) are read; a frame loaded from src needs review.",
    check: frame_focusable_content,
};

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
pub(super) const RULES: &[(u16, Rule)] = &[
    (58, TABINDEX),
    (59, ACCESSKEYS),
    (75, NESTED_INTERACTIVE),
    (82, ARIA_HIDDEN_FOCUS),
    (88, FRAME_FOCUSABLE_CONTENT),
    (90, SCROLLABLE_REGION_FOCUSABLE),
];

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

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("tabindex", r#"<div tabindex=0>a</div>"#, r#"<div tabindex=2>a</div>"#),
        ("accesskeys", r#"<a href=a accesskey=s>a</a><a href=b accesskey=t>b</a>"#, r#"<a href=a accesskey=s>a</a><a href=b accesskey=s>b</a>"#),
        ("nested-interactive", r#"<button>a</button>"#, r#"<button><a href=a>x</a></button>"#),
        ("aria-hidden-focus", r#"<div aria-hidden=true><p>x</p></div>"#, r#"<div aria-hidden=true><a href=a>x</a></div>"#),
        ("frame-focusable-content", r#"<iframe tabindex=-1 title=t srcdoc="<a href='/' tabindex='-1'>Home</a>"></iframe>"#, r#"<iframe tabindex=-1 title=t srcdoc="<a href='/'>Home</a>"></iframe>"#),
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

    /// A focus sentinel a script names by id needs review (ACT 6cfa84,
    /// Passed Example 4); one no script names is a violation.
    #[test]
    fn focus_sentinels_named_by_a_script_need_review() {
        let doc = |script: &str| format!("<!doctype html><html lang=en><title>t</title><body><div aria-hidden=true><a href=# id=sentinel>wrap</a></div>{script}</body></html>");
        assert_eq!(super::super::tests::verdict("aria-hidden-focus", &doc("<script>document.getElementById('sentinel').addEventListener('focus', f)</script>")), "review");
        assert_eq!(super::super::tests::verdict("aria-hidden-focus", &doc("<script>start()</script>")), "fail");
    }

}
