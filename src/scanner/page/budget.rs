//! The per-scan work budget for HTML, and the parse that enforces it.
//!
//! html5ever is correct but not linear on hostile input: every start tag walks
//! the stack of open elements (so 200 000 nested `<div>`s cost n² steps), and
//! the tokenizer checks each attribute against all earlier ones of its tag (so
//! one element with 200 000 attributes costs n² too). We cannot change the
//! parser, so we bound what it is given: the body is fed in small chunks, and
//! parsing stops at the first chunk after which the tree is past a limit. A
//! linear pre-scan finds start tags with too many attributes so the parser
//! never sees them. Past a limit the page is analysed as far as it was parsed
//! and the rules that needed the whole document say so (`page_too_complex`).
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::html::HtmlTreeSink;
use scraper::Html;
use serde::Serialize;
use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};

/// Limits no real page meets (see the README for the measurements behind
/// them); each is checked while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Elements in the tree.
    pub elements: usize,
    /// Depth of an element below the document (Chromium's own parser stops
    /// nesting at 512; real pages stay under 100).
    pub depth: u32,
    /// Attributes on one start tag.
    pub attributes: usize,
    /// The sum over all tags of the depth they are parsed at: what the
    /// parser's walks of its stack of open elements can cost. It bounds
    /// "deep, then wide" pages that stay under `depth` but make every tag
    /// (stray end tags included) walk a deep stack. Since it includes the sum
    /// of every element's depth, it also bounds what any rule pays for one
    /// walk of each element's ancestors or of each element's subtree.
    pub nesting_work: u64,
    /// Bytes of HTML source parsed (the fetcher's body cap is the same size).
    pub html_bytes: usize,
}

/// The element limit is what the byte limit allows at realistic density (a
/// 5 MiB page of realistic shape has ~147 000 elements): denser pages, such
/// as floods of tiny elements, are analysed as far as the largest real one.
pub const LIMITS: Limits =
    Limits { elements: 150_000, depth: 256, attributes: 256, nesting_work: 10_000_000, html_bytes: 5 * 1024 * 1024 };

/// Which limit a page went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitHit {
    Elements,
    Depth,
    Attributes,
    NestingWork,
    HtmlBytes,
}

impl LimitHit {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitHit::Elements => "elements",
            LimitHit::Depth => "depth",
            LimitHit::Attributes => "attributes",
            LimitHit::NestingWork => "nesting_work",
            LimitHit::HtmlBytes => "html_bytes",
        }
    }
    pub fn describe(self, l: &Limits) -> String {
        match self {
            LimitHit::Elements => format!("more than {} elements", l.elements),
            LimitHit::Depth => format!("elements nested more than {} deep", l.depth),
            LimitHit::Attributes => format!("an element with more than {} attributes", l.attributes),
            LimitHit::NestingWork => format!("tags whose nesting depths add up to more than {}", l.nesting_work),
            LimitHit::HtmlBytes => format!("more than {} bytes of HTML", l.html_bytes),
        }
    }
}

/// The parsed tree and what the budget cut.
pub struct Parsed {
    pub html: Html,
    /// Limits hit, in a stable order, without repeats (empty for real pages).
    pub limits_hit: Vec<LimitHit>,
    /// Bytes of the body the tree was built from.
    pub parsed_bytes: usize,
    /// Elements created, and the nesting work spent (for the benchmarks).
    pub elements: usize,
    pub nesting_work: u64,
}

/// Bytes fed to the parser at a time: the most it can overrun a limit by.
const CHUNK: usize = 4096;

/// Parses `body` as an HTML document within `limits`.
pub fn parse(body: &str, limits: &Limits) -> Parsed {
    let mut parse = Stepwise::new(body, limits);
    while parse.step(usize::MAX) {}
    parse.finish()
}

/// A parse fed in slices, so the Worker can hand the thread back between
/// them: one 5 MiB page would otherwise hold the isolate, and every other
/// scan's I/O in it, for the whole parse.
pub struct Stepwise<'b> {
    body: &'b str,
    limits: &'b Limits,
    parser: html5ever::driver::Parser<BudgetSink>,
    hits: Vec<LimitHit>,
    end: usize,
    at: usize,
    work: u64,
    other_work: u64,
    stopped: bool,
}

impl<'b> Stepwise<'b> {
    pub fn new(body: &'b str, limits: &'b Limits) -> Self {
        let mut hits = Vec::new();
        let mut end = body.len();
        if end > limits.html_bytes {
            end = floor_char_boundary(body, limits.html_bytes);
            hits.push(LimitHit::HtmlBytes);
        }
        if let Some(at) = first_tag_over_attributes(&body.as_bytes()[..end], limits.attributes) {
            end = at;
            hits.push(LimitHit::Attributes);
        }
        let parser = html5ever::driver::parse_document(BudgetSink::new(limits), Default::default());
        Stepwise { body, limits, parser, hits, end, at: 0, work: 0, other_work: 0, stopped: false }
    }

    /// Feeds at least one chunk and about `max_bytes`; false once the body
    /// is parsed or a limit stopped the parse.
    pub fn step(&mut self, max_bytes: usize) -> bool {
        let (body, limits) = (self.body, self.limits);
        let stop_at = self.at.saturating_add(max_bytes.max(1)).min(self.end);
        while !self.stopped && self.at < self.end {
            let at = self.at;
            let next = floor_char_boundary(body, (at + CHUNK).min(self.end)).max(ceil_char_boundary(body, at + 1).min(self.end));
            let (depth_before, elements_before) = {
                let sink = &self.parser.tokenizer.sink.sink;
                sink.chunk_max_depth.set(0);
                (sink.current_depth.get(), sink.elements.get())
            };
            self.parser.process(StrTendril::from_slice(&body[at..next]));
            let sink = &self.parser.tokenizer.sink.sink;
            // Elements are charged their exact depth (in `depth_sum`); every
            // other tag in the chunk (end tags, comments) may walk the whole
            // stack, so it is charged the deepest point the chunk reached.
            let tags = body.as_bytes()[at..next].iter().filter(|&&c| c == b'<').count();
            let others = tags.saturating_sub(sink.elements.get() - elements_before) as u64;
            let deepest = depth_before.max(sink.chunk_max_depth.get()).max(1);
            self.other_work += others * u64::from(deepest);
            self.work = sink.depth_sum.get() + self.other_work;
            self.at = next;
            if sink.elements.get() > limits.elements {
                self.hits.push(LimitHit::Elements);
            }
            if sink.too_deep.get() {
                self.hits.push(LimitHit::Depth);
            }
            if self.work > limits.nesting_work {
                self.hits.push(LimitHit::NestingWork);
            }
            if self.hits.iter().any(|h| matches!(h, LimitHit::Elements | LimitHit::Depth | LimitHit::NestingWork)) {
                self.stopped = true;
            }
            if self.at >= stop_at {
                break;
            }
        }
        !self.stopped && self.at < self.end
    }

    pub fn finish(self) -> Parsed {
        let elements = self.parser.tokenizer.sink.sink.elements.get();
        let html = self.parser.finish();
        let mut hits = self.hits;
        hits.sort();
        hits.dedup();
        Parsed { html, limits_hit: hits, parsed_bytes: self.at, elements, nesting_work: self.work }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Elements whose content the tokenizer reads as text up to their end tag.
const RAW_TEXT: &[&[u8]] = &[
    b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes", b"noscript",
];

/// Offset of the first tag with more than `max` attributes, by a single pass
/// that follows the tokenizer's tag, comment and raw-text states closely
/// enough to count attributes (it only has to find floods, not parse).
pub fn first_tag_over_attributes(b: &[u8], max: usize) -> Option<usize> {
    let mut i = 0;
    let n = b.len();
    while i < n {
        let Some(lt) = memchr(b'<', &b[i..]) else { return None };
        let start = i + lt;
        i = start + 1;
        if b[i..].starts_with(b"!--") {
            i = find(&b[i + 3..], b"-->").map(|p| i + 3 + p + 3).unwrap_or(n);
            continue;
        }
        if i < n && (b[i] == b'!' || b[i] == b'?') {
            i = memchr(b'>', &b[i..]).map(|p| i + p + 1).unwrap_or(n);
            continue;
        }
        let end_tag = i < n && b[i] == b'/';
        if end_tag {
            i += 1;
        }
        if i >= n || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let name_start = i;
        while i < n && !matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>') {
            i += 1;
        }
        let name = &b[name_start..i];
        let mut attrs = 0usize;
        // Attributes: name [= value], separated by whitespace or '/'.
        loop {
            while i < n && matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/') {
                i += 1;
            }
            if i >= n || b[i] == b'>' {
                break;
            }
            attrs += 1;
            if attrs > max {
                return Some(start);
            }
            // The first character of a name may be '='; the name runs to
            // whitespace, '/', '>' or '='.
            i += 1;
            while i < n && !matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>' | b'=') {
                i += 1;
            }
            while i < n && matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
                i += 1;
            }
            if i < n && b[i] == b'=' {
                i += 1;
                while i < n && matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
                    i += 1;
                }
                if i < n && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    i = memchr(q, &b[i + 1..]).map(|p| i + 1 + p + 1).unwrap_or(n);
                } else {
                    while i < n && !matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'>') {
                        i += 1;
                    }
                }
            }
        }
        i = (i + 1).min(n);
        if !end_tag {
            if let Some(raw) = RAW_TEXT.iter().find(|r| r.eq_ignore_ascii_case(name)) {
                i = find_end_tag(b, i, raw).unwrap_or(n);
            } else if name.eq_ignore_ascii_case(b"plaintext") {
                return None;
            }
        }
    }
    None
}

/// Position of `</name` (any case) at or after `from`.
fn find_end_tag(b: &[u8], mut from: usize, name: &[u8]) -> Option<usize> {
    while let Some(p) = find(&b[from..], b"</") {
        let at = from + p;
        let tail = &b[at + 2..];
        if tail.len() >= name.len() && tail[..name.len()].eq_ignore_ascii_case(name) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

fn memchr(c: u8, b: &[u8]) -> Option<usize> {
    b.iter().position(|&x| x == c)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(p) = memchr(first, &hay[from..]) {
        let at = from + p;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// scraper's tree sink, counting elements and tracking how deep the parser
/// is appending, so the driver can stop.
struct BudgetSink {
    inner: HtmlTreeSink,
    max_depth: u32,
    elements: Cell<usize>,
    /// Depth of the element appended last: where the parser is working.
    current_depth: Cell<u32>,
    /// The deepest element appended in the current chunk.
    chunk_max_depth: Cell<u32>,
    /// The sum of the depths of all elements appended.
    depth_sum: Cell<u64>,
    too_deep: Cell<bool>,
    /// Depth of each element that has been appended somewhere.
    depth: RefCell<super::node_map::NodeMap<u32>>,
}

impl BudgetSink {
    fn new(limits: &Limits) -> Self {
        BudgetSink {
            inner: HtmlTreeSink::new(Html::new_document()),
            max_depth: limits.depth,
            elements: Cell::new(0),
            current_depth: Cell::new(0),
            chunk_max_depth: Cell::new(0),
            depth_sum: Cell::new(0),
            too_deep: Cell::new(false),
            depth: RefCell::new(super::node_map::NodeMap::default()),
        }
    }

    fn depth_of(&self, id: &ego_tree::NodeId) -> u32 {
        self.depth.borrow().get(id).copied().unwrap_or(0)
    }

    fn placed(&self, parent: &ego_tree::NodeId, child: &NodeOrText<ego_tree::NodeId>) {
        if let NodeOrText::AppendNode(id) = child {
            let d = self.depth_of(parent) + 1;
            if d >= self.max_depth {
                self.too_deep.set(true);
            }
            self.current_depth.set(d);
            self.chunk_max_depth.set(self.chunk_max_depth.get().max(d));
            self.depth_sum.set(self.depth_sum.get() + u64::from(d));
            self.depth.borrow_mut().insert(*id, d);
        }
    }

    fn parent_of(&self, id: &ego_tree::NodeId) -> Option<ego_tree::NodeId> {
        self.inner.0.borrow().tree.get(*id).and_then(|n| n.parent()).map(|p| p.id())
    }
}

impl TreeSink for BudgetSink {
    type Output = Html;
    type Handle = ego_tree::NodeId;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Html {
        self.inner.finish()
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg)
    }
    fn get_document(&self) -> Self::Handle {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a Self::Handle) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Self::Handle {
        self.elements.set(self.elements.get() + 1);
        self.inner.create_element(name, attrs, flags)
    }
    fn create_comment(&self, text: StrTendril) -> Self::Handle {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Self::Handle {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &Self::Handle, child: NodeOrText<Self::Handle>) {
        // Past the depth limit, new nodes become siblings at the limit (as
        // Chromium's parser does past 512), so no tree is ever deeper than
        // `depth` even in the chunk that crosses it.
        let parent = match child {
            NodeOrText::AppendNode(_) if self.depth_of(parent) >= self.max_depth => self.parent_of(parent).unwrap_or(*parent),
            _ => *parent,
        };
        self.placed(&parent, &child);
        self.inner.append(&parent, child)
    }
    fn append_based_on_parent_node(&self, element: &Self::Handle, prev_element: &Self::Handle, child: NodeOrText<Self::Handle>) {
        let parent = self.parent_of(element).unwrap_or(*prev_element);
        self.placed(&parent, &child);
        self.inner.append_based_on_parent_node(element, prev_element, child)
    }
    fn append_doctype_to_document(&self, name: StrTendril, public_id: StrTendril, system_id: StrTendril) {
        self.inner.append_doctype_to_document(name, public_id, system_id)
    }
    fn get_template_contents(&self, target: &Self::Handle) -> Self::Handle {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &Self::Handle, y: &Self::Handle) -> bool {
        self.inner.same_node(x, y)
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }
    fn append_before_sibling(&self, sibling: &Self::Handle, new_node: NodeOrText<Self::Handle>) {
        if let Some(parent) = self.parent_of(sibling) {
            self.placed(&parent, &new_node);
        }
        self.inner.append_before_sibling(sibling, new_node)
    }
    fn add_attrs_if_missing(&self, target: &Self::Handle, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs)
    }
    fn remove_from_parent(&self, target: &Self::Handle) {
        self.inner.remove_from_parent(target)
    }
    fn reparent_children(&self, node: &Self::Handle, new_parent: &Self::Handle) {
        self.inner.reparent_children(node, new_parent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Limits {
        Limits { elements: 50, depth: 10, attributes: 5, nesting_work: 100_000, html_bytes: 4000 }
    }

    /// Parsing in slices (as the Worker does, yielding between them) builds
    /// the same tree and hits the same limits as one call.
    #[test]
    fn stepwise_parse_matches_one_pass() {
        let limits = Limits { elements: 400, depth: 30, attributes: 5, nesting_work: 1_000_000, html_bytes: 1 << 20 };
        let pages = [
            format!("<!doctype html><body>{}</body>", "<p class=x>é text</p>".repeat(300)),
            format!("<!doctype html><body>{}</body>", "<div>".repeat(40)),
            "<p>short</p>".to_string(),
        ];
        for page in &pages {
            let whole = parse(page, &limits);
            let mut step = Stepwise::new(page, &limits);
            let mut steps = 1;
            while step.step(100) {
                steps += 1;
            }
            let sliced = step.finish();
            assert!(page.len() <= CHUNK || steps > 1, "a page longer than a chunk takes several steps");
            assert_eq!(sliced.limits_hit, whole.limits_hit);
            assert_eq!(sliced.parsed_bytes, whole.parsed_bytes);
            assert_eq!(sliced.elements, whole.elements);
            assert_eq!(sliced.html.html(), whole.html.html());
        }
    }

    #[test]
    fn real_shaped_pages_hit_nothing() {
        let p = parse("<!doctype html><html><body><div><p a=1 b='2' c=\"3\">x</p></div></body></html>", &small());
        assert!(p.limits_hit.is_empty());
        assert_eq!(p.html.select(&scraper::Selector::parse("p").unwrap()).count(), 1);
    }

    #[test]
    fn nesting_stops_at_the_depth_limit_within_one_chunk() {
        let body = format!("<body>{}x", "<div>".repeat(100_000));
        let p = parse(&body, &LIMITS);
        assert_eq!(p.limits_hit, vec![LimitHit::Depth]);
        let divs = p.html.select(&scraper::Selector::parse("div").unwrap()).count();
        assert!(divs > LIMITS.depth as usize && divs <= LIMITS.depth as usize + CHUNK / 5 + 1, "{divs}");
        let deepest = p.html.tree.nodes().map(|n| n.ancestors().count()).max().unwrap_or(0);
        assert_eq!(deepest, LIMITS.depth as usize);
    }

    #[test]
    fn misnested_formatting_never_builds_a_tree_past_the_depth_limit() {
        // The adoption agency moves subtrees under new elements (reparenting).
        for unit in ["<b><i><p></b>x</i>", "<a><div></a>", "<b><div><i></b>x", "<table><b><tr><td></b>"] {
            let p = parse(&format!("<body>{}", unit.repeat(20_000)), &LIMITS);
            let deepest = p.html.tree.nodes().map(|n| n.ancestors().count()).max().unwrap_or(0);
            assert!(deepest <= LIMITS.depth as usize + 1, "{unit}: {deepest}");
        }
    }

    #[test]
    fn element_floods_stop_at_the_element_limit() {
        let body = format!("<body>{}", "<i></i>".repeat(100));
        let p = parse(&body, &small());
        assert_eq!(p.limits_hit, vec![LimitHit::Elements]);
    }

    #[test]
    fn deep_then_wide_pages_stop_at_the_nesting_work() {
        let body = format!("<body>{}{}", "<div>".repeat(9), "<p>x</p>".repeat(20));
        let p = parse(&body, &Limits { nesting_work: 100, elements: 1000, depth: 100, ..small() });
        assert_eq!(p.limits_hit, vec![LimitHit::NestingWork]);
        assert!(p.nesting_work > 100);
    }

    #[test]
    fn nesting_work_counts_the_depth_of_every_element_even_within_one_chunk() {
        // Three 30-deep excursions that start and end shallow inside one chunk.
        let body = format!("<body>{}", format!("{}{}", "<i>".repeat(30), "</i>".repeat(30)).repeat(3));
        let p = parse(&body, &Limits { nesting_work: 1_000_000, elements: 1000, depth: 100, ..small() });
        assert!(p.limits_hit.is_empty());
        // html, head, body and 90 i elements at depths 3..=32 (the document is 0).
        assert!(p.nesting_work >= 3 * (3..=32).sum::<u64>(), "{}", p.nesting_work);
    }

    #[test]
    fn stray_end_tags_under_a_deep_stack_count_as_nesting_work() {
        let body = format!("<body>{}{}", "<span>".repeat(9), "</x>".repeat(900));
        let p = parse(&body, &Limits { nesting_work: 5000, elements: 1000, depth: 100, ..small() });
        assert_eq!(p.limits_hit, vec![LimitHit::NestingWork]);
    }

    #[test]
    fn attribute_floods_are_cut_before_the_tag() {
        let body = "<body><p>kept</p><div a b c d e f g>x</div>";
        let p = parse(body, &small());
        assert_eq!(p.limits_hit, vec![LimitHit::Attributes]);
        assert_eq!(p.parsed_bytes, body.find("<div").unwrap());
        assert_eq!(p.html.select(&scraper::Selector::parse("div").unwrap()).count(), 0);
        assert_eq!(p.html.select(&scraper::Selector::parse("p").unwrap()).count(), 1);
    }

    #[test]
    fn attribute_counting_skips_quoted_values_comments_and_raw_text() {
        let l = 3;
        assert_eq!(first_tag_over_attributes(b"<a x=\"1 2 3 4 5 6\" y='a b c d'>", l), None);
        assert_eq!(first_tag_over_attributes(b"<!-- <a b c d e f> --><p>", l), None);
        assert_eq!(first_tag_over_attributes(b"<script>if (a<b c d e f g) {}</script><p>", l), None);
        assert_eq!(first_tag_over_attributes(b"<SCRIPT>x</Script><b a b c d>", l), Some(18));
        assert_eq!(first_tag_over_attributes(b"<a b=1 c=2 d=3 e=4>", l), Some(0));
        assert_eq!(first_tag_over_attributes(b"a < b c d e f g", l), None);
    }

    #[test]
    fn byte_limit_cuts_on_a_character_boundary() {
        let body = format!("<body><p>{}</p>", "é".repeat(5000));
        let p = parse(&body, &small());
        assert_eq!(p.limits_hit, vec![LimitHit::HtmlBytes]);
        assert!(p.parsed_bytes <= 4000);
    }
}
