//! The rule checks. Each mirrors one axe-core rule: its selector and `matches`
//! filter decide applicability, its any/all/none checks the verdict.
#[allow(unused_imports)]
use crate::rules::dom::AttrExt;
use super::aria::{self, ancestors, explicit_role, input_type, role_info, Kind};
use super::ctx::{finish, is_disabled, tabindex, Candidates, Ctx};
use super::html_aria;
use super::lang;
use super::names::{accessible_name, sanitize, subtree_text};
use crate::rules::dom::Analysis;
use crate::rules::Outcome;
use scraper::{ElementRef, Node};
use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, PartialEq, Eq)]
enum V {
    Pass,
    Fail,
    Review,
}

/// Runs a per-element rule over `candidates` (a superset of what `applies`
/// accepts, in document order): `applies` selects (after the hidden filter
/// unless `include_hidden`), `verdict` judges each.
fn run_in(
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

fn name_is(el: ElementRef, n: &str) -> bool {
    el.value().name() == n
}
fn attr<'a>(el: ElementRef<'a>, a: &str) -> Option<&'a str> {
    el.value().attr_of(a)
}
fn nonempty(s: Option<&str>) -> bool {
    s.is_some_and(|v| v.split_whitespace().next().is_some())
}
fn is_html(el: ElementRef) -> bool {
    &*el.value().name.ns == "http://www.w3.org/1999/xhtml"
}
fn is_svg(el: ElementRef) -> bool {
    &*el.value().name.ns == "http://www.w3.org/2000/svg"
}
fn has_aria_label(el: ElementRef) -> bool {
    nonempty(attr(el, "aria-label"))
}
fn has_labelledby(ctx: &Ctx, el: ElementRef) -> bool {
    attr(el, "aria-labelledby").is_some() && super::names::has_labelledby_text(ctx, el)
}
fn has_title(el: ElementRef) -> bool {
    nonempty(attr(el, "title"))
}
fn has_visible_text(ctx: &Ctx, el: ElementRef) -> bool {
    super::names::has_subtree_text(ctx, el)
}
fn aria_named(ctx: &Ctx, el: ElementRef) -> bool {
    has_aria_label(el) || has_labelledby(ctx, el) || has_title(el)
}
/// Explicit none/presentation that is not overridden by the conflict rules.
fn presentational(ctx: &Ctx, el: ElementRef) -> bool {
    matches!(explicit_role(el), Some("none" | "presentation")) && !ctx.presentation_conflict(el)
}
fn has_label(ctx: &Ctx, el: ElementRef) -> bool {
    super::names::has_label_text(ctx, el)
}
fn pass_if(b: bool) -> V {
    if b {
        V::Pass
    } else {
        V::Fail
    }
}

/// axe `no-explicit-name-required-matches`.
fn no_explicit_name_required(ctx: &Ctx, el: ElementRef) -> bool {
    match explicit_role(el) {
        None | Some("none" | "presentation") => true,
        Some(r) => role_info(r).is_some_and(|i| i.name_required) || ctx.is_focusable(el),
    }
}

/// axe `hidden-explicit-label`: a hidden `label[for]` and no other name.
fn hidden_explicit_label(ctx: &Ctx, el: ElementRef) -> bool {
    let labels = ctx.explicit_labels(el);
    !labels.is_empty() && labels.iter().all(|l| ctx.hidden_from_at(*l)) && accessible_name(ctx, el).is_empty()
}

// ---------------------------------------------------------------- text alternatives

pub fn image_alt(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["img"]), false, |c, e| name_is(e, "img") && no_explicit_name_required(c, e), |c, e| {
        if attr(e, "alt").is_some_and(|a| !a.is_empty() && a.trim_matches(|ch: char| ch.is_whitespace()).is_empty()) {
            return V::Fail;
        }
        pass_if(attr(e, "alt").is_some() || aria_named(c, e) || presentational(c, e))
    })
}

pub fn area_alt(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["area"]),
        true,
        |_, e| name_is(e, "area") && attr(e, "href").is_some() && ancestors(e).any(|a| name_is(a, "map")),
        |c, e| pass_if(nonempty(attr(e, "alt")) || aria_named(c, e)),
    )
}

pub fn input_image_alt(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["input"]),
        false,
        |c, e| name_is(e, "input") && input_type(e) == "image" && no_explicit_name_required(c, e),
        |c, e| pass_if(nonempty(attr(e, "alt")) || aria_named(c, e) || has_label(c, e)),
    )
}

pub fn role_img_alt(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["role"]),
        false,
        |_, e| {
            is_html(e)
                && attr(e, "role").is_some_and(|r| r.trim().eq_ignore_ascii_case("img"))
                && !matches!(e.value().name(), "img" | "area" | "input" | "object")
        },
        |c, e| pass_if(aria_named(c, e)),
    )
}

pub fn svg_img_alt(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["role"]),
        false,
        |_, e| {
            let r = attr(e, "role").map(|r| r.trim().to_ascii_lowercase());
            is_svg(e)
                && (matches!(r.as_deref(), Some("img" | "graphics-symbol"))
                    || (name_is(e, "svg") && r.as_deref() == Some("graphics-document")))
        },
        |c, e| {
            let svg_title = e
                .children()
                .filter_map(ElementRef::wrap)
                .find(|t| name_is(*t, "title"))
                .is_some_and(|t| !subtree_text(c, t).is_empty() || !sanitize(&t.text().collect::<String>()).is_empty());
            pass_if(svg_title || aria_named(c, e))
        },
    )
}

pub fn object_alt(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["object"]), false, |_, e| name_is(e, "object") && nonempty(attr(e, "data")), |c, e| {
        pass_if(aria_named(c, e) || presentational(c, e))
    })
}

pub fn image_redundant_alt(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["img"]), false, |_, e| name_is(e, "img"), |c, e| {
        let alt = sanitize(attr(e, "alt").unwrap_or("")).to_lowercase();
        if alt.is_empty() || presentational(c, e) {
            return V::Pass;
        }
        // The alt repeats the text of the enclosing link, button, label, paragraph,
        // list item or table cell (the unit read together with the image).
        let parent = ancestors(e).find(|a| {
            matches!(c.role(*a), Some("button" | "link")) || matches!(a.value().name(), "button" | "a" | "label" | "li" | "p" | "td" | "th")
        });
        match parent {
            Some(p) => {
                let own: String = p
                    .descendants()
                    .filter_map(|n| match n.value() {
                        Node::Text(t) => Some(t.to_string()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                pass_if(sanitize(&own).to_lowercase() != alt)
            }
            None => V::Pass,
        }
    })
}

// ---------------------------------------------------------------- names of controls

pub fn link_name(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["a"]), false, |_, e| name_is(e, "a") && attr(e, "href").is_some(), |c, e| {
        pass_if(has_visible_text(c, e) || aria_named(c, e))
    })
}

pub fn button_name(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["button"]), false, |c, e| name_is(e, "button") && no_explicit_name_required(c, e), |c, e| {
        pass_if(has_visible_text(c, e) || aria_named(c, e) || has_label(c, e) || presentational(c, e))
    })
}

pub fn input_button_name(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["input"]),
        false,
        |c, e| {
            name_is(e, "input")
                && matches!(input_type(e).as_str(), "button" | "submit" | "reset")
                && attr(e, "type").is_some_and(|t| matches!(t.trim().to_ascii_lowercase().as_str(), "button" | "submit" | "reset"))
                && no_explicit_name_required(c, e)
        },
        |c, e| {
            let ty = input_type(e);
            let default_label = attr(e, "value").is_none() && ty != "button";
            pass_if(default_label || nonempty(attr(e, "value")) || aria_named(c, e) || has_label(c, e) || presentational(c, e))
        },
    )
}

fn label_matches(e: ElementRef) -> bool {
    match e.value().name() {
        "textarea" => true,
        "input" => !matches!(input_type(e).as_str(), "hidden" | "image" | "button" | "submit" | "reset"),
        _ => false,
    }
}

pub fn label(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["input", "textarea"]), false, |_, e| label_matches(e), |c, e| {
        if hidden_explicit_label(c, e) {
            return V::Fail;
        }
        pass_if(has_label(c, e) || aria_named(c, e) || nonempty(attr(e, "placeholder")) || presentational(c, e))
    })
}

pub fn select_name(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["select"]), false, |_, e| name_is(e, "select"), |c, e| {
        if hidden_explicit_label(c, e) {
            return V::Fail;
        }
        pass_if(has_label(c, e) || aria_named(c, e) || presentational(c, e))
    })
}

pub fn frame_title(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["iframe", "frame"]),
        false,
        |_, e| matches!(e.value().name(), "iframe" | "frame") && tabindex(e).is_none_or(|t| t >= 0),
        |c, e| {
            // Presentational frames pass unless global ARIA, a tabindex or a title re-expose them.
            let pres = matches!(explicit_role(e), Some("none" | "presentation"))
                && !aria::has_global_aria(e)
                && attr(e, "tabindex").is_none()
                && attr(e, "title").is_none();
            pass_if(aria_named(c, e) || pres)
        },
    )
}

pub fn frame_title_unique(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut by_title: HashMap<String, Vec<ElementRef>> = HashMap::new();
    for e in ctx.candidates(Candidates::Named(&["iframe", "frame"])) {
        if matches!(e.value().name(), "iframe" | "frame") && nonempty(attr(e, "title")) && !ctx.hidden_from_at(e) {
            by_title.entry(sanitize(attr(e, "title").unwrap_or("")).to_lowercase()).or_default().push(e);
        }
    }
    let applicable = !by_title.is_empty();
    let mut reviews: Vec<ElementRef> = by_title.into_values().filter(|v| v.len() > 1).flatten().collect();
    reviews.sort_by_key(|e| ctx.position(*e));
    finish(page, applicable, &[], &reviews)
}

/// axe `no-naming-method-matches`: elements with a native naming method are
/// covered by the element-specific rules instead.
fn no_naming_method(ctx: &Ctx, e: ElementRef) -> bool {
    let n = e.value().name();
    let native = match n {
        "a" => attr(e, "href").is_some(),
        "area" | "br" | "button" | "fieldset" | "figure" | "hr" | "img" | "output" | "select" | "summary" | "table"
        | "textarea" | "svg" => true,
        "input" => input_type(e) != "hidden",
        _ => false,
    };
    if native {
        return false;
    }
    if explicit_role(e) == Some("combobox")
        && e.descendants().filter_map(ElementRef::wrap).any(|d| name_is(d, "input") && input_type(d) != "hidden")
    {
        return false;
    }
    // A listbox popup of a combobox gets its name from the combobox.
    if explicit_role(e) == Some("listbox") {
        if let Some(id) = e.value().id() {
            let popup = ctx.candidates(Candidates::WithAttr(&["role"])).into_iter().any(|o| {
                explicit_role(o) == Some("combobox")
                    && ["aria-controls", "aria-owns"]
                        .iter()
                        .any(|a| attr(o, a).is_some_and(|v| v.split_ascii_whitespace().any(|t| t == id)))
            });
            if popup {
                return false;
            }
        }
    }
    true
}

fn role_attr_is(e: ElementRef, roles: &[&str]) -> bool {
    attr(e, "role").is_some_and(|r| roles.iter().any(|x| r.trim().eq_ignore_ascii_case(x)))
}

fn aria_name_rule(page: &Analysis, roles: &'static [&'static str], content: bool) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, move |c, e| role_attr_is(e, roles) && no_naming_method(c, e), move |c, e| {
        pass_if((content && has_visible_text(c, e)) || aria_named(c, e))
    })
}

pub fn aria_command_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["link", "button", "menuitem"], true)
}
pub fn aria_dialog_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["dialog", "alertdialog"], false)
}
pub fn aria_input_field_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["combobox", "listbox", "searchbox", "slider", "spinbutton", "textbox"], false)
}
pub fn aria_meter_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["meter"], false)
}
pub fn aria_progressbar_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["progressbar"], false)
}
pub fn aria_tab_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["tab"], true)
}
pub fn aria_toggle_field_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["checkbox", "menuitemcheckbox", "menuitemradio", "radio", "switch", "option"], true)
}
pub fn aria_tooltip_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["tooltip"], true)
}
pub fn aria_treeitem_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["treeitem"], true)
}

pub fn summary_name(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["summary"]),
        false,
        |_, e| {
            name_is(e, "summary")
                && e.parent().and_then(ElementRef::wrap).is_some_and(|p| {
                    name_is(p, "details")
                        && p.children().filter_map(ElementRef::wrap).find(|c| name_is(*c, "summary")).map(|s| s.id())
                            == Some(e.id())
                })
        },
        |c, e| pass_if(has_visible_text(c, e) || aria_named(c, e)),
    )
}

fn is_heading(ctx: &Ctx, e: ElementRef) -> bool {
    ctx.role(e) == Some("heading")
}

pub fn empty_heading(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Role(&["heading"]),
        false,
        |c, e| (matches!(e.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") || role_attr_is(e, &["heading"])) && is_heading(c, e),
        |c, e| pass_if(has_visible_text(c, e) || aria_named(c, e)),
    )
}

pub fn empty_table_header(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Union(&[Candidates::Named(&["th"]), Candidates::WithAttr(&["role"])]),
        false,
        |_, e| (name_is(e, "th") && attr(e, "role").is_none()) || role_attr_is(e, &["rowheader", "columnheader"]),
        |c, e| pass_if(has_visible_text(c, e)),
    )
}

// ---------------------------------------------------------------- document level

fn root<'a>(ctx: &Ctx<'a>) -> ElementRef<'a> {
    ctx.doc.root_element()
}

fn root_outcome(page: &Analysis, f: impl Fn(&Ctx, ElementRef) -> V) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let r = root(&ctx);
    match f(&ctx, r) {
        V::Pass => finish(page, true, &[], &[]),
        V::Fail => finish(page, true, &[r], &[]),
        V::Review => finish(page, true, &[], &[r]),
    }
}

pub fn html_has_lang(page: &Analysis) -> Outcome {
    root_outcome(page, |_, r| pass_if(nonempty(attr(r, "lang"))))
}

pub fn html_lang_valid(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let r = root(&ctx);
    let vals: Vec<&str> = ["lang", "xml:lang"].iter().filter_map(|a| attr(r, a)).filter(|v| !v.is_empty()).collect();
    if vals.is_empty() {
        return Outcome::NotApplicable;
    }
    let bad = vals.iter().any(|v| lang::is_invalid_value(v));
    let fails = if bad { vec![r] } else { vec![] };
    finish(page, true, &fails, &[])
}

pub fn html_xml_lang_mismatch(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let r = root(&ctx);
    let (Some(l), Some(x)) = (attr(r, "lang"), attr(r, "xml:lang")) else { return Outcome::NotApplicable };
    let (bl, bx) = (lang::base_lang(l), lang::base_lang(x));
    if !lang::is_valid_base(&bl) || !lang::is_valid_base(&bx) {
        return Outcome::NotApplicable;
    }
    let fails = if bl != bx { vec![r] } else { vec![] };
    finish(page, true, &fails, &[])
}

pub fn valid_lang(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["lang", "xml:lang"]),
        false,
        |_, e| !name_is(e, "html") && (attr(e, "lang").is_some() || attr(e, "xml:lang").is_some()),
        |c, e| {
            let bad = ["lang", "xml:lang"].iter().filter_map(|a| attr(e, a)).any(lang::is_invalid_value);
            if !bad {
                return V::Pass;
            }
            // Only elements that hold text of their own (not overridden by a nested lang).
            pass_if(!has_lang_text(c, e))
        },
    )
}

/// Whether `e`'s children hold text its `lang` applies to: text, or an
/// image's text alternative, in descendants not hidden from everyone and not
/// under a nested `lang`. Rendered text counts even when aria-hidden (sighted
/// users read it). One bottom-up pass answers it for every element, so
/// nested `lang`/`xml:lang` elements cost linear work, not a walk each.
fn has_lang_text(ctx: &Ctx, e: ElementRef) -> bool {
    let ix = ctx.index();
    let Some(p) = ix.position(e.id()) else { return false };
    let table = ctx.lang_text.get_or_init(|| {
        let n = ix.elements.len();
        let mut has = vec![false; n];
        for q in (0..n).rev() {
            let Some(el) = ix.node(q as u32).and_then(|id| ctx.doc.tree.get(id)).and_then(ElementRef::wrap) else { continue };
            // Children come after their parent in document order: final here.
            let found = el.children().any(|c| match c.value() {
                Node::Text(t) => !t.trim().is_empty(),
                Node::Element(_) => ElementRef::wrap(c).is_some_and(|ce| {
                    ce.value().attr_of("lang").is_none()
                        && !ctx.hidden_for_everyone(ce)
                        && ((name_is(ce, "img") && nonempty(attr(ce, "alt")))
                            || ix.position(ce.id()).and_then(|cq| has.get(cq as usize)).copied().unwrap_or(false))
                }),
                _ => false,
            });
            if let Some(slot) = has.get_mut(q) {
                *slot = found;
            }
        }
        has
    });
    table.get(p as usize).copied().unwrap_or(false)
}

pub fn document_title(page: &Analysis) -> Outcome {
    root_outcome(page, |c, _| {
        let t = c.candidates(Candidates::Named(&["title"])).into_iter().find(|e| name_is(*e, "title") && is_html(*e));
        pass_if(t.is_some_and(|t| !sanitize(&t.text().collect::<String>()).is_empty()))
    })
}

fn viewport_blocks_zoom(content: &str, minimum: f64, lower_bound: Option<f64>) -> bool {
    let mut map: HashMap<String, String> = HashMap::new();
    for item in content.split([';', ',']) {
        let item = item.trim();
        let mut kv = item.split('=');
        let (Some(k), Some(v)) = (kv.next(), kv.next()) else { continue };
        let (k, mut v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
        if k.is_empty() || v.is_empty() {
            continue;
        }
        if k == "maximum-scale" && v == "yes" {
            v = "1".into();
        }
        if k == "maximum-scale" && parse_float(&v).is_some_and(|f| f < 0.0) {
            continue;
        }
        map.insert(k, v);
    }
    let max = map.get("maximum-scale").and_then(|v| parse_float(v));
    if let Some(lb) = lower_bound {
        if max.is_some_and(|m| m < lb) {
            return false;
        }
    } else {
        if let Some(us) = map.get("user-scalable") {
            if us == "no" {
                return true;
            }
            if parse_float(us).is_some_and(|f| f > -1.0 && f < 1.0) {
                return true;
            }
        }
    }
    max.is_some_and(|m| m < minimum)
}

/// JavaScript `parseFloat`: the longest numeric prefix.
fn parse_float(s: &str) -> Option<f64> {
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

fn meta_viewport_rule(page: &Analysis, minimum: f64, lower_bound: Option<f64>) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["meta"]),
        true,
        |_, e| name_is(e, "meta") && attr(e, "name").is_some_and(|n| n.eq_ignore_ascii_case("viewport")),
        move |_, e| pass_if(!viewport_blocks_zoom(attr(e, "content").unwrap_or(""), minimum, lower_bound)),
    )
}

pub fn meta_viewport(page: &Analysis) -> Outcome {
    meta_viewport_rule(page, 2.0, None)
}
pub fn meta_viewport_large(page: &Analysis) -> Outcome {
    meta_viewport_rule(page, 5.0, Some(2.0))
}

fn meta_refresh_rule(page: &Analysis, max: Option<f64>) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["meta"]),
        true,
        |_, e| {
            name_is(e, "meta")
                && attr(e, "http-equiv").is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh"))
                && attr(e, "content").is_some()
        },
        move |_, e| {
            let content = attr(e, "content").unwrap_or("").trim();
            let first = content.split([';', ',', ' ', '\t', '\n', '\r']).next().unwrap_or("");
            if first.is_empty() || !first.chars().all(|c| c.is_ascii_digit() || c == '.') {
                return V::Pass;
            }
            let delay = parse_float(first).unwrap_or(0.0);
            if delay <= 0.0 || max.is_some_and(|m| delay > m) {
                return V::Pass;
            }
            V::Fail
        },
    )
}

pub fn meta_refresh(page: &Analysis) -> Outcome {
    meta_refresh_rule(page, Some(72000.0))
}

pub fn aria_hidden_body(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["body"]), true, |_, e| name_is(e, "body"), |_, e| {
        pass_if(!attr(e, "aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")))
    })
}

fn page_has(page: &Analysis, candidates: Candidates, f: impl Fn(&Ctx, ElementRef) -> bool) -> Outcome {
    root_outcome(page, |c, _| pass_if(c.candidates(candidates).into_iter().any(|e| !c.hidden_from_at(e) && f(c, e))))
}

pub fn landmark_one_main(page: &Analysis) -> Outcome {
    page_has(page, Candidates::Role(&["main"]), |c, e| c.role(e) == Some("main"))
}

pub fn page_has_heading_one(page: &Analysis) -> Outcome {
    page_has(page, Candidates::Role(&["heading"]), |c, e| is_heading(c, e) && heading_level(c, e) == 1)
}

pub fn bypass(page: &Analysis) -> Outcome {
    root_outcome(page, |c, _| {
        const CANDIDATES: Candidates = Candidates::Union(&[
            Candidates::Role(&["heading"]),
            Candidates::RoleWhere(|r| role_info(r).is_some_and(|i| i.kind == Kind::Landmark)),
            Candidates::Named(&["a"]),
        ]);
        let ok = c.candidates(CANDIDATES).into_iter().any(|e| {
            !c.hidden_from_at(e)
                && (is_heading(c, e)
                    || matches!(c.role(e), Some(r) if role_info(r).is_some_and(|i| i.kind == Kind::Landmark))
                    || (name_is(e, "a")
                        && attr(e, "href").is_some_and(|h| {
                            let id = h.strip_prefix('#').or_else(|| h.strip_prefix("/#")).unwrap_or("");
                            !id.is_empty() && c.by_id(id).is_some()
                        })))
        });
        if ok {
            V::Pass
        } else {
            V::Review
        }
    })
}

fn landmark_dup(page: &Analysis, role: &'static [&'static str; 1]) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let found: Vec<ElementRef> =
        ctx.candidates(Candidates::Role(role)).into_iter().filter(|e| ctx.role(*e) == Some(role[0]) && !ctx.hidden_from_at(*e)).collect();
    let fails = if found.len() > 1 { &found[1..] } else { &[][..] };
    finish(page, !found.is_empty(), fails, &[])
}
pub fn landmark_no_duplicate_banner(page: &Analysis) -> Outcome {
    landmark_dup(page, &["banner"])
}
pub fn landmark_no_duplicate_contentinfo(page: &Analysis) -> Outcome {
    landmark_dup(page, &["contentinfo"])
}
pub fn landmark_no_duplicate_main(page: &Analysis) -> Outcome {
    landmark_dup(page, &["main"])
}

fn landmark_top_level(page: &Analysis, role: &'static [&'static str; 1]) -> Outcome {
    run_in(page, Candidates::Role(role), false, move |c, e| c.role(e) == Some(role[0]), |c, e| {
        pass_if(!ancestors(e).any(|a| {
            matches!(c.role(a), Some(r) if role_info(r).is_some_and(|i| i.kind == Kind::Landmark))
        }))
    })
}
pub fn landmark_banner_is_top_level(page: &Analysis) -> Outcome {
    landmark_top_level(page, &["banner"])
}
pub fn landmark_contentinfo_is_top_level(page: &Analysis) -> Outcome {
    landmark_top_level(page, &["contentinfo"])
}
pub fn landmark_main_is_top_level(page: &Analysis) -> Outcome {
    landmark_top_level(page, &["main"])
}

pub fn landmark_unique(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut groups: HashMap<(&'static str, String), Vec<ElementRef>> = HashMap::new();
    let mut order = Vec::new();
    let landmarks = ctx.candidates(Candidates::RoleWhere(|r| role_info(r).is_some_and(|i| i.kind == Kind::Landmark && !i.dpub)));
    for e in landmarks {
        let Some(role) = ctx.role(e) else { continue };
        if !role_info(role).is_some_and(|i| i.kind == Kind::Landmark && !i.dpub) || ctx.hidden_from_at(e) {
            continue;
        }
        let key = (role, accessible_name(&ctx, e).to_lowercase());
        groups.entry(key.clone()).or_default().push(e);
        order.push((key, e));
    }
    // axe reports each non-unique role/name group once, on its first landmark.
    let fails: Vec<ElementRef> = order
        .into_iter()
        .filter(|(k, e)| groups.get(k).is_some_and(|v| v.len() > 1 && v.first().map(|f| f.id()) == Some(e.id())))
        .map(|(_, e)| e)
        .collect();
    finish(page, !groups.is_empty(), &fails, &[])
}

// ---------------------------------------------------------------- structure

fn heading_level(ctx: &Ctx, e: ElementRef) -> i64 {
    if !is_heading(ctx, e) {
        return -1;
    }
    let tag_level = e.value().name().strip_prefix('h').and_then(|d| d.parse::<i64>().ok()).filter(|l| (1..=6).contains(l));
    let aria = attr(e, "aria-level");
    if let (Some(l), None) = (tag_level, aria) {
        return l;
    }
    match aria.and_then(|a| parse_float(a)).map(|f| f as i64) {
        Some(l) if l >= 1 => l,
        _ => tag_level.unwrap_or(2),
    }
}

pub fn heading_order(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let headings: Vec<(ElementRef, i64)> = ctx
        .candidates(Candidates::Role(&["heading"]))
        .into_iter()
        .filter(|e| is_heading(&ctx, *e) && !ctx.hidden_from_at(*e))
        .map(|e| (e, heading_level(&ctx, e)))
        .collect();
    let mut fails = Vec::new();
    for w in headings.windows(2) {
        if let [(_, prev), (e, cur)] = w {
            if cur - prev > 1 {
                fails.push(*e);
            }
        }
    }
    finish(page, !headings.is_empty(), &fails, &[])
}

fn visible_child_elements<'a>(c: &Ctx, e: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    e.children().filter_map(ElementRef::wrap).filter(|x| !c.hidden_from_at(*x)).collect()
}
fn has_text_child(e: ElementRef) -> bool {
    e.children().any(|c| matches!(c.value(), Node::Text(t) if !t.trim().is_empty()))
}

pub fn list(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["ul", "ol"]), false, |_, e| matches!(e.value().name(), "ul" | "ol") && attr(e, "role").is_none(), |c, e| {
        if has_text_child(e) {
            return V::Fail;
        }
        // Every child must be exposed as a list item: a <li> re-roled to
        // something else is no longer one, so the list is malformed.
        for ch in visible_child_elements(c, e) {
            if c.role(ch) != Some("listitem") && !matches!(ch.value().name(), "script" | "template") {
                return V::Fail;
            }
        }
        V::Pass
    })
}

pub fn listitem(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["li"]), false, |_, e| name_is(e, "li") && attr(e, "role").is_none(), |_, e| {
        let Some(p) = e.parent().and_then(ElementRef::wrap) else { return V::Review };
        match explicit_role(p) {
            Some("presentation" | "none" | "list") => V::Pass,
            Some(_) => V::Fail,
            None => pass_if(matches!(p.value().name(), "ul" | "ol" | "menu")),
        }
    })
}

pub fn dlitem(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["dd", "dt"]), false, |_, e| matches!(e.value().name(), "dd" | "dt") && attr(e, "role").is_none(), |_, e| {
        let Some(mut p) = e.parent().and_then(ElementRef::wrap) else { return V::Fail };
        if name_is(p, "div") && matches!(explicit_role(p), None | Some("presentation" | "none")) {
            match p.parent().and_then(ElementRef::wrap) {
                Some(pp) => p = pp,
                None => return V::Fail,
            }
        }
        pass_if(name_is(p, "dl") && matches!(explicit_role(p), None | Some("presentation" | "none" | "list")))
    })
}

pub fn definition_list(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["dl"]), false, |_, e| name_is(e, "dl") && attr(e, "role").is_none(), |c, e| {
        // structured-dlitems: a dd before any dt.
        let kids: Vec<ElementRef> = e.children().filter_map(ElementRef::wrap).collect();
        let mut has_dt = false;
        let mut unstructured = false;
        if !kids.is_empty() {
            let mut has_dd = false;
            let mut ok = false;
            for k in &kids {
                let n = k.value().name();
                if n == "dt" {
                    has_dt = true;
                }
                if has_dt && n == "dd" {
                    ok = true;
                    break;
                }
                if n == "dd" {
                    has_dd = true;
                }
            }
            unstructured = !ok && (has_dt || has_dd);
        }
        if unstructured {
            return V::Fail;
        }
        // only-dlitems
        let mut content: Vec<ego_tree::NodeRef<Node>> = Vec::new();
        for ch in e.children() {
            if let Some(ce) = ElementRef::wrap(ch) {
                if name_is(ce, "div") && c.role(ce).is_none() {
                    content.extend(ch.children());
                    continue;
                }
            }
            content.push(ch);
        }
        for n in content {
            match n.value() {
                Node::Text(t) if !t.trim().is_empty() => return V::Fail,
                Node::Element(_) => {
                    if let Some(ce) = ElementRef::wrap(n) {
                        if c.hidden_from_at(ce) {
                            continue;
                        }
                        let r = explicit_role(ce);
                        let nm = ce.value().name();
                        if ((nm != "dt" && nm != "dd") || r.is_some()) && !matches!(r, Some("definition" | "term" | "list")) {
                            if matches!(nm, "script" | "template") {
                                continue;
                            }
                            return V::Fail;
                        }
                    }
                }
                _ => {}
            }
        }
        V::Pass
    })
}

/// Rows and cells of a table, skipping nested tables.
fn table_cells<'a>(table: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<ElementRef<'a>> = table.children().filter_map(ElementRef::wrap).collect();
    stack.reverse();
    while let Some(n) = stack.pop() {
        match n.value().name() {
            "td" | "th" => out.push(n),
            "table" => {}
            "tr" | "thead" | "tbody" | "tfoot" => {
                let mut kids: Vec<ElementRef<'a>> = n.children().filter_map(ElementRef::wrap).collect();
                kids.reverse();
                stack.extend(kids);
            }
            _ => {}
        }
    }
    out
}

pub fn td_headers_attr(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["table"]),
        false,
        |c, e| name_is(e, "table") && matches!(c.role(e), Some("table" | "grid" | "treegrid")),
        |c, e| {
            // No `headers` attribute anywhere in the table: nothing to check.
            if !c.attr_within(e, "headers") {
                return V::Pass;
            }
            let cells = table_cells(e);
            let roles: HashMap<&str, Option<&str>> =
                cells.iter().filter_map(|cell| cell.value().id().map(|id| (id, c.role(*cell)))).collect();
            let mut bad = false;
            let mut review = false;
            for cell in &cells {
                let Some(h) = attr(*cell, "headers") else { continue };
                if c.hidden_from_at(*cell) {
                    continue;
                }
                if h.trim().is_empty() {
                    review = true;
                    continue;
                }
                for id in h.split_ascii_whitespace() {
                    if cell.value().id() == Some(id) {
                        bad = true;
                    } else {
                        match roles.get(id) {
                            None | Some(None) => bad = true,
                            Some(Some(r)) => bad |= !matches!(*r, "columnheader" | "rowheader"),
                        }
                    }
                }
            }
            if bad {
                V::Fail
            } else if review {
                V::Review
            } else {
                V::Pass
            }
        },
    )
}

pub fn scope_attr_valid(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["scope"]), false, |_, e| matches!(e.value().name(), "td" | "th") && attr(e, "scope").is_some(), |_, e| {
        let v = attr(e, "scope").unwrap_or("").trim().to_ascii_lowercase();
        pass_if(name_is(e, "th") && matches!(v.as_str(), "row" | "col" | "rowgroup" | "colgroup"))
    })
}

pub fn table_duplicate_name(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["table"]), false, |_, e| name_is(e, "table"), |_, e| {
        let summary = sanitize(attr(e, "summary").unwrap_or("")).to_lowercase();
        let caption = e
            .children()
            .filter_map(ElementRef::wrap)
            .find(|c| name_is(*c, "caption"))
            .map(|c| sanitize(&c.text().collect::<String>()).to_lowercase())
            .unwrap_or_default();
        pass_if(summary.is_empty() || summary != caption)
    })
}

pub fn tabindex_rule(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["tabindex"]), false, |_, e| attr(e, "tabindex").is_some(), |_, e| pass_if(tabindex(e).is_none_or(|t| t <= 0)))
}

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

pub fn server_side_image_map(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["img"]), false, |_, e| name_is(e, "img") && attr(e, "ismap").is_some(), |_, _| V::Review)
}

pub fn video_caption(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["video"]), false, |_, e| name_is(e, "video"), |_, e| {
        let has = e.children().filter_map(ElementRef::wrap).any(|t| {
            name_is(t, "track") && attr(t, "kind").is_some_and(|k| k.trim().eq_ignore_ascii_case("captions"))
        });
        if has {
            V::Pass
        } else {
            V::Review
        }
    })
}

pub fn marquee(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["marquee"]), true, |_, e| name_is(e, "marquee"), |c, e| pass_if(c.hidden_for_everyone(e)))
}
pub fn blink(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["blink"]), true, |_, e| name_is(e, "blink"), |c, e| pass_if(c.hidden_for_everyone(e)))
}

const ID_REF_ATTRS: &[&str] = &[
    "aria-activedescendant", "aria-controls", "aria-describedby", "aria-details", "aria-errormessage", "aria-flowto",
    "aria-labelledby", "aria-owns",
];

pub fn duplicate_id_aria(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut referenced: HashSet<&str> = HashSet::new();
    const REFERRERS: Candidates = Candidates::Union(&[Candidates::WithAttr(ID_REF_ATTRS), Candidates::Named(&["label"])]);
    // Pages that repeat one reference many times hash it once per run.
    let mut last: Option<&str> = None;
    for e in ctx.candidates(REFERRERS) {
        for a in ID_REF_ATTRS {
            if let Some(v) = attr(e, a) {
                for t in v.split_ascii_whitespace() {
                    if last != Some(t) {
                        referenced.insert(t);
                        last = Some(t);
                    }
                }
            }
        }
        if name_is(e, "label") {
            if let Some(f) = attr(e, "for") {
                referenced.insert(f.trim());
            }
        }
    }
    let mut applicable = false;
    let mut reviews = Vec::new();
    let mut previous: Option<&str> = None;
    for e in ctx.candidates(Candidates::WithAttr(&["id"])) {
        let Some(id) = e.value().id() else { continue };
        // The same id as the element before: the same verdict, and never
        // the first element with it, so nothing more to learn.
        if previous == Some(id) {
            continue;
        }
        previous = Some(id);
        if id.trim().is_empty() || !referenced.contains(id) {
            continue;
        }
        applicable = true;
        // Report each duplicated id once, on its first element.
        if ctx.id_count(id) > 1 && ctx.by_id(id).map(|f| f.id()) == Some(e.id()) {
            reviews.push(e);
        }
    }
    finish(page, applicable, &[], &reviews)
}

pub fn form_field_multiple_labels(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["input", "select", "textarea"]),
        false,
        |_, e| matches!(e.value().name(), "input" | "select" | "textarea") && (name_is(e, "select") || name_is(e, "textarea") || label_matches(e)),
        |c, e| {
            let mut n = c.explicit_labels(e).len();
            if let Some(l) = c.implicit_label(e) {
                if !c.explicit_labels(e).iter().any(|x| x.id() == l.id()) {
                    n += 1;
                }
            }
            if n > 1 {
                V::Review
            } else {
                V::Pass
            }
        },
    )
}

pub fn label_title_only(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["input", "select", "textarea"]),
        false,
        |_, e| name_is(e, "select") || name_is(e, "textarea") || (name_is(e, "input") && label_matches(e)),
        |c, e| {
            let other = has_label(c, e) || has_aria_label(e) || has_labelledby(c, e);
            let title_only = !other && (has_title(e) || nonempty(attr(e, "aria-describedby")));
            pass_if(!title_only)
        },
    )
}

pub fn skip_link(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["a"]),
        false,
        |_, e| {
            name_is(e, "a")
                && attr(e, "href").is_some_and(|h| (h.starts_with('#') && h.len() > 1 && !h.starts_with("#!")) || (h.starts_with("/#") && h.len() > 2))
        },
        |c, e| {
            let h = attr(e, "href").unwrap_or("");
            let id = h.trim_start_matches('/').trim_start_matches('#');
            pass_if(c.by_id(id).is_some() || c.has_anchor_name(id))
        },
    )
}

// ---------------------------------------------------------------- ARIA

fn aria_attr_names(e: ElementRef<'_>) -> impl Iterator<Item = (&str, &str)> {
    e.value().attrs().filter(|(n, _)| n.starts_with("aria-"))
}

fn has_aria_attr(_: &Ctx, e: ElementRef) -> bool {
    aria_attr_names(e).next().is_some()
}

pub fn aria_valid_attr(page: &Analysis) -> Outcome {
    run_in(page, Candidates::AriaAttr, false, has_aria_attr, |_, e| pass_if(aria_attr_names(e).all(|(n, _)| aria::attr_info(n).is_some())))
}

fn role_tokens(e: ElementRef) -> Vec<String> {
    attr(e, "role").map(|r| r.split_ascii_whitespace().map(|t| t.to_ascii_lowercase()).collect()).unwrap_or_default()
}

pub fn aria_roles(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| nonempty(attr(e, "role")), |_, e| {
        let toks = role_tokens(e);
        let all_invalid = toks.iter().all(|t| role_info(t).is_none());
        let abstract_ = toks.iter().any(|t| role_info(t).is_some_and(|i| i.kind == Kind::Abstract));
        pass_if(!all_invalid && !abstract_)
    })
}

pub fn aria_deprecated_role(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| nonempty(attr(e, "role")), |_, e| {
        pass_if(!explicit_role(e).and_then(role_info).is_some_and(|i| i.deprecated))
    })
}

/// Attributes the element's native semantics already provide.
fn implicit_attr(e: ElementRef, a: &str) -> bool {
    let n = e.value().name();
    match a {
        "aria-checked" => n == "input" && matches!(input_type(e).as_str(), "checkbox" | "radio"),
        "aria-valuenow" => n == "input" && !matches!(input_type(e).as_str(), "checkbox" | "radio" | "hidden"),
        "aria-level" => matches!(n, "h1" | "h2" | "h3" | "h4" | "h5" | "h6"),
        "aria-expanded" | "aria-controls" => false,
        _ => false,
    }
}

pub fn aria_required_attr(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| attr(e, "role").is_some(), |c, e| {
        let Some(role) = explicit_role(e) else { return V::Pass };
        let Some(info) = role_info(role) else { return V::Pass };
        if info.required_attrs.is_empty() {
            return V::Pass;
        }
        if role == "separator" && !c.is_focusable(e) {
            return V::Pass;
        }
        if role == "combobox" && attr(e, "aria-expanded") == Some("false") {
            return V::Pass;
        }
        if role == "slider" && nonempty(attr(e, "aria-valuetext")) {
            return V::Pass;
        }
        let missing = info.required_attrs.iter().any(|a| attr(e, a).is_none_or(str::is_empty) && !implicit_attr(e, a));
        pass_if(!missing)
    })
}

fn valid_attr_value(ctx: &Ctx, _e: ElementRef, name: &str, value: &str) -> Option<bool> {
    let info = aria::attr_info(name)?;
    let v = value.trim();
    if v.is_empty() {
        return Some(info.allow_empty || info.ty == aria::AttrType::Str);
    }
    let lower = v.to_ascii_lowercase();
    use aria::AttrType::*;
    Some(match info.ty {
        Bool => lower == "true" || lower == "false",
        Token => info.values.contains(&lower.as_str()),
        Tokens => lower.split_ascii_whitespace().all(|t| info.values.contains(&t)),
        IdRef => ctx.by_id(v).is_some(),
        IdRefs => v.split_ascii_whitespace().any(|id| ctx.by_id(id).is_some()),
        Str => true,
        Int => {
            let s = v.strip_prefix('+').unwrap_or(v);
            let ok = s.strip_prefix('-').unwrap_or(s).chars().all(|c| c.is_ascii_digit()) && !s.is_empty() && s != "-";
            ok && s.parse::<i64>().is_ok_and(|n| n >= info.min)
        }
        Decimal => {
            let s = v.strip_prefix(['+', '-']).unwrap_or(v);
            let (a, b) = s.split_once('.').unwrap_or((s, ""));
            !s.is_empty() && s != "." && a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit())
        }
    })
}

pub fn aria_valid_attr_value(page: &Analysis) -> Outcome {
    run_in(page, Candidates::AriaAttr, false, has_aria_attr, |c, e| {
        let mut review = false;
        for (n, v) in aria_attr_names(e) {
            // aria-current accepts any value as "true"; other tokens are checked.
            if n == "aria-current" {
                continue;
            }
            match valid_attr_value(c, e, n, v) {
                // An empty value reads as "not set" to browsers: worth a look, not wrong.
                Some(false) if v.trim().is_empty() => review = true,
                // Names and descriptions pointing nowhere may be inserted later
                // (or live in another tree): review.
                Some(false) if matches!(n, "aria-describedby" | "aria-labelledby") => review = true,
                Some(false) => {
                    // An idref pointing nowhere may be filled in by script later.
                    if matches!(n, "aria-controls" | "aria-owns" | "aria-describedby" | "aria-labelledby" | "aria-activedescendant" | "aria-details" | "aria-flowto") {
                        if n == "aria-controls" && attr(e, "aria-expanded") == Some("false") || n == "aria-controls" && attr(e, "aria-haspopup").is_some() {
                            continue;
                        }
                        return V::Fail;
                    }
                    if n == "aria-errormessage" {
                        continue;
                    }
                    return V::Fail;
                }
                _ => {}
            }
        }
        // aria-errormessage must point at a live/alert/describedby element.
        if let Some(em) = attr(e, "aria-errormessage") {
            let invalid = attr(e, "aria-invalid").is_some_and(|v| v != "false");
            if invalid && !em.trim().is_empty() {
                let toks: Vec<&str> = em.split_ascii_whitespace().collect();
                if toks.len() > 1 {
                    return V::Fail;
                }
                match c.by_id(em.trim()) {
                    Some(t) => {
                        if c.hidden_from_at(t) {
                            return V::Fail;
                        }
                        let described = attr(e, "aria-describedby").is_some_and(|d| d.split_ascii_whitespace().any(|x| x == em.trim()));
                        let live = explicit_role(t) == Some("alert") || matches!(attr(t, "aria-live"), Some("assertive" | "polite"));
                        if !(described || live) {
                            return V::Fail;
                        }
                    }
                    None => review = true,
                }
            }
        }
        if let Some(l) = attr(e, "aria-level") {
            if l.trim().parse::<i64>().is_ok_and(|n| n > 6) && is_heading(c, e) {
                review = true;
            }
        }
        if review {
            V::Review
        } else {
            V::Pass
        }
    })
}

fn allowed_attrs(role: Option<&str>) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = aria::ATTRS.iter().filter(|a| a.global).map(|a| a.name).collect();
    if let Some(info) = role.and_then(role_info) {
        v.extend(info.allowed_attrs.iter().copied());
        v.extend(info.required_attrs.iter().copied());
    }
    v
}

pub fn aria_allowed_attr(page: &Analysis) -> Outcome {
    run_in(page, Candidates::AriaAttr, false, has_aria_attr, |c, e| {
        // ARIA in HTML: these elements take no ARIA attribute but aria-hidden.
        if explicit_role(e).is_none()
            && matches!(e.value().name(), "br" | "wbr" | "picture" | "col" | "colgroup")
            && aria_attr_names(e).any(|(n, _)| n != "aria-hidden" && aria::attr_info(n).is_some())
        {
            return V::Fail;
        }
        let role = c.role(e);
        let allowed = allowed_attrs(role);
        let invalid = aria_attr_names(e).any(|(n, v)| {
            aria::attr_info(n).is_some()
                && !allowed.contains(&n)
                && !(n == "aria-required" && v == "false")
                && !(n == "aria-multiline" && v == "false" && attr(e, "contenteditable").is_some())
        });
        if !invalid {
            return V::Pass;
        }
        // Unknown semantics (foreign or custom elements): a script may give them a role.
        if role.is_none() && (!is_html(e) || e.value().name().contains('-')) && !c.is_focusable(e) {
            return V::Review;
        }
        V::Fail
    })
}

fn closest_widget_ancestor(c: &Ctx, e: ElementRef) -> bool {
    for a in ancestors(e) {
        if let Some(r) = c.role(a).filter(|r| !matches!(*r, "none" | "presentation")) {
            return role_info(r).is_some_and(|i| matches!(i.kind, Kind::Widget));
        }
    }
    false
}

pub fn aria_prohibited_attr(page: &Analysis) -> Outcome {
    run_in(page, Candidates::AriaAttr, false, has_aria_attr, |c, e| {
        let role = c.role(e);
        let list: &[&str] = match role.and_then(role_info) {
            Some(i) => i.prohibited_attrs,
            None => {
                if role.is_some() || matches!(e.value().name(), "input" | "applet") || closest_widget_ancestor(c, e) {
                    &[]
                } else {
                    &["aria-label", "aria-labelledby"]
                }
            }
        };
        let hit = list.iter().any(|a| attr(e, a).is_some_and(|v| !sanitize(v).is_empty()));
        if !hit {
            return V::Pass;
        }
        if has_visible_text(c, e) {
            return V::Review;
        }
        V::Fail
    })
}

pub fn aria_braille_equivalent(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["aria-braillelabel", "aria-brailleroledescription"]),
        false,
        |_, e| attr(e, "aria-braillelabel").is_some() || attr(e, "aria-brailleroledescription").is_some(),
        |c, e| {
            let label_ok = !nonempty(attr(e, "aria-braillelabel")) || !accessible_name(c, e).is_empty();
            let desc_ok = !nonempty(attr(e, "aria-brailleroledescription")) || nonempty(attr(e, "aria-roledescription"));
            if label_ok && desc_ok {
                V::Pass
            } else {
                V::Review
            }
        },
    )
}


pub fn aria_text(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| role_attr_is(e, &["text"]), |c, e| {
        pass_if(!e.descendants().skip(1).filter_map(ElementRef::wrap).any(|d| {
            c.is_tabbable(d)
                || (c.is_focusable(d)
                    && c.role(d).and_then(role_info).is_some_and(|i| matches!(i.kind, Kind::Widget | Kind::Composite)))
        }))
    })
}

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

pub fn presentation_role_conflict(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Union(&[Candidates::Named(&["img"]), Candidates::WithAttr(&["role"])]),
        false,
        |c, e| {
            let marked = (name_is(e, "img") && attr(e, "alt") == Some("")) || role_attr_is(e, &["none", "presentation"]);
            marked && chromium_implicit_role(c, e)
        },
        |c, e| pass_if(!c.presentation_conflict(e)),
    )
}

/// Elements Chromium maps to a role of their own (most elements except
/// generic containers).
fn chromium_implicit_role(c: &Ctx, e: ElementRef) -> bool {
    aria::implicit_role(c, e).is_some()
        || !matches!(e.value().name(), "div" | "span" | "b" | "i" | "u" | "s" | "small" | "bdi" | "bdo" | "font")
}

pub fn aria_hidden_focus(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["aria-hidden"]),
        true,
        |_, e| attr(e, "aria-hidden").is_some_and(|v| v.trim() == "true") && !name_is(e, "body") && !ancestors(e).any(|a| attr(a, "aria-hidden").is_some_and(|v| v.trim() == "true")),
        |c, e| {
            if c.hidden_for_everyone(e) {
                return V::Pass;
            }
            let bad = std::iter::once(e)
                .chain(e.descendants().skip(1).filter_map(ElementRef::wrap))
                .any(|d| c.is_tabbable(d));
            pass_if(!bad)
        },
    )
}

pub fn aria_required_parent(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| explicit_role(e).and_then(role_info).is_some_and(|i| !i.required_context.is_empty()), |c, e| {
        let role = explicit_role(e).unwrap_or("");
        let ctxs = role_info(role).map(|i| i.required_context).unwrap_or(&[]);
        if context_ok(c, e, ctxs, false, role) {
            return V::Pass;
        }
        // aria-owns on an ancestor-or-self provides the context instead.
        let owners = std::iter::once(e).chain(ancestors(e)).filter_map(|x| x.value().id()).filter_map(|id| c.owner_of(id));
        for o in owners {
            if context_ok(c, o, ctxs, true, role) {
                return V::Pass;
            }
        }
        V::Fail
    })
}

fn context_ok(c: &Ctx, e: ElementRef, ctxs: &[&str], include_self: bool, own: &str) -> bool {
    let allows_group = ctxs.contains(&"group");
    let mut group_seen = false;
    let start: Box<dyn Iterator<Item = ElementRef>> =
        if include_self { Box::new(std::iter::once(e).chain(ancestors(e))) } else { Box::new(ancestors(e)) };
    for a in start {
        let role = match c.role(a) {
            Some("none" | "presentation") => continue,
            // A generic wrapper is transparent unless global ARIA exposes it.
            None if aria::has_global_aria(a) => return false,
            None => continue,
            Some(r) => r,
        };
        if role == "group" && allows_group {
            group_seen = true;
            continue;
        }
        // Inside a group, tree and list items may also nest in an item of their own role.
        if group_seen && role == own && matches!(own, "listitem" | "treeitem") {
            return true;
        }
        return ctxs.iter().any(|x| *x == role && !(group_seen && *x == "group"));
    }
    false
}

pub fn aria_required_children(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| explicit_role(e).and_then(role_info).is_some_and(|i| !i.required_owned.is_empty()), |c, e| {
        let role = explicit_role(e).unwrap_or("");
        let owned = role_info(role).map(|i| i.required_owned).unwrap_or(&[]);
        // Owned elements: children through generic containers, plus aria-owns.
        let mut kids: Vec<ElementRef> = Vec::new();
        collect_owned(c, e, &mut kids, 0);
        for o in c.idrefs(e, "aria-owns") {
            kids.push(o);
        }
        let (has_any, bad) = judge_owned(c, role, owned, &kids, 0);
        if bad {
            return V::Fail;
        }
        if has_any {
            return V::Pass;
        }
        if attr(e, "aria-busy") == Some("true") {
            return V::Pass;
        }
        if role == "combobox" {
            return V::Pass;
        }
        // Containers that scripts commonly fill later need review when empty;
        // a row without cells or a suggestion without changes is just wrong.
        const REVIEW_WHEN_EMPTY: &[&str] = &[
            "grid", "list", "listbox", "menu", "menubar", "table", "tablist", "tree", "treegrid", "rowgroup",
            "doc-bibliography", "doc-endnotes",
        ];
        if REVIEW_WHEN_EMPTY.contains(&role) {
            V::Review
        } else {
            V::Fail
        }
    })
}

/// (some required owned element present, some disallowed element present).
/// An owned `group` must itself own only the container's item roles (ARIA's
/// "group → menuitem" style entries), so groups are checked recursively.
fn judge_owned(c: &Ctx, role: &str, owned: &[&str], kids: &[ElementRef], depth: usize) -> (bool, bool) {
    let (mut has_any, mut bad) = (false, false);
    for k in kids {
        if c.hidden_from_at(*k) {
            continue;
        }
        let r = c.role(*k);
        match r {
            Some("group") if owned.contains(&"group") && depth < 8 && role != "list" => {
                let mut inner = Vec::new();
                collect_owned(c, *k, &mut inner, 0);
                has_any = true;
                bad |= judge_owned(c, role, owned, &inner, depth + 1).1;
            }
            Some(r) if owned.contains(&r) => has_any = true,
            Some("group") if role == "list" => bad = true,
            Some("none" | "presentation") => {}
            // Only elements with a role (or focusable / globally ARIA'd) count against the parent.
            _ => bad |= r.is_some() || c.is_focusable(*k) || aria::has_global_aria(*k),
        }
    }
    (has_any, bad)
}

fn collect_owned<'a>(c: &Ctx, e: ElementRef<'a>, out: &mut Vec<ElementRef<'a>>, depth: usize) {
    if depth > 32 {
        return;
    }
    for k in e.children().filter_map(ElementRef::wrap) {
        if matches!(k.value().name(), "script" | "template" | "style") {
            continue;
        }
        match c.role(k) {
            // Generic wrappers are transparent unless focusable or carrying
            // global ARIA (then they are exposed, as a generic child).
            None | Some("none" | "presentation") if !c.is_focusable(k) && !aria::has_global_aria(k) => {
                collect_owned(c, k, out, depth + 1)
            }
            _ => out.push(k),
        }
    }
}

// ---------------------------------------------------------------- roles allowed by ARIA in HTML

pub fn aria_allowed_role(page: &Analysis) -> Outcome {
    // Hidden elements included, as in axe: the wrong role matters once shown.
    run_in(page, Candidates::WithAttr(&["role"]), true, |_, e| nonempty(attr(e, "role")) && !html_aria::in_foreign_content(e), |c, e| {
        match html_aria::disallowed(c, e) {
            None => V::Pass,
            Some(true) => V::Fail,
            Some(false) => V::Review,
        }
    })
}

/// ARIA 1.2 attributes that are only supported in some contexts of a role:
/// rows take aria-expanded/-level/-posinset/-setsize only inside a treegrid,
/// and a native checkbox's aria-checked must agree with its checked state
/// (which cannot be "mixed" without script).
pub fn aria_conditional_attr(page: &Analysis) -> Outcome {
    const TREEGRID_ROW_ATTRS: &[&str] = &["aria-expanded", "aria-level", "aria-posinset", "aria-setsize"];
    let native_checkbox = |e: ElementRef| {
        name_is(e, "input") && input_type(e) == "checkbox" && explicit_role(e).is_none_or(|r| r == "checkbox")
    };
    run_in(
        page,
        Candidates::Union(&[Candidates::Named(&["input"]), Candidates::WithAttr(TREEGRID_ROW_ATTRS)]),
        false,
        |c, e| {
            (native_checkbox(e) && attr(e, "aria-checked").is_some())
                || (TREEGRID_ROW_ATTRS.iter().any(|a| attr(e, a).is_some()) && c.role(e) == Some("row"))
        },
        |c, e| {
            if native_checkbox(e) {
                let v = attr(e, "aria-checked").unwrap_or("").trim().to_ascii_lowercase();
                let checked = attr(e, "checked").is_some();
                return pass_if(match v.as_str() {
                    "mixed" => false,
                    "true" => checked,
                    "false" => !checked,
                    _ => true,
                });
            }
            let container = ancestors(e).find_map(|a| c.role(a).filter(|r| matches!(*r, "table" | "grid" | "treegrid")));
            pass_if(!matches!(container, Some("table" | "grid")))
        },
    )
}

// ---------------------------------------------------------------- autocomplete

pub fn autocomplete_valid(page: &Analysis) -> Outcome {
    use super::autocomplete::{check, Verdict};
    run_in(
        page,
        Candidates::WithAttr(&["autocomplete"]),
        false,
        |_, e| {
            let applies_to = match e.value().name() {
                "select" | "textarea" => true,
                // The attribute does not apply to buttons, checkable and file inputs.
                "input" => !matches!(
                    input_type(e).as_str(),
                    "hidden" | "button" | "submit" | "reset" | "image" | "checkbox" | "radio" | "file"
                ),
                _ => false,
            };
            let disabled = is_disabled(e)
                || ancestors(e).chain(Some(e)).any(|a| attr(a, "aria-disabled").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")));
            let readonly = attr(e, "readonly").is_some() || attr(e, "aria-readonly").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            // A non-widget role taken out of the tab order is not a form field users reach.
            let inert_role = explicit_role(e).and_then(role_info).is_some_and(|i| !matches!(i.kind, Kind::Widget | Kind::Composite))
                && tabindex(e).is_some_and(|t| t < 0);
            applies_to && is_html(e) && nonempty(attr(e, "autocomplete")) && !disabled && !readonly && !inert_role
        },
        |_, e| match check(attr(e, "autocomplete").unwrap_or("")) {
            Verdict::Valid => V::Pass,
            Verdict::Invalid => V::Fail,
            Verdict::Unknown => V::Review,
        },
    )
}

// ---------------------------------------------------------------- text spacing

pub fn avoid_inline_spacing(page: &Analysis) -> Outcome {
    use super::spacing;
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let applicable = ctx.candidates(Candidates::WithAttr(&["style"])).into_iter().any(|e| {
        attr(e, "style").is_some_and(|s| ["letter-spacing", "word-spacing", "line-height"].iter().any(|p| spacing::declared(s, p).is_some()))
    });
    // Without any spacing declaration there is nothing to walk the tree for.
    let fails: Vec<ElementRef> = if applicable {
        spacing::violations(ctx.doc.root_element()).into_iter().map(|(e, _)| e).collect()
    } else {
        Vec::new()
    };
    finish(page, applicable, &fails, &[])
}

// ---------------------------------------------------------------- label in name

pub fn label_content_name_mismatch(page: &Analysis) -> Outcome {
    use super::label_in_name::{compare, visible_text, Verdict};
    run_in(
        page,
        Candidates::WithAttr(&["aria-label", "aria-labelledby"]),
        false,
        |c, e| {
            let widget_from_content = c.role(e).and_then(role_info).is_some_and(|i| i.kind == Kind::Widget && i.name_from_content);
            widget_from_content && (has_aria_label(e) || nonempty(attr(e, "aria-labelledby")))
        },
        |c, e| {
            // A control with no visible text passes whatever its name: skip
            // computing the name (a page can give a thousand of them one).
            let visible = visible_text(e);
            let name = if visible.trim().is_empty() { String::new() } else { accessible_name(c, e) };
            match compare(&visible, &name) {
            Verdict::Pass => V::Pass,
            Verdict::Fail => V::Fail,
            Verdict::Review => V::Review,
            }
        },
    )
}
