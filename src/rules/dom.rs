//! Helpers rules share for turning elements into evidence.
use crate::page::Page;
use crate::rules::Evidence;
use scraper::{ElementRef, Selector};

/// Longest outer-HTML snippet kept in evidence, in characters.
pub const SNIPPET_MAX: usize = 300;

/// Parses a selector written in the rule source. Selectors are static strings,
/// so a failure is a programming error caught by the unit tests; we still
/// never panic and return a selector that matches nothing.
pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|_| Selector::parse("__never__").expect("valid fallback selector"))
}

/// A CSS selector that identifies the element: its id when unique-looking,
/// else a child-index path from the root.
pub fn css_path(el: ElementRef) -> String {
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
                let same: Vec<ElementRef> =
                    p.children().filter_map(ElementRef::wrap).filter(|c| c.value().name() == name).collect();
                if same.len() > 1 {
                    let idx = same.iter().position(|c| c.id() == e.id()).unwrap_or(0) + 1;
                    parts.push(format!("{name}:nth-of-type({idx})"));
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

/// The element's outer HTML, cut to [`SNIPPET_MAX`] characters.
pub fn snippet(el: ElementRef) -> String {
    let html = el.html();
    if html.chars().count() <= SNIPPET_MAX {
        return html;
    }
    let mut s: String = html.chars().take(SNIPPET_MAX).collect();
    s.push('…');
    s
}

/// The 1-based source line of the element's start tag, found by locating the
/// n-th occurrence of `<name` in the source that matches this element's
/// position among same-named elements. Returns None when the source and tree
/// disagree (e.g. implied elements the parser inserted).
pub fn source_line(page: &Page, el: ElementRef) -> Option<u32> {
    let body = page.body.as_deref()?;
    let html = page.html.as_ref()?;
    let name = el.value().name();
    let sel = Selector::parse(name).ok()?;
    let index = html.select(&sel).position(|e| e.id() == el.id())?;
    let lower = body.to_ascii_lowercase();
    let needle = format!("<{name}");
    let mut seen = 0usize;
    let mut from = 0usize;
    while let Some(pos) = lower[from..].find(&needle) {
        let at = from + pos;
        let next = lower.as_bytes().get(at + needle.len()).copied();
        let boundary = matches!(next, Some(b' ' | b'>' | b'/' | b'\t' | b'\n' | b'\r' | 0x0c));
        if boundary {
            if seen == index {
                return Some(lower[..at].bytes().filter(|b| *b == b'\n').count() as u32 + 1);
            }
            seen += 1;
        }
        from = at + needle.len();
    }
    None
}

/// Element evidence for a violation.
pub fn element(page: &Page, el: ElementRef) -> Evidence {
    Evidence::Element {
        selector: css_path(el),
        snippet: snippet(el),
        line: source_line(page, el),
        needs_review: false,
        node: Some(el.id()),
    }
}

/// Element evidence that needs a human to decide.
pub fn element_review(page: &Page, el: ElementRef) -> Evidence {
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
