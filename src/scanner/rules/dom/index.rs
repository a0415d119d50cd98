//! Per-page index shared by every accessibility rule: built once (lazily, on
//! the page) instead of once per rule, so the ~90 rules each touch only their
//! candidate elements and look hidden state up instead of walking ancestors.
//!
//! Everything is keyed by tree position (NodeId / document-order index), not
//! by reference, so the index can live on the `Page` that owns the tree.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use super::{hidden, roles};
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::hash::Hasher;

pub use super::maps::{NameMap, NodeHasher, NodeMap};
pub use super::tag_table::TagLines;
use super::tag_table::TagTable;

/// Hidden for everyone (axe `isHiddenForEveryone`).
pub const HIDDEN_ALL: u8 = 1;
/// aria-hidden="true" or inert on the element or an ancestor.
pub const ARIA_HIDDEN_OR_INERT: u8 = 2;
/// inert on the element or an ancestor.
pub const INERT: u8 = 4;
/// The element has a `role` attribute.
pub const HAS_ROLE: u8 = 8;

/// The number a NodeId hashes as. ego_tree's NodeId is its node's slot in the
/// tree's node vector plus one and hashes as that single integer; `build`
/// checks this for every node before relying on it (else a map is used).
fn raw_index(id: NodeId) -> usize {
    struct Capture(u64);
    impl Hasher for Capture {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = self.0.wrapping_mul(31).wrapping_add(u64::from(*b));
            }
        }
        fn write_usize(&mut self, n: usize) {
            self.0 = n as u64;
        }
    }
    let mut h = Capture(0);
    std::hash::Hash::hash(&id, &mut h);
    h.0 as usize
}

pub struct PageIndex {
    /// Every element under the root element (included), in document order.
    pub elements: Vec<NodeId>,
    /// NodeId → position in `elements`.
    pos: NodeMap<u32>,
    /// Raw NodeId number → position (u32::MAX: not an indexed element), when
    /// NodeIds were verified to number the tree's slots; empty otherwise.
    pos_by_raw: Vec<u32>,
    /// Hidden-state bits per position.
    flags: Vec<u8>,
    /// Per position: depth below the root element, element children, and
    /// the end (exclusive) of its subtree's positions.
    depth: Vec<u32>,
    kids: Vec<u32>,
    end: Vec<u32>,
    /// Positions by lower-case local name.
    by_name: NameMap,
    /// Positions of elements carrying an attribute, by attribute local name.
    by_attr: NameMap,
    /// Positions by id, in document order.
    ids: HashMap<String, Vec<u32>>,
    /// `label[for]` positions by the `for` value.
    label_for: HashMap<String, Vec<u32>>,
    /// The first element whose `aria-owns` lists an id.
    owners: HashMap<String, u32>,
    /// `name` values of `<a>` elements (legacy in-page link targets).
    a_names: HashSet<String>,
    /// Implicit roles of `a`, `area` and `td` elements without a role
    /// attribute, decided during the build while the element is at hand
    /// (position, role); the role computation takes them as they are.
    pub(crate) early_roles: Vec<(u32, Option<&'static str>)>,
    /// `img` and `th` elements without a role attribute whose role the build
    /// could not decide (empty alt; no row/column scope), in document order.
    pub(crate) late_roles: Vec<u32>,
    /// Computed role per position, filled by the first rule that asks.
    pub(crate) roles: OnceCell<Vec<Option<&'static str>>>,
    /// Positions by computed role.
    pub(crate) by_role: OnceCell<HashMap<&'static str, Vec<u32>>>,
    /// Every element node of the tree is indexed (none was left detached by
    /// the parser), so name lookups can stand in for `Html::select`.
    pub complete: bool,
    /// The body's start tags (see [`TagTable`]), scanned on first use.
    tags: OnceCell<TagTable>,
    /// Start-tag lines of the names asked for so far (see [`PageIndex::tag_lines_of`]).
    tag_lines: std::cell::RefCell<HashMap<String, std::rc::Rc<TagLines>>>,
    /// Per position: how many element levels its subtree goes down (0: no
    /// element children), built on first use.
    heights: OnceCell<Vec<u32>>,
    /// See [`PageIndex::with_aria_attr`].
    aria_positions: OnceCell<Vec<u32>>,
}

impl std::fmt::Debug for PageIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageIndex").field("elements", &self.elements.len()).finish_non_exhaustive()
    }
}

/// Inherited hidden state on the way down the tree.
#[derive(Clone, Copy, Default)]
struct Down {
    /// A strict ancestor is display:none.
    display_none: bool,
    /// The nearest explicit `visibility` (self or ancestor) hides.
    visibility: Option<bool>,
    /// A strict ancestor has content-visibility:hidden.
    content_hidden: bool,
    /// Inside a closed `<details>` outside its first summary.
    closed_details: bool,
    aria_hidden_or_inert: bool,
    inert: bool,
    /// The nearest `table` (self or ancestor) has an explicit grid/treegrid role.
    grid_table: bool,
}

impl PageIndex {
    pub fn build(doc: &Html, role_of: super::RoleOf) -> PageIndex {
        let mut ix = PageIndex {
            elements: Vec::new(),
            pos: NodeMap::default(),
            pos_by_raw: Vec::new(),
            flags: Vec::new(),
            depth: Vec::new(),
            kids: Vec::new(),
            end: Vec::new(),
            by_name: NameMap::default(),
            by_attr: NameMap::default(),
            ids: HashMap::new(),
            label_for: HashMap::new(),
            owners: HashMap::new(),
            a_names: HashSet::new(),
            early_roles: Vec::new(),
            late_roles: Vec::new(),
            roles: OnceCell::new(),
            by_role: OnceCell::new(),
            complete: false,
            tags: OnceCell::new(),
            tag_lines: std::cell::RefCell::new(HashMap::new()),
            heights: OnceCell::new(),
            aria_positions: OnceCell::new(),
        };
        // One top-down pass: the stack holds, per open element, what its
        // children inherit (plus the first summary of a closed <details>).
        let mut stack: Vec<(Down, Option<Option<NodeId>>)> = Vec::new();
        // Positions of the open elements (parallel to `stack`).
        let mut open_at: Vec<u32> = Vec::new();
        let root = doc.root_element();
        for edge in root.traverse() {
            match edge {
                ego_tree::iter::Edge::Open(node) => {
                    let Some(el) = ElementRef::wrap(node) else { continue };
                    let e = el.value();
                    let (parent, closed_details_summary) = stack.last().copied().unwrap_or_default();
                    // One pass over the attributes (a by-name lookup costs a
                    // string hash each time, and this runs for every element).
                    let (mut style, mut ty, mut hidden_attr, mut self_inert, mut self_aria_hidden, mut open) =
                        (None, None, false, false, false, false);
                    let mut owns = None;
                    let mut has_role = false;
                    for (k, v) in e.attrs() {
                        match k {
                            "style" => style = Some(v),
                            "type" => ty = Some(v),
                            "hidden" => hidden_attr = true,
                            "inert" => self_inert = true,
                            "aria-hidden" => self_aria_hidden = v.trim().eq_ignore_ascii_case("true"),
                            "open" => open = true,
                            "aria-owns" => owns = Some(v),
                            "role" => has_role = true,
                            _ => {}
                        }
                        ix.by_attr.push(k, ix.elements.len() as u32);
                    }
                    // The style attribute is parsed once for every property read below.
                    let decls = style.map(|s| super::css::declarations_of(s, &["display", "visibility", "content-visibility"])).unwrap_or_default();
                    let prop = |name: &str| super::css::winning(&decls, name).map(|(v, _)| v);
                    // Same decision as `hidden::display_none`.
                    let own_display_none = hidden::natively_hidden(e.name())
                        || (e.name() == "input" && ty.is_some_and(|t| t.trim().eq_ignore_ascii_case("hidden")))
                        || match prop("display") {
                            Some(d) => d == "none",
                            None => hidden_attr,
                        };
                    let visibility = match prop("visibility") {
                        Some(v) => Some(v == "hidden" || v == "collapse"),
                        None => parent.visibility,
                    };
                    let in_closed = parent.closed_details
                        || closed_details_summary.is_some_and(|first| first != Some(el.id()));
                    let hidden_all = own_display_none
                        || parent.display_none
                        || visibility == Some(true)
                        || parent.content_hidden
                        || in_closed;
                    let inert = parent.inert || self_inert;
                    let aria_hidden_or_inert = parent.aria_hidden_or_inert || self_inert || self_aria_hidden;
                    let mut bits = 0u8;
                    if hidden_all {
                        bits |= HIDDEN_ALL;
                    }
                    if aria_hidden_or_inert {
                        bits |= ARIA_HIDDEN_OR_INERT;
                    }
                    if inert {
                        bits |= INERT;
                    }
                    if has_role {
                        bits |= HAS_ROLE;
                    }
                    let down = Down {
                        display_none: parent.display_none || own_display_none,
                        visibility,
                        content_hidden: parent.content_hidden || prop("content-visibility").is_some_and(|v| v == "hidden"),
                        closed_details: in_closed,
                        aria_hidden_or_inert,
                        inert,
                        grid_table: if e.name() == "table" {
                            has_role && role_of(el).is_some_and(|r| r == "grid" || r == "treegrid")
                        } else {
                            parent.grid_table
                        },
                    };
                    let summary = (e.name() == "details" && !open).then(|| {
                        el.children().filter_map(ElementRef::wrap).find(|c| c.value().name() == "summary").map(|s| s.id())
                    });
                    stack.push((down, summary));

                    let p = ix.elements.len() as u32;
                    ix.elements.push(el.id());
                    if let Some(k) = open_at.last().and_then(|q| ix.kids.get_mut(*q as usize)) {
                        *k += 1;
                    }
                    ix.depth.push(open_at.len() as u32);
                    ix.kids.push(0);
                    ix.end.push(p + 1);
                    open_at.push(p);

                    ix.flags.push(bits);
                    // The decisions of the implicit-role table that need only
                    // the element (and whether its table is a grid).
                    if !has_role {
                        match e.name() {
                            "a" | "area" => ix.early_roles.push((p, roles::link_role(e.attr_of("href").is_some()))),
                            "td" => ix.early_roles.push((p, Some(roles::cell_role(parent.grid_table)))),
                            // Only an empty alt makes the role depend on more than the element.
                            "img" => match roles::img_role_by_alt(e.attr_of("alt")) {
                                Some(role) => ix.early_roles.push((p, Some(role))),
                                None => ix.late_roles.push(p),
                            },
                            "th" => match roles::header_role_by_scope(e.attr_of("scope")) {
                                Some(role) => ix.early_roles.push((p, Some(role))),
                                None => ix.late_roles.push(p),
                            },
                            _ => {}
                        }
                    }
                    ix.by_name.push(e.name(), p);
                    if let Some(id) = e.id() {
                        push(&mut ix.ids, id, p);
                    }
                    match e.name() {
                        "label" => {
                            if let Some(f) = e.attr_of("for") {
                                push(&mut ix.label_for, f, p);
                            }
                        }
                        "a" => {
                            if let Some(n) = e.attr_of("name") {
                                ix.a_names.insert(n.to_string());
                            }
                        }
                        _ => {}
                    }
                    if let Some(v) = owns {
                        for t in v.split_ascii_whitespace() {
                            if !ix.owners.contains_key(t) {
                                ix.owners.insert(t.to_string(), p);
                            }
                        }
                    }
                }
                ego_tree::iter::Edge::Close(node) => {
                    if matches!(node.value(), Node::Element(_)) {
                        stack.pop();
                        if let Some(e) = open_at.pop().and_then(|q| ix.end.get_mut(q as usize)) {
                            *e = ix.elements.len() as u32;
                        }
                    }
                }
            }
        }
        ix.complete = doc.tree.nodes().filter(|n| n.value().is_element()).count() == ix.elements.len();
        // Direct lookup table when every node's id numbers its slot (the
        // i-th node of the tree's node list hashes as i + 1).
        if doc.tree.nodes().enumerate().all(|(i, n)| raw_index(n.id()) == i + 1) {
            let mut t = vec![u32::MAX; doc.tree.nodes().count() + 1];
            for (p, id) in ix.elements.iter().enumerate() {
                if let Some(slot) = t.get_mut(raw_index(*id)) {
                    *slot = p as u32;
                }
            }
            ix.pos_by_raw = t;
        } else {
            ix.pos = ix.elements.iter().enumerate().map(|(p, id)| (*id, p as u32)).collect();
        }
        ix
    }

    pub fn position(&self, id: NodeId) -> Option<u32> {
        if self.pos_by_raw.is_empty() {
            return self.pos.get(&id).copied();
        }
        self.pos_by_raw.get(raw_index(id)).copied().filter(|p| *p != u32::MAX)
    }

    /// Hidden-state bits of an element (0 for nodes outside the index).
    pub fn flags(&self, id: NodeId) -> u8 {
        self.position(id).and_then(|p| self.flags.get(p as usize).copied()).unwrap_or(0)
    }

    /// Hidden-state bits at a position (0 outside the index).
    pub fn flags_at(&self, p: u32) -> u8 {
        self.flags.get(p as usize).copied().unwrap_or(0)
    }

    /// Positions whose hidden-state bits include `bit`, in document order.
    pub fn with_flag(&self, bit: u8) -> impl Iterator<Item = u32> + '_ {
        self.flags.iter().enumerate().filter(move |(_, f)| **f & bit != 0).map(|(p, _)| p as u32)
    }

    /// Size and shape of the subtree at position `p`, below `p` itself:
    /// (elements, max depth, first deepest position, max element children,
    /// first widest position; `p` itself counts for width), as a document-order
    /// walk of the subtree finds them.
    pub fn subtree_shape(&self, p: u32) -> Option<(usize, usize, Option<u32>, usize, Option<u32>)> {
        let end = *self.end.get(p as usize)?;
        let base = *self.depth.get(p as usize)?;
        let (mut n, mut max_depth, mut deepest, mut max_kids, mut widest) = (0usize, 0usize, None, 0usize, None);
        for q in p..end {
            let kids = self.kids.get(q as usize).copied().unwrap_or(0) as usize;
            if kids > max_kids {
                max_kids = kids;
                widest = Some(q);
            }
            if q != p {
                n += 1;
                let d = self.depth.get(q as usize).copied().unwrap_or(base).saturating_sub(base) as usize;
                if d > max_depth {
                    max_depth = d;
                    deepest = Some(q);
                }
            }
        }
        Some((n, max_depth, deepest, max_kids, widest))
    }

    /// True when an element in the subtree at position `p` (itself included)
    /// carries the attribute (by local name, any namespace: a superset).
    pub fn attr_within(&self, name: &str, p: u32) -> bool {
        let end = self.end.get(p as usize).copied().unwrap_or(u32::MAX);
        let with = self.with_attr(name);
        let first = with.partition_point(|q| *q < p);
        with.get(first).is_some_and(|q| *q < end)
    }

    /// True when an element with this local name is in the subtree at `p`
    /// (itself included).
    pub fn named_within(&self, name: &str, p: u32) -> bool {
        let end = self.end.get(p as usize).copied().unwrap_or(u32::MAX);
        let with = self.named(name);
        let first = with.partition_point(|q| *q < p);
        with.get(first).is_some_and(|q| *q < end)
    }

    /// How many element levels the subtree at `p` goes down (0 for an
    /// element without element children). All heights are computed in one
    /// pass the first time one is asked for.
    pub fn subtree_height(&self, p: u32) -> Option<u32> {
        let heights = self.heights.get_or_init(|| {
            let n = self.elements.len();
            let mut h = vec![0u32; n];
            // Children come after their parent in document order: from the
            // last position back, each child is final when its parent reads it.
            for q in (0..n).rev() {
                let end = self.end.get(q).copied().unwrap_or(0) as usize;
                let mut c = q + 1;
                let mut best = 0u32;
                while c < end.min(n) {
                    best = best.max(h.get(c).copied().unwrap_or(0) + 1);
                    c = (self.end.get(c).copied().unwrap_or(u32::MAX) as usize).max(c + 1);
                }
                if let Some(slot) = h.get_mut(q) {
                    *slot = best;
                }
            }
            h
        });
        heights.get(p as usize).copied()
    }

    /// True when the element at position `q` is in the subtree at `p`
    /// (itself included).
    pub fn within(&self, p: u32, q: u32) -> bool {
        p <= q && self.end.get(p as usize).is_some_and(|end| q < *end)
    }

    /// The end (exclusive) of the subtree at position `p`: its descendants
    /// are the positions `p + 1 .. end`.
    pub fn end(&self, p: u32) -> Option<u32> {
        self.end.get(p as usize).copied()
    }

    /// The NodeId at a document-order position.
    pub fn node(&self, p: u32) -> Option<NodeId> {
        self.elements.get(p as usize).copied()
    }

    pub fn named(&self, name: &str) -> &[u32] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn with_attr(&self, name: &str) -> &[u32] {
        self.by_attr.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Positions of elements with any `aria-*` attribute, in document order.
    /// Positions of elements with any `aria-*` attribute, in document order
    /// (merged once per page: several rules ask).
    pub fn with_aria_attr(&self) -> &[u32] {
        self.aria_positions.get_or_init(|| {
            let mut v: Vec<u32> =
                self.by_attr.iter().filter(|(k, _)| k.starts_with("aria-")).flat_map(|(_, v)| v.iter().copied()).collect();
            v.sort_unstable();
            v.dedup();
            v
        })
    }

    pub fn ids(&self, id: &str) -> &[u32] {
        self.ids.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn labels_for(&self, id: &str) -> &[u32] {
        self.label_for.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn owner(&self, id: &str) -> Option<u32> {
        self.owners.get(id).copied()
    }

    pub fn has_a_name(&self, name: &str) -> bool {
        self.a_names.contains(name)
    }

    /// [`crate::scanner::rules::dom::source_line`] of the element at position `p`
    /// named `name`: the n-th `name` element in document order is the n-th
    /// `<name` start tag outside comments. The rank is a binary search of the
    /// name's positions, so no per-element table is built for the few
    /// elements whose line is asked (`body` is always the page's own).
    pub fn dom_source_line(&self, body: &str, p: u32, name: &str) -> Option<u32> {
        let rank = self.named(name).binary_search(&p).ok()?;
        self.tag_lines_of(body, name).dom.get(rank).copied().filter(|l| *l > 0)
    }

    /// The 1-based line of the `k`-th `<name` in `body` (ASCII
    /// case-insensitive, `name` of `[a-z0-9-]`) that a space, `>`, `/`, tab,
    /// CR, LF or form feed follows (`body` is always the page's own).
    pub fn start_tag_line(&self, body: &str, name: &str, k: usize) -> Option<u32> {
        self.tag_lines_of(body, name).all.get(k).copied()
    }

    /// The start-tag lines of one name, from the page's tag table, kept for
    /// the next question about the same name. Evidence asks about a few
    /// names, so no list is built for the rest (hashing every tag's name into
    /// a table cost more than the rest of the scan). A bucket asked about for
    /// more than [`TagTable::SCANS`] names is indexed whole instead, so the
    /// work stays linear in the page whatever names evidence asks for.
    pub fn tag_lines_of(&self, body: &str, name: &str) -> std::rc::Rc<TagLines> {
        if let Some(l) = self.tag_lines.borrow().get(name) {
            return l.clone();
        }
        let table = self.tags.get_or_init(|| TagTable::scan(body));
        let mut cache = self.tag_lines.borrow_mut();
        let bucket = table.bucket_of(name);
        let state = bucket.and_then(|b| table.scans.borrow().get(b).copied()).unwrap_or(TagTable::INDEXED);
        let lines = match (bucket, state) {
            // Not a name the table holds, or its bucket is already in the cache whole.
            (None, _) | (_, TagTable::INDEXED) => TagLines::default(),
            (Some(b), n) if n < TagTable::SCANS => {
                if let Some(c) = table.scans.borrow_mut().get_mut(b) {
                    *c += 1;
                }
                table.lines_of(body, b, name)
            }
            (Some(b), _) => {
                if let Some(c) = table.scans.borrow_mut().get_mut(b) {
                    *c = TagTable::INDEXED;
                }
                let mut all = table.index_bucket(body, b);
                let found = all.remove(name).unwrap_or_default();
                for (n, l) in all {
                    cache.entry(n).or_insert_with(|| std::rc::Rc::new(l));
                }
                found
            }
        };
        let lines = std::rc::Rc::new(lines);
        cache.insert(name.to_string(), lines.clone());
        lines
    }
}

fn push(m: &mut HashMap<String, Vec<u32>>, k: &str, p: u32) {
    match m.get_mut(k) {
        Some(v) => v.push(p),
        None => {
            m.insert(k.to_string(), vec![p]);
        }
    }
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
