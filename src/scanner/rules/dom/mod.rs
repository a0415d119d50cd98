//! Helpers rules share for turning elements into evidence.
use crate::scanner::rules::dom::index::NameMap;
use crate::scanner::rules::Evidence;
use scraper::{ElementRef, Selector};

mod analysis;
pub mod css;
pub mod hidden;
pub mod index;
mod maps;
pub use maps::ByName;
pub mod roles;
mod tag_table;
pub use analysis::{Analysis, RoleOf, SiblingRanks};

/// Longest outer-HTML snippet kept in evidence, in characters.
pub const SNIPPET_MAX: usize = 300;

/// Parses a selector at run time. Rule code writes its selectors with
/// [`sel!`](crate::sel), which calls this once per isolate; a failure is a
/// programming error caught by the unit tests (`static_selectors_parse`), and
/// we still never panic: the result then matches nothing.
pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|_| Selector::parse("__never__").expect("valid fallback selector")) // ok: static literal
}

/// `sel!("meta[name]")`: a `&'static Selector` compiled the first time the
/// line runs, so no selector is parsed per page or per call.
#[macro_export]
macro_rules! sel {
    ($s:literal) => {{
        static SELECTOR: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| $crate::scanner::rules::dom::sel($s));
        &*SELECTOR
    }};
}

/// `html.select(selector)`, visiting only elements whose local name is in
/// `names` or that carry one of `attrs` (from the page's element index)
/// instead of every node. Every element the selector can match must be among
/// those candidates. Same elements, same order (the tree's node order, as
/// `Html::select` yields them).
pub fn select<'a>(page: &'a Analysis, names: &[&str], attrs: &[&str], selector: &Selector) -> Vec<ElementRef<'a>> {
    let Some(html) = page.html() else { return Vec::new() };
    let ix = match page.element_index() {
        Some(ix) if ix.complete => ix,
        // Detached elements exist only in the tree's node list: scan it all.
        _ => return html.select(selector).collect(),
    };
    let mut ids: Vec<ego_tree::NodeId> = names
        .iter()
        .flat_map(|n| ix.named(n).iter())
        .chain(attrs.iter().flat_map(|a| ix.with_attr(a).iter()))
        .filter_map(|p| ix.node(*p))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| html.tree.get(id).and_then(ElementRef::wrap))
        .filter(|el| selector.matches(el))
        .collect()
}

/// `html.select(&sel(name))` for a bare lower-case tag name: every element
/// with that local name (a type selector without namespace matches any
/// namespace), so the index's name list needs no selector matching.
pub fn select_named<'a>(page: &'a Analysis, name: &str) -> Vec<ElementRef<'a>> {
    let Some(html) = page.html() else { return Vec::new() };
    match page.element_index() {
        Some(ix) if ix.complete => {
            let mut ids: Vec<ego_tree::NodeId> = ix.named(name).iter().filter_map(|p| ix.node(*p)).collect();
            ids.sort_unstable();
            ids.into_iter().filter_map(|id| html.tree.get(id).and_then(ElementRef::wrap)).collect()
        }
        // What `html.select` would visit for a type selector: every attached element.
        _ => html.tree.nodes().filter_map(ElementRef::wrap).filter(|e| e.parent().is_some() && e.value().name() == name).collect(),
    }
}

/// A CSS selector that identifies the element: its id when unique-looking,
/// else a child-index path from the root.
pub fn css_path(page: &Analysis, el: ElementRef) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(el);
    while let Some(e) = cur {
        let name = e.value().name().to_string();
        if let Some(id) = e.value().id() {
            if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') && !id.starts_with(|c: char| c.is_ascii_digit()) {
                parts.push(format!("#{id}"));
                break;
            }
        }
        let parent = e.parent().and_then(ElementRef::wrap);
        match parent {
            Some(p) => {
                let (rank, same) = sibling_rank(page, p, e);
                if same > 1 {
                    parts.push(format!("{name}:nth-of-type({rank})"));
                } else {
                    parts.push(name);
                }
            }
            None => {
                parts.push(name);
            }
        }
        cur = parent;
    }
    parts.reverse();
    parts.join(" > ")
}

/// Parents with more element children than this have their children's
/// ranks computed once and kept, so evidence on a page with 100 000
/// siblings does not count them once per listed element.
const RANK_MEMO_CHILDREN: usize = 32;

/// The element's 1-based rank among its parent's children of the same name,
/// and how many there are.
fn sibling_rank(page: &Analysis, parent: ElementRef, el: ElementRef) -> (u32, u32) {
    let name = el.value().name();
    let children = || parent.children().filter_map(ElementRef::wrap);
    if children().nth(RANK_MEMO_CHILDREN).is_none() {
        let same: Vec<ElementRef> = children().filter(|c| c.value().name() == name).collect();
        let rank = same.iter().position(|c| c.id() == el.id()).unwrap_or(0) + 1;
        return (rank as u32, same.len() as u32);
    }
    page.sibling_ranks(parent.id(), || {
        // Names compared as interned atoms; a run of same-named siblings
        // (a link or list flood) counts without touching the map.
        let mut seen: std::collections::HashMap<&html5ever::LocalName, u32> = std::collections::HashMap::new();
        let mut run: Option<(&html5ever::LocalName, u32)> = None;
        let mut ranked: Vec<(ego_tree::NodeId, &html5ever::LocalName, u32)> = Vec::new();
        for c in children() {
            let name = &c.value().name.local;
            let n = match run {
                Some((last, n)) if last == name => n + 1,
                _ => {
                    if let Some((last, n)) = run {
                        seen.insert(last, n);
                    }
                    seen.get(name).copied().unwrap_or(0) + 1
                }
            };
            run = Some((name, n));
            ranked.push((c.id(), name, n));
        }
        if let Some((last, n)) = run {
            seen.insert(last, n);
        }
        let mut out = SiblingRanks::with_capacity_and_hasher(ranked.len(), Default::default());
        for (id, name, r) in ranked {
            out.insert(id, (r, seen.get(name).copied().unwrap_or(1)));
        }
        out
    })
    .get(&el.id())
    .copied()
    .unwrap_or((1, 1))
}

/// The element's outer HTML, cut to [`SNIPPET_MAX`] characters. Serialises
/// only as much of the subtree as fits, so a snippet of `<main>` on a 2 MB
/// page costs what its first few hundred characters cost.
pub fn snippet(el: ElementRef) -> String {
    let mut out = String::new();
    let complete = write_bounded(*el, &mut out, SNIPPET_MAX);
    if !complete {
        let mut cut: String = out.chars().take(SNIPPET_MAX).collect();
        cut.push('…');
        return cut;
    }
    out
}

fn escape_into(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' if !attr => out.push_str("&lt;"),
            '>' if !attr => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

/// Writes the node's HTML into `out`; returns false once `out` is past `budget`
/// characters (the caller cuts it).
fn write_bounded(node: ego_tree::NodeRef<scraper::Node>, out: &mut String, budget: usize) -> bool {
    if out.len() > budget * 4 {
        return false;
    }
    match node.value() {
        scraper::Node::Element(e) => {
            out.push('<');
            out.push_str(e.name());
            for (k, v) in e.attrs() {
                out.push(' ');
                out.push_str(k);
                out.push_str("=\"");
                escape_into(out, v, true);
                out.push('"');
            }
            out.push('>');
            if VOID.contains(&e.name()) {
                return out.chars().count() <= budget;
            }
            for child in node.children() {
                if !write_bounded(child, out, budget) {
                    return false;
                }
            }
            out.push_str("</");
            out.push_str(e.name());
            out.push('>');
        }
        scraper::Node::Text(t) => {
            // Only as much text as can still show.
            let room = (budget * 4).saturating_sub(out.len()) + 1;
            let text: &str = t;
            let end = text.char_indices().nth(room).map(|(i, _)| i).unwrap_or(text.len());
            escape_into(out, &text[..end], false);
            if end < text.len() {
                return false;
            }
        }
        scraper::Node::Comment(c) => {
            out.push_str("<!--");
            out.push_str(c);
            out.push_str("-->");
        }
        _ => {}
    }
    out.chars().count() <= budget || out.len() <= budget
}

/// The 1-based source line of the element's start tag. The n-th `<name` tag
/// in the source is matched with the n-th `name` element of the tree; the
/// index is built once per page (linear in its size) and cached on the page.
/// None when the source and tree disagree (elements the parser implied).
pub fn source_line(page: &Analysis, el: ElementRef) -> Option<u32> {
    // The element index holds the same table by position (no NodeId hashing).
    if let (Some(ix), Some(body)) = (page.element_index(), page.source()) {
        if let Some(p) = ix.position(el.id()) {
            return ix.dom_source_line(body, p, el.value().name());
        }
    }
    page.line_index().get(&el.id()).copied()
}

/// Builds the NodeId → line map for a page: one pass over the tree, one over the source.
pub fn build_line_index(body: &str, html: &scraper::Html) -> std::collections::HashMap<ego_tree::NodeId, u32> {
    use std::collections::HashMap;
    let starts = start_tag_lines_by_name(body);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = HashMap::with_capacity(starts.iter().map(|(_, v)| v.len()).sum());
    for node in html.tree.root().descendants() {
        if let scraper::Node::Element(e) = node.value() {
            let n = seen.entry(e.name()).or_insert(0);
            if let Some(l) = starts.get(e.name()).and_then(|v| v.get(*n)) {
                out.insert(node.id(), *l);
            }
            *n += 1;
        }
    }
    out
}

/// Per lower-case tag name, the 1-based lines of its start tags in source
/// order (tags inside comments skipped), as [`source_line`] counts them.
pub fn start_tag_lines(body: &str) -> std::collections::HashMap<String, Vec<u32>> {
    start_tag_lines_by_name(body).into_map()
}

/// [`start_tag_lines`] as a [`NameMap`]. Jumps from `<` to `<` and counts
/// newlines in between in bulk, instead of inspecting every byte.
pub fn start_tag_lines_by_name(body: &str) -> NameMap {
    let mut starts = NameMap::default();
    let mut name = String::new();
    let bytes = body.as_bytes();
    let newlines = |from: usize, to: usize| bytes.get(from..to).map_or(0, |b| b.iter().filter(|c| **c == b'\n').count()) as u32;
    // `line` is the line of byte `counted`.
    let (mut line, mut counted, mut i) = (1u32, 0usize, 0usize);
    while let Some(off) = bytes.get(i..).and_then(|r| r.iter().position(|b| *b == b'<')) {
        let at = i + off;
        line += newlines(counted, at);
        counted = at;
        let rest = bytes.get(at + 1..).unwrap_or(&[]);
        let len = rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-').count();
        let first_ok = rest.first().is_some_and(|c| c.is_ascii_alphabetic());
        let boundary = matches!(rest.get(len).copied(), Some(b' ' | b'>' | b'/' | b'\t' | b'\n' | b'\r' | 0x0c) | None);
        if first_ok && boundary && len > 0 {
            // Reused buffer: a new key is allocated per distinct name, not per tag.
            name.clear();
            name.extend(rest.iter().take(len).map(|c| char::from(c.to_ascii_lowercase())));
            starts.push(&name, line);
        }
        // Skip comments wholesale so tags inside them do not count.
        if rest.starts_with(b"!--") {
            let end = body.get(at..).and_then(|r| r.find("-->")).map(|e| at + e + 3).unwrap_or(bytes.len());
            line += newlines(counted, end);
            counted = end;
            i = end;
            continue;
        }
        i = at + 1;
    }
    starts
}

/// Element evidence for a violation.
pub fn element(page: &Analysis, el: ElementRef) -> Evidence {
    Evidence::Element {
        selector: css_path(page, el),
        snippet: snippet(el),
        line: source_line(page, el),
        needs_review: false,
        node: Some(el.id()),
    }
}

/// Element evidence that needs a human to decide.
pub fn element_review(page: &Analysis, el: ElementRef) -> Evidence {
    match element(page, el) {
        Evidence::Element { selector, snippet, line, node, .. } => {
            Evidence::Element { selector, snippet, line, needs_review: true, node }
        }
        other => other,
    }
}

/// Header evidence.
pub fn header(name: &str, value: Option<&str>) -> Evidence {
    Evidence::Header { name: name.to_string(), value: value.map(str::to_string) }
}

/// `Element::attr` without interning the name: scraper turns the name into an
/// atom (a hash, and for uncommon names a global-set lookup) on every call,
/// and rules ask hundreds of thousands of times per large page. Scanning the
/// element's few attributes finds the same one (the parser keeps attribute
/// names unique; only no-prefix, no-namespace names match, as in `attr`).
pub trait AttrExt {
    fn attr_of(&self, name: &str) -> Option<&str>;
    /// `[attr_of(names[0]), attr_of(names[1]), …]` in one pass over the
    /// attributes (the first of a repeated name, as `attr_of`).
    fn attrs_of<const N: usize>(&self, names: [&str; N]) -> [Option<&str>; N];
}

impl AttrExt for scraper::node::Element {
    #[inline]
    fn attr_of(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(q, _)| q.prefix.is_none() && &*q.local == name && q.ns.is_empty()).map(|(_, v)| &**v)
    }

    fn attrs_of<const N: usize>(&self, names: [&str; N]) -> [Option<&str>; N] {
        let mut out = [None; N];
        for (q, v) in self.attrs.iter().filter(|(q, _)| q.prefix.is_none() && q.ns.is_empty()) {
            let local: &str = &q.local;
            if let Some(slot) = names.iter().position(|n| *n == local).and_then(|i| out.get_mut(i)) {
                slot.get_or_insert(&**v);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    /// One pass over the attributes answers as `attr_of` does, name by name
    /// (absent names, SVG's namespaced `xlink:href` is not `href`).
    #[test]
    fn attrs_of_equals_attr_of() {
        use super::AttrExt;
        let doc = scraper::Html::parse_document(r##"<a href="/x" role=link data-x=1>t</a><svg><a xlink:href="#y">s</a></svg>"##);
        for a in doc.select(crate::sel!("a")) {
            let e = a.value();
            let names = ["href", "role", "aria-label", "data-x"];
            assert_eq!(e.attrs_of(names), names.map(|n| e.attr_of(n)));
        }
        let first = doc.select(crate::sel!("a")).next().map(|a| a.value().attrs_of(["role", "href"]));
        assert_eq!(first, Some([Some("link"), Some("/x")]));
    }

    /// Every `sel!("…")` in the rule sources parses: a typo would otherwise
    /// give a selector that silently matches nothing.
    #[test]
    fn static_selectors_parse() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut seen = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            for (at, _) in text.match_indices("sel!(\"") {
                let rest = &text[at + 6..];
                let Some(end) = rest.find("\")") else { continue };
                let s = &rest[..end];
                if s == "…" {
                    continue;
                }
                assert!(scraper::Selector::parse(s).is_ok(), "{}: selector {s:?} does not parse", f.display());
                seen += 1;
            }
        }
        // The rules' selectors (a lower count means the scan stopped finding them).
        assert!(seen >= 25, "found only {seen} static selectors");
    }
}
