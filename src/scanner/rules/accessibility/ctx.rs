//! Per-check context: the parsed document plus lazily built indexes (id map,
//! `label[for]` map) so no rule scans the tree once per element.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use super::aria;
use crate::scanner::rules::dom::hidden;
use crate::scanner::rules::dom::index::{self, PageIndex};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Evidence, Outcome, Violation};
use scraper::{ElementRef, Html};
use std::collections::HashMap;

pub struct Ctx<'a> {
    pub page: &'a Analysis<'a>,
    pub doc: &'a Html,
    ix: &'a PageIndex,
    /// Text of aria-labelledby targets, by (target, hidden included, depth),
    /// for names computed from outside them: a thousand buttons labelled by
    /// one large element cost one walk of it, not a thousand.
    pub(super) labelledby_memo: std::cell::RefCell<HashMap<(ego_tree::NodeId, bool, usize), std::rc::Rc<str>>>,
    /// Text an element contributes to names computed from outside it, by
    /// (element, traversal flags), for subtrees whose text cannot depend on
    /// the element being named (see `names::text`).
    /// The bytes held are counted (second field) and capped.
    pub(super) text_memo: std::cell::RefCell<(HashMap<(ego_tree::NodeId, u8), std::rc::Rc<str>>, usize)>,
    /// Per position: whether the element's children hold text its `lang`
    /// applies to (see `language::has_lang_text`), built on first use.
    pub(super) lang_text: std::cell::OnceCell<Vec<bool>>,
}

/// Where a rule's candidates come from. Each is a superset of what the rule's
/// own filter accepts, in document order, so the outcome is the same as
/// filtering every element, at the cost of only the candidates.
#[derive(Clone, Copy)]
pub enum Candidates {
    All,
    /// Elements with one of these local names.
    Named(&'static [&'static str]),
    /// Elements carrying one of these attributes.
    WithAttr(&'static [&'static str]),
    /// Elements with any `aria-*` attribute.
    AriaAttr,
    /// Elements whose computed role is one of these.
    Role(&'static [&'static str]),
    /// Elements whose computed role passes the test (roles are few).
    RoleWhere(fn(&str) -> bool),
    /// Any of these.
    Union(&'static [Candidates]),
}

impl aria::RoleFacts for Ctx<'_> {
    fn has_label_attr_name(&self, el: ElementRef, check_title: bool) -> bool {
        Ctx::has_label_attr_name(self, el, check_title)
    }
    fn is_focusable(&self, el: ElementRef) -> bool {
        Ctx::is_focusable(self, el)
    }
    fn id_names(&self, id: &str, name: &str) -> bool {
        self.by_id(id).is_some_and(|e| e.value().name() == name)
    }
}

impl<'a> Ctx<'a> {
    pub fn new(page: &'a Analysis) -> Option<Ctx<'a>> {
        let doc = page.html()?;
        let ix = page.element_index()?;
        Some(Ctx { page, doc, ix, labelledby_memo: Default::default(), text_memo: Default::default(), lang_text: Default::default() })
    }

    fn at(&self, p: u32) -> Option<ElementRef<'a>> {
        let doc: &'a Html = self.doc;
        self.ix.elements.get(p as usize).and_then(|id| doc.tree.get(*id)).and_then(ElementRef::wrap)
    }

    /// The element with this node id.
    pub fn node(&self, id: ego_tree::NodeId) -> Option<ElementRef<'a>> {
        let doc: &'a Html = self.doc;
        doc.tree.get(id).and_then(ElementRef::wrap)
    }

    /// Every element in document order (the root included).
    pub fn elements(&self) -> impl Iterator<Item = ElementRef<'a>> + 'a {
        let doc: &'a Html = self.doc;
        self.ix.elements.iter().filter_map(move |id| doc.tree.get(*id).and_then(ElementRef::wrap))
    }

    /// The candidate elements, in document order.
    pub fn candidates(&self, c: Candidates) -> Vec<ElementRef<'a>> {
        if let Candidates::All = c {
            return self.elements().collect();
        }
        let mut ps = Vec::new();
        self.positions(c, &mut ps);
        ps.sort_unstable();
        ps.dedup();
        ps.into_iter().filter_map(|p| self.at(p)).collect()
    }

    fn positions(&self, c: Candidates, out: &mut Vec<u32>) {
        match c {
            Candidates::All => out.extend(0..self.ix.elements.len() as u32),
            Candidates::Named(names) => names.iter().for_each(|n| out.extend_from_slice(self.ix.named(n))),
            Candidates::WithAttr(attrs) => attrs.iter().for_each(|a| out.extend_from_slice(self.ix.with_attr(a))),
            Candidates::AriaAttr => out.extend_from_slice(self.ix.with_aria_attr()),
            Candidates::Role(roles) => {
                let by_role = self.by_role();
                roles.iter().filter_map(|r| by_role.get(r)).for_each(|v| out.extend_from_slice(v));
            }
            Candidates::RoleWhere(f) => {
                self.by_role().iter().filter(|(r, _)| f(r)).for_each(|(_, v)| out.extend_from_slice(v));
            }
            Candidates::Union(cs) => cs.iter().for_each(|c| self.positions(*c, out)),
        }
    }

    /// True when `inner` is `outer` or one of its descendants (false for
    /// elements outside the index).
    pub fn within(&self, outer: ElementRef, inner: ElementRef) -> bool {
        match (self.ix.position(outer.id()), self.ix.position(inner.id())) {
            (Some(p), Some(q)) => self.ix.within(p, q),
            _ => inner.ancestors().any(|a| a.id() == outer.id()) || inner.id() == outer.id(),
        }
    }

    /// The element index (positions, subtrees, attributes).
    pub fn index(&self) -> &'a PageIndex {
        self.ix
    }

    /// The element's position in document order (among indexed elements).
    pub fn position(&self, el: ElementRef) -> Option<u32> {
        self.ix.position(el.id())
    }

    /// False only when no element in `el`'s subtree (itself included) can
    /// carry the attribute.
    pub fn attr_within(&self, el: ElementRef, attr: &str) -> bool {
        self.ix.position(el.id()).is_none_or(|p| self.ix.attr_within(attr, p))
    }

    /// Hidden for everyone (see [`hidden::hidden_for_everyone`]), looked up.
    pub fn hidden_for_everyone(&self, el: ElementRef) -> bool {
        match self.ix.position(el.id()) {
            Some(_) => self.ix.flags(el.id()) & index::HIDDEN_ALL != 0,
            None => hidden::hidden_for_everyone(el),
        }
    }

    /// Hidden from assistive technology (see [`hidden::hidden_from_at`]), looked up.
    pub fn hidden_from_at(&self, el: ElementRef) -> bool {
        match self.ix.position(el.id()) {
            Some(_) => self.ix.flags(el.id()) & (index::HIDDEN_ALL | index::ARIA_HIDDEN_OR_INERT) != 0,
            None => hidden::hidden_from_at(el),
        }
    }

    fn inert(&self, el: ElementRef) -> bool {
        match self.ix.position(el.id()) {
            Some(_) => self.ix.flags(el.id()) & index::INERT != 0,
            None => aria::ancestors(el).chain(Some(el)).any(|a| a.value().attr_of("inert").is_some()),
        }
    }

    /// The first element with this id (what `getElementById` returns).
    pub fn by_id(&self, id: &str) -> Option<ElementRef<'a>> {
        self.ix.ids(id).first().and_then(|p| self.at(*p))
    }

    /// Every element with this id.
    pub fn all_by_id(&self, id: &str) -> Vec<ElementRef<'a>> {
        self.ix.ids(id).iter().filter_map(|p| self.at(*p)).collect()
    }

    /// How many elements carry this id.
    pub fn id_count(&self, id: &str) -> usize {
        self.ix.ids(id).len()
    }

    /// True when an `<a name=...>` has this name (a legacy in-page target).
    pub fn has_anchor_name(&self, name: &str) -> bool {
        self.ix.has_a_name(name)
    }

    /// Elements referenced by an IDREFS attribute (missing ids dropped).
    pub fn idrefs(&self, el: ElementRef, attr: &str) -> Vec<ElementRef<'a>> {
        el.value()
            .attr_of(attr)
            .map(|v| v.split_ascii_whitespace().filter_map(|id| self.by_id(id)).collect())
            .unwrap_or_default()
    }

    /// The first element whose `aria-owns` lists this id.
    pub fn owner_of(&self, id: &str) -> Option<ElementRef<'a>> {
        self.ix.owner(id).and_then(|p| self.at(p))
    }

    /// `label[for=id]` elements for this control.
    pub fn explicit_labels(&self, el: ElementRef) -> Vec<ElementRef<'a>> {
        let Some(id) = el.value().id() else { return Vec::new() };
        // Only the first element with an id is the label target.
        if self.by_id(id).map(|f| f.id()) != Some(el.id()) {
            return Vec::new();
        }
        self.ix.labels_for(id).iter().filter_map(|p| self.at(*p)).collect()
    }

    /// The nearest `<label>` ancestor (implicit label).
    pub fn implicit_label<'b>(&self, el: ElementRef<'b>) -> Option<ElementRef<'b>> {
        aria::ancestors(el).find(|a| a.value().name() == "label")
    }

    /// Non-empty aria-labelledby target text or aria-label (and optionally title):
    /// axe's "has an accessible name" shortcut used by implicit roles.
    pub fn has_label_attr_name(&self, el: ElementRef, check_title: bool) -> bool {
        let has = |s: Option<&str>| s.is_some_and(|v| !v.trim().is_empty());
        if has(el.value().attr_of("aria-label")) || (check_title && has(el.value().attr_of("title"))) {
            return true;
        }
        self.idrefs(el, "aria-labelledby").into_iter().any(|r| !r.text().collect::<String>().trim().is_empty())
    }

    /// axe `isFocusable` (static): natively focusable or a tabindex, and not
    /// disabled, display:none/visibility:hidden or inert.
    pub fn is_focusable(&self, el: ElementRef) -> bool {
        if is_disabled(el) || self.hidden_for_everyone(el) || self.inert(el) {
            return false;
        }
        natively_focusable(el) || tabindex(el).is_some()
    }

    /// Focusable and in the sequential focus order.
    pub fn is_tabbable(&self, el: ElementRef) -> bool {
        self.is_focusable(el) && tabindex(el).is_none_or(|t| t >= 0)
    }

    /// The element's role: its explicit role, unless that is none/presentation
    /// and the element is focusable or has a global ARIA attribute (the
    /// presentational role conflict), else the implicit role.
    pub fn role(&self, el: ElementRef) -> Option<&'static str> {
        match self.ix.position(el.id()) {
            Some(p) => self.roles().get(p as usize).copied().flatten(),
            None => self.compute_role(el),
        }
    }

    /// Roles of every indexed element, computed once per page. Role
    /// computation never asks for another element's computed role, so this
    /// does not re-enter itself.
    fn roles(&self) -> &'a [Option<&'static str>] {
        let ix: &'a PageIndex = self.ix;
        ix.roles.get_or_init(|| {
            // Only elements with a role attribute or a tag `implicit_role`
            // maps can have a role; the rest stay None without being visited.
            let mut roles = vec![None; ix.elements.len()];
            // Tags with an unconditional implicit role need no look at the
            // element unless it has a role attribute.
            for (tag, role) in dom::roles::FIXED_IMPLICIT_ROLES {
                for p in ix.named(tag) {
                    if ix.flags_at(*p) & index::HAS_ROLE == 0 {
                        if let Some(slot) = roles.get_mut(*p as usize) {
                            *slot = Some(*role);
                        }
                    }
                }
            }
            // Decided by the index build (only for elements without a role attribute).
            for (p, role) in &ix.early_roles {
                if let Some(slot) = roles.get_mut(*p as usize) {
                    *slot = *role;
                }
            }
            let early = |t: &&str| matches!(*t, "a" | "area" | "td" | "img" | "th");
            let mut ps: Vec<u32> = dom::roles::CONDITIONAL_IMPLICIT_ROLE_TAGS
                .iter()
                .filter(|t| !early(t))
                .flat_map(|t| ix.named(t).iter().copied())
                .collect();
            ps.extend(ix.late_roles.iter().copied());
            ps.extend(ix.with_flag(index::HAS_ROLE));
            // Document order visits the tree's memory front to back.
            ps.sort_unstable();
            ps.dedup();
            for p in ps {
                if let (Some(e), Some(slot)) = (self.at(p), roles.get_mut(p as usize)) {
                    *slot = self.compute_role(e);
                }
            }
            roles
        })
    }

    fn by_role(&self) -> &'a HashMap<&'static str, Vec<u32>> {
        let ix: &'a PageIndex = self.ix;
        ix.by_role.get_or_init(|| {
            let mut m: HashMap<&'static str, Vec<u32>> = HashMap::new();
            for (p, r) in self.roles().iter().enumerate() {
                if let Some(r) = r {
                    m.entry(*r).or_default().push(p as u32);
                }
            }
            m
        })
    }

    fn compute_role(&self, el: ElementRef) -> Option<&'static str> {
        // The index knows which elements lack a role attribute (most of them).
        let indexed_without_role =
            self.ix.position(el.id()).is_some() && self.ix.flags(el.id()) & index::HAS_ROLE == 0;
        let explicit = if indexed_without_role { None } else { aria::explicit_role(el) };
        match explicit {
            Some(r @ ("none" | "presentation")) => {
                if self.presentation_conflict(el) {
                    aria::implicit_role(self, el)
                } else {
                    Some(r)
                }
            }
            Some(r) => Some(r),
            None => aria::implicit_role(self, el),
        }
    }

    pub fn presentation_conflict(&self, el: ElementRef) -> bool {
        aria::has_global_aria(el) || self.is_focusable(el)
    }
}

pub fn tabindex(el: ElementRef) -> Option<i64> {
    el.value().attr_of("tabindex").and_then(|t| {
        let t = t.trim();
        let digits: String = t.chars().enumerate().take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+'))).map(|(_, c)| c).collect();
        digits.parse::<i64>().ok()
    })
}

pub fn natively_focusable(el: ElementRef) -> bool {
    let e = el.value();
    match e.name() {
        "a" => e.attr_of("href").is_some(),
        "area" => e.attr_of("href").is_some(),
        "input" => !e.attr_of("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("hidden")),
        "button" | "select" | "textarea" | "iframe" => true,
        "summary" => el
            .parent()
            .and_then(ElementRef::wrap)
            .filter(|p| p.value().name() == "details")
            .and_then(|p| p.children().filter_map(ElementRef::wrap).find(|c| c.value().name() == "summary"))
            .is_some_and(|s| s.id() == el.id()),
        "audio" | "video" => e.attr_of("controls").is_some(),
        _ => e.attr_of("contenteditable").is_some_and(|v| !v.eq_ignore_ascii_case("false")),
    }
}

/// Disabled form controls, including those inside a disabled fieldset
/// (but not in its first legend).
pub fn is_disabled(el: ElementRef) -> bool {
    let e = el.value();
    let form_control = matches!(e.name(), "button" | "input" | "select" | "textarea" | "option" | "optgroup" | "fieldset");
    if !form_control {
        return false;
    }
    if e.attr_of("disabled").is_some() {
        return true;
    }
    let mut child = el;
    for a in aria::ancestors(el) {
        if a.value().name() == "fieldset" && a.value().attr_of("disabled").is_some() {
            let first_legend = a.children().filter_map(ElementRef::wrap).find(|c| c.value().name() == "legend");
            if first_legend.map(|l| l.id()) != Some(child.id()) {
                return true;
            }
        }
        child = a;
    }
    false
}

/// At most this many elements are listed per finding (the detail and the
/// violation's total keep the full count): evidence is for fixing, and a 2 MB
/// page can hold thousands.
pub use crate::scanner::rules::MAX_EVIDENCE;

/// Turns offending and needs-review elements into the rule's outcome. Elements
/// that only need review still fail, at confidence 0.4, so a human looks.
pub fn finish(page: &Analysis, applicable: bool, fails: &[ElementRef], reviews: &[ElementRef]) -> Outcome {
    if fails.is_empty() && reviews.is_empty() {
        return if applicable { Outcome::Pass { code: None } } else { Outcome::NotApplicable };
    }
    let cap = page.evidence_cap();
    let listed_fails = &fails[..fails.len().min(cap)];
    let listed_reviews = &reviews[..reviews.len().min(cap - listed_fails.len())];
    let all: Vec<ElementRef> = listed_fails.iter().chain(listed_reviews).copied().collect();
    let lines = source_lines(page, &all);
    let evidence: Vec<Evidence> = all
        .iter()
        .enumerate()
        .map(|(i, e)| Evidence::Element {
            selector: dom::css_path(page, *e),
            snippet: dom::snippet(*e),
            line: lines.get(i).copied().flatten(),
            needs_review: i >= listed_fails.len(),
            node: Some(e.id()),
        })
        .collect();
    let more = if fails.len() + reviews.len() > all.len() { format!(" (first {} listed)", all.len()) } else { String::new() };
    let (confidence, detail) = if fails.is_empty() {
        (0.4, format!("{} element(s) need review{more}", reviews.len()))
    } else if reviews.is_empty() {
        (0.95, format!("{} element(s) fail{more}", fails.len()))
    } else {
        (0.9, format!("{} element(s) fail, {} need review{more}", fails.len(), reviews.len()))
    };
    Outcome::Fail(Violation::new(evidence).total(fails.len() + reviews.len()).confidence(confidence).detail(detail))
}

/// 1-based source lines of the elements' start tags: the n-th `<name` in the
/// source (ASCII case-insensitive) that a tag boundary follows is taken as the
/// n-th `name` element of the tree. None when the source and tree disagree.
/// Names of `[a-z0-9-]` use the page's start-tag table (one pass per page);
/// any other name (rare) is scanned for by [`source_lines_scan`].
pub fn source_lines(page: &Analysis, els: &[ElementRef]) -> Vec<Option<u32>> {
    let mut out = vec![None; els.len()];
    let (Some(body), Some(ix)) = (page.source(), page.element_index()) else { return out };
    if els.is_empty() {
        return out;
    }
    let simple = |n: &str| n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let mut odd: Vec<(usize, ElementRef)> = Vec::new();
    for (i, el) in els.iter().enumerate() {
        let name = el.value().name();
        if !simple(name) {
            odd.push((i, *el));
            continue;
        }
        let rank = ix.position(el.id()).and_then(|p| ix.named(name).binary_search(&p).ok());
        if let (Some(k), Some(slot)) = (rank, out.get_mut(i)) {
            *slot = ix.start_tag_line(body, name, k);
        }
    }
    if !odd.is_empty() {
        let found = source_lines_scan(page, &odd.iter().map(|(_, e)| *e).collect::<Vec<_>>());
        for ((i, _), l) in odd.iter().zip(found) {
            if let Some(slot) = out.get_mut(*i) {
                *slot = l;
            }
        }
    }
    out
}

/// [`source_lines`] by scanning the source once per distinct name.
pub fn source_lines_scan(page: &Analysis, els: &[ElementRef]) -> Vec<Option<u32>> {
    let mut out = vec![None; els.len()];
    let (Some(body), Some(doc)) = (page.source(), page.html()) else { return out };
    if els.is_empty() {
        return out;
    }
    let wanted: HashMap<ego_tree::NodeId, usize> = els.iter().enumerate().map(|(i, e)| (e.id(), i)).collect();
    let names: Vec<String> = {
        let mut v: Vec<String> = els.iter().map(|e| e.value().name().to_ascii_lowercase()).collect();
        v.sort();
        v.dedup();
        v
    };
    // Position of each wanted element among elements of its name, in tree order.
    let mut counters: HashMap<&str, usize> = HashMap::new();
    let mut targets: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for el in doc.root_element().descendants().filter_map(ElementRef::wrap) {
        let name = el.value().name();
        if !names.iter().any(|n| n == name) {
            continue;
        }
        let c = counters.entry(name).or_insert(0);
        if let Some(i) = wanted.get(&el.id()) {
            targets.entry(name).or_default().push((*c, *i));
        }
        *c += 1;
    }
    let lower = body.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    for (name, list) in targets {
        let needle = format!("<{name}");
        let (mut seen, mut from, mut line, mut line_at) = (0usize, 0usize, 1u32, 0usize);
        let mut next = list.iter().peekable();
        while let (Some(&&(idx, slot)), Some(pos)) = (next.peek(), lower.get(from..).and_then(|s| s.find(&needle))) {
            let at = from + pos;
            from = at + needle.len();
            if !matches!(bytes.get(at + needle.len()), Some(b' ' | b'>' | b'/' | b'\t' | b'\n' | b'\r' | 0x0c)) {
                continue;
            }
            if seen == idx {
                line += bytes.get(line_at..at).map_or(0, |b| b.iter().filter(|c| **c == b'\n').count()) as u32;
                line_at = at;
                if let Some(o) = out.get_mut(slot) {
                    *o = Some(line);
                }
                next.next();
            }
            seen += 1;
        }
    }
    out
}

#[cfg(test)]
mod role_table_tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    /// Roles decided during the index build equal the per-element computation.
    #[test]
    fn cached_roles_match_computed_roles() {
        let html = r##"<table role="grid"><tr><th>h</th><td>a</td></tr><tr><th scope=" ROW ">r</th><td><table><tr><td>n</td><th scope=col>c</th></tr></table></td></tr></table>
            <table><tr><td>c</td><th scope="rowgroup">g</th><th scope="bogus">b</th></tr></table><table role="treegrid"><tr><td role="cell">x</td></tr></table>
            <a href="/x">l</a><a>n</a><a href="">e</a><a role="button" href="/y">b</a><map><area href="/z"><area></map>
            <img alt=""><img alt="x"><img><img alt="" tabindex="0"><img alt="" aria-label="q"><img role="none" alt="">
            <svg><a href="#s"><text>s</text></a><image alt=""/></svg>"##;
        let page = Page::html_at("https://example.com/", &[("content-type", "text/html")], html);
        let a = crate::scanner::rules::analysis(&page);
        let Some(c) = Ctx::new(crate::scanner::rules::held(&a)) else { panic!("no ctx") };
        let mut n = 0;
        for el in c.elements() {
            assert_eq!(c.role(el), c.compute_role(el), "{}", el.html());
            n += 1;
        }
        assert!(n > 30);
    }
}
