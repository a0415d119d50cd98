//! The analysis context checks receive: the page (plain data) plus what the
//! rules derive from its document once and share, built on first use: the
//! element index, the source-line index and per-parent sibling ranks. It also
//! records whether a rule read the document, so the engine can tell a rule
//! that looked at a document cut by the work budget from one that read only
//! headers.
use super::index::PageIndex;
use crate::scanner::page::Page;
use ego_tree::NodeId;
use scraper::{ElementRef, Html};
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::any::{Any, TypeId};
use std::rc::Rc;

/// Child → (1-based rank among same-name siblings, how many share the name).
pub type SiblingRanks = super::maps::NodeMap<(u32, u32)>;

/// The element's explicit ARIA role (its first valid `role` token). Given by
/// the engine so the index needs no ARIA tables of its own.
pub type RoleOf = fn(ElementRef) -> Option<&'static str>;

pub struct Analysis<'p> {
    pub page: &'p Page,
    role_of: RoleOf,
    evidence_cap: usize,
    document_read: Cell<bool>,
    line_index: OnceCell<HashMap<NodeId, u32>>,
    sibling_ranks: RefCell<HashMap<NodeId, Rc<SiblingRanks>>>,
    element_index: OnceCell<PageIndex>,
    /// Per-page structures rule families derive once (see [`Analysis::memo`]).
    memos: RefCell<Vec<(TypeId, Rc<dyn Any>)>>,
}

impl<'p> std::ops::Deref for Analysis<'p> {
    type Target = Page;
    fn deref(&self) -> &Page {
        self.page
    }
}

impl<'p> Analysis<'p> {
    pub fn new(page: &'p Page, role_of: RoleOf) -> Self {
        Analysis {
            page,
            role_of,
            evidence_cap: crate::scanner::rules::MAX_EVIDENCE,
            document_read: Cell::new(false),
            line_index: OnceCell::new(),
            sibling_ranks: RefCell::default(),
            element_index: OnceCell::new(),
            memos: RefCell::default(),
        }
    }

    /// The parsed HTML document, when the response was HTML. Reading it is recorded.
    pub fn html(&self) -> Option<&'p Html> {
        self.document_read.set(true);
        self.page.document()
    }

    /// The part of the body the document was parsed from: source lines are
    /// looked up in it, so a page cut by the work budget costs no scan of
    /// the rest.
    pub fn source(&self) -> Option<&'p str> {
        let body = self.page.body.as_deref()?;
        Some(body.get(..self.page.parsed_bytes).unwrap_or(body))
    }

    /// How many element evidence items checks list per finding (the total is
    /// counted apart). Conformance runners raise it to compare every node.
    pub fn evidence_cap(&self) -> usize {
        self.evidence_cap
    }

    pub fn with_evidence_cap(mut self, cap: usize) -> Self {
        self.evidence_cap = cap;
        self
    }

    /// Clears the read mark; returns whether the document was read since the last call.
    pub fn take_document_read(&self) -> bool {
        self.document_read.replace(false)
    }

    /// NodeId → 1-based source line of the start tag, computed once.
    pub fn line_index(&self) -> &HashMap<NodeId, u32> {
        self.document_read.set(true);
        self.line_index.get_or_init(|| match (self.source(), self.page.document()) {
            (Some(body), Some(html)) => super::build_line_index(body, html),
            _ => HashMap::new(),
        })
    }

    /// The rules' shared element index (elements by name, attribute and id,
    /// hidden state, roles), built once per page; None when the page is not HTML.
    pub fn element_index(&self) -> Option<&PageIndex> {
        self.document_read.set(true);
        let html = self.page.document()?;
        Some(self.element_index.get_or_init(|| PageIndex::build(html, self.role_of)))
    }

    /// A structure a rule family derives from the page (one value per type),
    /// built by `build` the first time any rule asks for it and shared by
    /// the rest: the DOM layer does not know the families' types, so it holds
    /// them by type. Reading it counts as reading the document.
    pub fn memo<T: 'static>(&self, build: impl FnOnce() -> T) -> Rc<T> {
        self.document_read.set(true);
        let id = TypeId::of::<T>();
        let found = self.memos.borrow().iter().find(|(t, _)| *t == id).map(|(_, v)| v.clone());
        if let Some(v) = found.and_then(|v| v.downcast::<T>().ok()) {
            return v;
        }
        // Built with no borrow held, so `build` may ask for other memos.
        let v = Rc::new(build());
        self.memos.borrow_mut().push((id, v.clone()));
        v
    }

    /// The ranks of `parent`'s children (see [`SiblingRanks`]), computed by
    /// `compute` the first time they are asked for.
    pub fn sibling_ranks(&self, parent: NodeId, compute: impl FnOnce() -> SiblingRanks) -> Rc<SiblingRanks> {
        if let Some(r) = self.sibling_ranks.borrow().get(&parent) {
            return r.clone();
        }
        let r = Rc::new(compute());
        self.sibling_ranks.borrow_mut().insert(parent, r.clone());
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// These tests need no roles (and the DOM layer knows no ARIA).
    fn no_roles(_: ElementRef) -> Option<&'static str> {
        None
    }

    #[test]
    fn indexed_dom_lines_match_the_line_index() {
        let html = "<!doctype html>\n<HTML><head><title>t</title></head>\n<body>\n<!-- <p>c</p>\n<div> -->\n<p>a</p><Div\n><P\tid=x>b</P></div>\n\
                    <svg><foreignObject><p>f</p></foreignObject></svg>\n<a<b>z</a<b><x-y>q</x-y>\n<li>1<li>2<table><td>c</table>\n<p";
        let page = Page::html_at("https://example.com/", &[], html);
        let doc = page.document().unwrap();
        for e in doc.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
            assert_eq!(super::super::source_line(&Analysis::new(&page, no_roles), e), Analysis::new(&page, no_roles).line_index().get(&e.id()).copied(), "{}", e.value().name());
        }
    }

    /// A memo is built once per type and page, shared by later askers, and
    /// a build may ask for another type's memo; asking marks the document read.
    #[test]
    fn memo_builds_once_per_type() {
        let page = Page::html_at("https://example.com/", &[], "<p>x</p>");
        let a = Analysis::new(&page, no_roles);
        let builds = Cell::new(0);
        let first = a.memo(|| {
            builds.set(builds.get() + 1);
            *a.memo(|| 7u8) as u32 + 1
        });
        assert!(a.take_document_read());
        let again = a.memo(|| -> u32 {
            builds.set(builds.get() + 1);
            0
        });
        assert_eq!((*first, *again, *a.memo(|| 0u8), builds.get()), (8, 8, 7, 1));
        assert!(Rc::ptr_eq(&first, &again));
    }

    /// `dom::select_named` finds what selecting by the bare tag name finds.
    #[test]
    fn select_named_matches_select() {
        let html = r#"<!doctype html><A href=x>1</A><svg><a href=y><text>2</text></a><style>s</style></svg><math><a>3</a></math>
            <table><a href=z>4</a><tr><td>c</td></tr></table><p><img src=i><IMG src=j></p><template><a href=t>5</a></template><body><a>6</a></body>"#;
        let page = Page::html_at("https://example.com/", &[], html);
        let doc = page.document().unwrap();
        for name in ["a", "img", "body", "style", "td", "template", "text"] {
            let want: Vec<_> = doc.select(&super::super::sel(name)).map(|e| e.id()).collect();
            let got: Vec<_> = super::super::select_named(&Analysis::new(&page, no_roles), name).iter().map(|e| e.id()).collect();
            assert_eq!(got, want, "{name}");
        }
    }
}
