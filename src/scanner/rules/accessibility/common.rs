//! What every family file uses: the per-element runner and its verdict, and small attribute and
//! role helpers (a prelude: family files `use super::common::*`).
#[allow(unused_imports)]
pub(super) use crate::scanner::rules::dom::AttrExt;
pub(super) use super::aria::{self, ancestors, explicit_role, input_type, role_info, Kind};
pub(super) use super::ctx::{finish, is_disabled, tabindex, Candidates, Ctx};
pub(super) use super::names::{accessible_name, sanitize, subtree_text};
pub(super) use super::{html_aria, lang};
pub(super) use super::{risk, wcag, Conformance, Effort, Harm, CRITICAL, MINOR, MODERATE, SERIOUS, STATIC};
pub(super) use crate::domain::model::{Domain, Severity};
pub(super) use crate::scanner::rules::dom::Analysis;
pub(super) use crate::scanner::rules::{Fix, Outcome, Rule};
pub(super) use scraper::{ElementRef, Node};
pub(super) use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum V {
    Pass,
    Fail,
    Review,
}

/// Runs a per-element rule over `candidates` (a superset of what `applies`
/// accepts, in document order): `applies` selects (after the hidden filter
/// unless `include_hidden`), `verdict` judges each.
pub(super) fn run_in(
    page: &Analysis,
    candidates: Candidates,
    include_hidden: bool,
    applies: impl Fn(&Ctx, ElementRef) -> bool,
    verdict: impl Fn(&Ctx, ElementRef) -> V,
) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut applicable = false;
    let (mut fails, mut reviews) = (Vec::new(), Vec::new());
    for el in ctx.candidates(candidates) {
        if !applies(&ctx, el) || (!include_hidden && ctx.hidden_from_at(el)) {
            continue;
        }
        applicable = true;
        match verdict(&ctx, el) {
            V::Pass => {}
            V::Fail => fails.push(el),
            V::Review => reviews.push(el),
        }
    }
    finish(page, applicable, &fails, &reviews)
}

pub(super) fn name_is(el: ElementRef, n: &str) -> bool {
    el.value().name() == n
}

pub(super) fn attr<'a>(el: ElementRef<'a>, a: &str) -> Option<&'a str> {
    el.value().attr_of(a)
}

pub(super) fn nonempty(s: Option<&str>) -> bool {
    s.is_some_and(|v| v.split_whitespace().next().is_some())
}

pub(super) fn is_html(el: ElementRef) -> bool {
    &*el.value().name.ns == "http://www.w3.org/1999/xhtml"
}

pub(super) fn is_svg(el: ElementRef) -> bool {
    &*el.value().name.ns == "http://www.w3.org/2000/svg"
}

pub(super) fn has_aria_label(el: ElementRef) -> bool {
    nonempty(attr(el, "aria-label"))
}

pub(super) fn has_labelledby(ctx: &Ctx, el: ElementRef) -> bool {
    attr(el, "aria-labelledby").is_some() && super::names::has_labelledby_text(ctx, el)
}

pub(super) fn has_title(el: ElementRef) -> bool {
    nonempty(attr(el, "title"))
}

pub(super) fn has_visible_text(ctx: &Ctx, el: ElementRef) -> bool {
    super::names::has_subtree_text(ctx, el)
}

pub(super) fn aria_named(ctx: &Ctx, el: ElementRef) -> bool {
    has_aria_label(el) || has_labelledby(ctx, el) || has_title(el)
}

/// Explicit none/presentation that is not overridden by the conflict rules.
pub(super) fn presentational(ctx: &Ctx, el: ElementRef) -> bool {
    matches!(explicit_role(el), Some("none" | "presentation")) && !ctx.presentation_conflict(el)
}

pub(super) fn has_label(ctx: &Ctx, el: ElementRef) -> bool {
    super::names::has_label_text(ctx, el)
}

pub(super) fn pass_if(b: bool) -> V {
    if b {
        V::Pass
    } else {
        V::Fail
    }
}

/// axe `no-explicit-name-required-matches`.
pub(super) fn no_explicit_name_required(ctx: &Ctx, el: ElementRef) -> bool {
    match explicit_role(el) {
        None | Some("none" | "presentation") => true,
        Some(r) => role_info(r).is_some_and(|i| i.name_required) || ctx.is_focusable(el),
    }
}

pub(super) fn role_attr_is(e: ElementRef, roles: &[&str]) -> bool {
    attr(e, "role").is_some_and(|r| roles.iter().any(|x| r.trim().eq_ignore_ascii_case(x)))
}

pub(super) fn is_heading(ctx: &Ctx, e: ElementRef) -> bool {
    ctx.role(e) == Some("heading")
}

pub(super) fn root<'a>(ctx: &Ctx<'a>) -> ElementRef<'a> {
    ctx.doc.root_element()
}

pub(super) fn root_outcome(page: &Analysis, f: impl Fn(&Ctx, ElementRef) -> V) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let r = root(&ctx);
    match f(&ctx, r) {
        V::Pass => finish(page, true, &[], &[]),
        V::Fail => finish(page, true, &[r], &[]),
        V::Review => finish(page, true, &[], &[r]),
    }
}

/// axe's `isModalOpen`, the half static HTML can see ("definitely a
/// modal"): a rendered `dialog[open]`, `[role=dialog]` or `[aria-modal=true]`.
pub(super) fn modal_open(ctx: &Ctx) -> bool {
    let named = Candidates::Union(&[Candidates::Named(&["dialog"]), Candidates::WithAttr(&["role", "aria-modal"])]);
    ctx.candidates(named).into_iter().any(|e| {
        let dialog_el = name_is(e, "dialog") && is_html(e);
        let modal = dialog_el || attr(e, "role") == Some("dialog") || attr(e, "aria-modal") == Some("true");
        // A dialog element without `open` is not rendered.
        modal && !(dialog_el && attr(e, "open").is_none()) && !ctx.hidden_for_everyone(e)
    })
}

/// The page has an element the test accepts (not hidden). axe's checks with
/// `passForModal` pass while a modal is open; a stylesheet can hide what
/// looks open here, so without the element an open-looking modal makes the
/// page need review rather than pass.
pub(super) fn page_has_unless_modal(page: &Analysis, candidates: Candidates, f: impl Fn(&Ctx, ElementRef) -> bool) -> Outcome {
    root_outcome(page, |c, _| {
        if c.candidates(candidates).into_iter().any(|e| !c.hidden_from_at(e) && f(c, e)) {
            V::Pass
        } else if modal_open(c) {
            V::Review
        } else {
            V::Fail
        }
    })
}

/// JavaScript `parseFloat`: the longest numeric prefix.
pub(super) fn parse_float(s: &str) -> Option<f64> {
    let s = s.trim_start();
    let mut end = 0;
    let mut seen_dot = false;
    let mut seen_digit = false;
    for (i, ch) in s.char_indices() {
        if ch.is_ascii_digit() {
            seen_digit = true;
            end = i + 1;
        } else if ch == '.' && !seen_dot {
            seen_dot = true;
        } else if (ch == '-' || ch == '+') && i == 0 {
        } else {
            break;
        }
    }
    if !seen_digit {
        return None;
    }
    s.get(..end).and_then(|p| p.parse::<f64>().ok())
}
