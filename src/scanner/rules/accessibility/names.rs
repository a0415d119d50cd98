//! Accessible-name computation: the static subset of W3C accname 1.2 that axe
//! implements (aria-labelledby, aria-label, native label/alt/caption/legend/
//! value/title, name from content), without CSS generated content.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use super::aria;
use super::ctx::Ctx;
use ego_tree::NodeId;
use scraper::{ElementRef, Node};

const MAX_DEPTH: usize = 48;

/// Text gathered for one name stops growing past this many bytes: a name is
/// read to a person, and no real one comes near it, while a hostile page
/// can reference a megabyte of text from every element.
pub const MAX_NAME_BYTES: usize = 1024;

#[derive(Clone, Copy)]
struct State {
    start: NodeId,
    in_labelledby: bool,
    in_subtree: bool,
    include_hidden: bool,
    depth: usize,
}

/// Collapses whitespace runs and trims.
pub fn sanitize(s: &str) -> String {
    // Already collapsed (the memoised names are): one copy, no re-split.
    let b = s.as_bytes();
    let collapsed = s.is_ascii()
        && b.first().is_none_or(|c| !c.is_ascii_whitespace())
        && b.last().is_none_or(|c| !c.is_ascii_whitespace())
        && !b.windows(2).any(|w| w[0] == b' ' && w[1] == b' ')
        && !b.iter().any(|c| c.is_ascii_whitespace() && *c != b' ');
    if collapsed {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len().min(MAX_NAME_BYTES + 64));
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The element's accessible name (sanitized).
pub fn accessible_name(ctx: &Ctx, el: ElementRef) -> String {
    let st = State { start: el.id(), in_labelledby: false, in_subtree: false, include_hidden: false, depth: 0 };
    sanitize(&text(ctx, el, st))
}

/// Text of the elements named by aria-labelledby (hidden targets included).
pub fn labelledby_text(ctx: &Ctx, el: ElementRef) -> String {
    let st = State { start: el.id(), in_labelledby: false, in_subtree: false, include_hidden: false, depth: 0 };
    sanitize(&labelledby(ctx, el, st))
}

/// Content text: what the element's descendants contribute (axe's
/// "has visible text").
pub fn subtree_text(ctx: &Ctx, el: ElementRef) -> String {
    let st = State { start: el.id(), in_labelledby: false, in_subtree: true, include_hidden: false, depth: 0 };
    sanitize(&children_text(ctx, el, st))
}

/// `!subtree_text(ctx, el).is_empty()` without the sanitizing copies.
pub fn has_subtree_text(ctx: &Ctx, el: ElementRef) -> bool {
    // Text children always contribute: one with a non-space settles it.
    if el.children().any(|c| c.value().as_text().is_some_and(|t| t.split_whitespace().next().is_some())) {
        return true;
    }
    let st = State { start: el.id(), in_labelledby: false, in_subtree: true, include_hidden: false, depth: 0 };
    has_children_text(ctx, el, st)
}

/// `children_text(..)` has a non-space character: the same walk, stopping at
/// the first child that gives one (and at the same length cap, so the answer
/// is the same).
fn has_children_text(ctx: &Ctx, el: ElementRef, st: State) -> bool {
    if st.depth > MAX_DEPTH {
        return false;
    }
    let has = |t: &str| t.split_whitespace().next().is_some();
    let mut len = 0usize;
    for child in el.children() {
        if len > MAX_NAME_BYTES {
            break;
        }
        match child.value() {
            Node::Text(t) => {
                if has(t) {
                    return true;
                }
                len += t.len();
            }
            Node::Element(_) => {
                let Some(c) = ElementRef::wrap(child) else { continue };
                let name = c.value().name();
                if c.id() == st.start || matches!(name, "script" | "style" | "template" | "title" | "noscript") {
                    continue;
                }
                let t = text(ctx, c, State { in_subtree: true, depth: st.depth + 1, ..st });
                if has(&t) {
                    return true;
                }
                len += t.len() + if is_inline(name) { 0 } else { 2 };
            }
            _ => {}
        }
    }
    false
}

/// `!label_text(ctx, el).is_empty()` without the sanitizing copies.
pub fn has_label_text(ctx: &Ctx, el: ElementRef) -> bool {
    let st = State { start: el.id(), in_labelledby: false, in_subtree: false, include_hidden: false, depth: 0 };
    native_label(ctx, el, st).split_whitespace().next().is_some()
}

/// Name given by a label element (explicit or wrapping) for a form control.
pub fn label_text(ctx: &Ctx, el: ElementRef) -> String {
    let st = State { start: el.id(), in_labelledby: false, in_subtree: false, include_hidden: false, depth: 0 };
    sanitize(&native_label(ctx, el, st))
}

/// `!labelledby_text(ctx, el).is_empty()` without building the name: the
/// first referenced element with text settles it.
pub fn has_labelledby_text(ctx: &Ctx, el: ElementRef) -> bool {
    let st = State { start: el.id(), in_labelledby: false, in_subtree: false, include_hidden: false, depth: 0 };
    let Some(list) = el.value().attr_of("aria-labelledby") else { return false };
    list.split_ascii_whitespace()
        .filter_map(|id| ctx.by_id(id))
        .any(|r| labelledby_target(ctx, r, st).split_whitespace().next().is_some())
}

/// The text one aria-labelledby target contributes to the name of `st.start`.
fn labelledby_target(ctx: &Ctx, r: ElementRef, st: State) -> std::rc::Rc<str> {
    let include_hidden = st.include_hidden || ctx.hidden_from_at(r);
    let inner = State { in_labelledby: true, in_subtree: false, include_hidden, depth: st.depth + 1, ..st };
    // A target's text depends on the element being named only when that
    // element is inside it, and on the depth it is reached at (the depth cap):
    // memoise by target and depth otherwise, so a thousand references to one
    // large element cost one walk of it. Direct references (depth 0) are kept
    // collapsed, as every caller collapses the name anyway; deeper ones are
    // kept as they are, since inline neighbours join them without spaces.
    let start_inside = ctx.doc.tree.get(st.start).and_then(ElementRef::wrap).is_some_and(|s| ctx.within(r, s));
    if start_inside {
        return text(ctx, r, inner).into();
    }
    let key = (r.id(), include_hidden, st.depth);
    if let Some(t) = ctx.labelledby_memo.borrow().get(&key) {
        return t.clone();
    }
    let raw = text(ctx, r, inner);
    let t: std::rc::Rc<str> = if st.depth == 0 { sanitize(&raw).into() } else { raw.into() };
    ctx.labelledby_memo.borrow_mut().insert(key, t.clone());
    t
}

fn labelledby(ctx: &Ctx, el: ElementRef, st: State) -> String {
    let Some(list) = el.value().attr_of("aria-labelledby") else { return String::new() };
    let mut out = String::new();
    let mut first = true;
    for r in list.split_ascii_whitespace().filter_map(|id| ctx.by_id(id)) {
        if out.len() > MAX_NAME_BYTES {
            break;
        }
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(&labelledby_target(ctx, r, st));
    }
    out
}

fn nonempty(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Elements whose name can come from outside their own subtree (a `label`
/// found by `for` or as an ancestor): a subtree without them, and without
/// `aria-labelledby`, gives the same text whichever element is being named.
const LABELLABLE: &[&str] = &["input", "select", "textarea", "button", "meter", "progress", "output"];

/// Bytes of text the per-node memo may hold per rule; past it, text is
/// computed again instead of stored (the walks stay bounded by the caps).
const MEMO_BYTES: usize = 4 << 20;

/// The text `el` contributes, memoised per node: a name computed from
/// outside a subtree reuses what an earlier name found for it, so nested
/// structures (a link in a list item in a landmark…) are walked once per
/// rule, not once per enclosing element that asks.
fn text(ctx: &Ctx, el: ElementRef, st: State) -> String {
    let Some(key) = memo_key(ctx, el, st) else { return text_uncached(ctx, el, st) };
    if let Some(t) = ctx.text_memo.borrow().0.get(&key) {
        return t.to_string();
    }
    let t = text_uncached(ctx, el, st);
    let mut memo = ctx.text_memo.borrow_mut();
    if memo.1 + t.len() <= MEMO_BYTES {
        memo.1 += t.len();
        memo.0.insert(key, t.as_str().into());
    }
    t
}

/// The memo key of `text(el)` when its value cannot depend on the element
/// being named or on the depth cap: `el` has element children (leaves are
/// cheaper to recompute than to look up), the named element is not inside
/// it, nothing in it takes text from elsewhere, and its subtree ends before
/// the cap (each element level is two steps of depth: `text`, `children_text`).
fn memo_key(ctx: &Ctx, el: ElementRef, st: State) -> Option<(NodeId, u8)> {
    let ix = ctx.index();
    let p = ix.position(el.id())?;
    let height = ix.subtree_height(p)? as usize;
    if height == 0 || st.depth + 2 * height + 2 > MAX_DEPTH {
        return None;
    }
    if ix.position(st.start).is_none_or(|s| ix.within(p, s)) {
        return None;
    }
    if ix.attr_within("aria-labelledby", p) || LABELLABLE.iter().any(|n| ix.named_within(n, p)) {
        return None;
    }
    Some((el.id(), u8::from(st.in_subtree) | u8::from(st.in_labelledby) << 1 | u8::from(st.include_hidden) << 2))
}

fn text_uncached(ctx: &Ctx, el: ElementRef, st: State) -> String {
    if st.depth > MAX_DEPTH {
        return String::new();
    }
    if !st.include_hidden && ctx.hidden_from_at(el) {
        return String::new();
    }
    let e = el.value();
    if !st.in_labelledby && e.attr_of("aria-labelledby").is_some() {
        let t = labelledby(ctx, el, st);
        if !t.trim().is_empty() {
            return t;
        }
    }
    let role = ctx.role(el);
    // An embedded control inside a label / name content contributes its value.
    if (st.in_subtree || st.in_labelledby) && el.id() != st.start {
        if let Some(v) = control_value(ctx, el, role) {
            return v;
        }
    }
    if let Some(l) = nonempty(e.attr_of("aria-label")) {
        return l;
    }
    let presentational = matches!(role, Some("none" | "presentation"));
    if !presentational {
        let native = native_text(ctx, el, st);
        if !native.trim().is_empty() {
            return native;
        }
    }
    let info = role.and_then(aria::role_info);
    // Inside name-from-content traversal, a descendant whose children are
    // presentational and whose role is not named from content (progressbar,
    // meter, img, ...) exposes no content: its children are not in the tree.
    let opaque = st.in_subtree
        && el.id() != st.start
        && info.is_some_and(|r| r.children_presentational && !r.name_from_content)
        && !presentational;
    let from_content = info.is_some_and(|r| r.name_from_content)
        || (st.in_subtree && !opaque)
        || st.in_labelledby && !opaque
        || (role.is_none() && matches!(e.name(), "label" | "legend" | "caption" | "figcaption"));
    if from_content && !matches!(e.name(), "select" | "textarea" | "input") {
        let inner = State { in_subtree: true, depth: st.depth + 1, ..st };
        let t = children_text(ctx, el, inner);
        if !t.trim().is_empty() {
            return t;
        }
    }
    if let Some(t) = nonempty(e.attr_of("title")) {
        return t;
    }
    String::new()
}

fn control_value(ctx: &Ctx, el: ElementRef, role: Option<&str>) -> Option<String> {
    let e = el.value();
    match (e.name(), role) {
        ("input", Some("textbox" | "searchbox" | "combobox" | "spinbutton" | "slider")) => {
            Some(e.attr_of("value").unwrap_or("").to_string())
        }
        ("textarea", _) => Some(el.text().collect()),
        ("select", _) => {
            let opts: Vec<ElementRef> =
                el.descendants().filter_map(ElementRef::wrap).filter(|o| o.value().name() == "option").collect();
            let chosen = opts.iter().find(|o| o.value().attr_of("selected").is_some()).or(opts.first());
            Some(chosen.map(|o| o.text().collect()).unwrap_or_default())
        }
        (_, Some("textbox" | "searchbox")) if e.name() != "input" => Some(el.text().collect()),
        (_, Some("combobox" | "listbox")) => {
            let sel = el.descendants().filter_map(ElementRef::wrap).find(|o| {
                ctx.role(*o) == Some("option") && o.value().attr_of("aria-selected").is_some_and(|v| v.trim() == "true")
            });
            Some(sel.map(|o| o.text().collect()).unwrap_or_default())
        }
        // Only operable range controls embed a value; a progressbar or meter is
        // an indicator whose presentational children give no text either.
        (_, Some("slider" | "spinbutton" | "scrollbar")) => {
            nonempty(e.attr_of("aria-valuetext")).or_else(|| nonempty(e.attr_of("aria-valuenow")))
        }
        _ => None,
    }
}

fn native_label(ctx: &Ctx, el: ElementRef, st: State) -> String {
    let mut parts = Vec::new();
    for l in ctx.explicit_labels(el) {
        let inner = State { in_subtree: true, depth: st.depth + 1, include_hidden: false, ..st };
        if ctx.hidden_from_at(l) {
            continue;
        }
        parts.push(children_text(ctx, l, inner));
    }
    if let Some(l) = ctx.implicit_label(el) {
        let inner = State { in_subtree: true, depth: st.depth + 1, ..st };
        parts.push(children_text(ctx, l, inner));
    }
    parts.join(" ")
}

fn native_text(ctx: &Ctx, el: ElementRef, st: State) -> String {
    let e = el.value();
    match e.name() {
        "img" | "area" => e.attr_of("alt").unwrap_or("").to_string(),
        "input" => {
            let ty = aria::input_type(el);
            match ty {
                "button" | "submit" | "reset" => match e.attr_of("value") {
                    Some(v) => v.to_string(),
                    None => match ty {
                        "submit" => "Submit".into(),
                        "reset" => "Reset".into(),
                        _ => String::new(),
                    },
                },
                "image" => {
                    let mut t = e.attr_of("alt").unwrap_or("").to_string();
                    if t.trim().is_empty() {
                        t = e.attr_of("value").unwrap_or("").to_string();
                    }
                    if t.trim().is_empty() {
                        t = native_label(ctx, el, st);
                    }
                    t
                }
                "hidden" => String::new(),
                _ => {
                    let t = native_label(ctx, el, st);
                    if !t.trim().is_empty() {
                        return t;
                    }
                    e.attr_of("placeholder").unwrap_or("").to_string()
                }
            }
        }
        "textarea" | "select" => {
            let t = native_label(ctx, el, st);
            if !t.trim().is_empty() || e.name() == "select" {
                return t;
            }
            e.attr_of("placeholder").unwrap_or("").to_string()
        }
        "button" | "meter" | "progress" | "output" => {
            let t = native_label(ctx, el, st);
            if !t.trim().is_empty() {
                return t;
            }
            String::new()
        }
        "fieldset" => first_child_text(ctx, el, "legend", st),
        "figure" => first_child_text(ctx, el, "figcaption", st),
        "table" => {
            let t = first_child_text(ctx, el, "caption", st);
            if !t.trim().is_empty() {
                return t;
            }
            e.attr_of("summary").unwrap_or("").to_string()
        }
        "svg" => el
            .children()
            .filter_map(ElementRef::wrap)
            .find(|c| c.value().name() == "title")
            .map(|t| t.text().collect())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn first_child_text(ctx: &Ctx, el: ElementRef, name: &str, st: State) -> String {
    el.children()
        .filter_map(ElementRef::wrap)
        .find(|c| c.value().name() == name)
        .map(|c| children_text(ctx, c, State { in_subtree: true, depth: st.depth + 1, ..st }))
        .unwrap_or_default()
}

/// Elements rendered inline: no spaces are added around their text.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr" | "b" | "bdi" | "bdo" | "cite" | "code" | "data" | "dfn" | "em" | "i" | "kbd" | "mark" | "q"
            | "s" | "samp" | "small" | "span" | "strong" | "sub" | "sup" | "time" | "u" | "var" | "label" | "font"
    )
}

fn children_text(ctx: &Ctx, el: ElementRef, st: State) -> String {
    if st.depth > MAX_DEPTH {
        return String::new();
    }
    let mut out = String::new();
    for child in el.children() {
        if out.len() > MAX_NAME_BYTES {
            break;
        }
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(_) => {
                if let Some(c) = ElementRef::wrap(child) {
                    // A control inside its own label does not name itself.
                    if c.id() == st.start {
                        continue;
                    }
                    let name = c.value().name();
                    if matches!(name, "script" | "style" | "template" | "title" | "noscript") {
                        continue;
                    }
                    let inner = State { in_subtree: true, depth: st.depth + 1, ..st };
                    let t = text(ctx, c, inner);
                    if is_inline(name) {
                        out.push_str(&t);
                    } else {
                        out.push(' ');
                        out.push_str(&t);
                        out.push(' ');
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::page::Page;

    /// Names computed in one context (the memo filled by earlier names)
    /// equal names computed each in a fresh one, and the memo is used.
    #[test]
    fn memoised_names_equal_fresh_ones() {
        let body = "<!doctype html><html lang=en><title>t</title><body>\
            <nav aria-label=n><ul><li><a href=/a><b>One</b> <i>two</i></a><ul><li><a href=/b><span>Three<em>four</em></span></a></li></ul></li></ul></nav>\
            <div role=button><span><b>x</b><i hidden>y</i></span><span>z<img alt=pic></span></div>\
            <label for=f><span><b>Label</b></span></label><input id=f>\
            <div role=link aria-labelledby=q><p id=q><span>ref <b>text</b></span></p></div>\
            <button><span><span>inner <input value=v aria-label=ctl></span></span></button>\
            </body></html>";
        let page = Page::html_at("https://example.com/", &[], body);
        let a = crate::scanner::rules::analysis(&page);
        let ctx = Ctx::new(&a).expect("html");
        let els: Vec<ElementRef> = ctx.elements().collect();
        let shared: Vec<(String, String)> = els.iter().map(|e| (accessible_name(&ctx, *e), subtree_text(&ctx, *e))).collect();
        assert!(!ctx.text_memo.borrow().0.is_empty(), "the memo was never used");
        for (e, got) in els.iter().zip(shared) {
            let fresh = Ctx::new(&a).expect("html");
            assert_eq!(got, (accessible_name(&fresh, *e), subtree_text(&fresh, *e)), "{}", e.html());
        }
        let names: Vec<String> = els.iter().map(|e| accessible_name(&ctx, *e)).filter(|n| !n.is_empty()).collect();
        assert!(names.iter().any(|n| n == "One two"), "{names:?}");
        assert!(names.iter().any(|n| n == "Label"), "{names:?}");
    }
}
