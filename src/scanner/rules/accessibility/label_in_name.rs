//! WCAG 2.5.3 Label in Name, after the ACT "label in name" comparison: the
//! visible text of a control named from content but given an explicit name
//! (aria-label / aria-labelledby) must appear in that name as a contiguous
//! run of whole words, case-insensitively, with punctuation, symbols and
//! emoji acting as word separators and parenthesised hints dropped. A label
//! word ending in "." is an abbreviation and matches a name word it starts.
use crate::scanner::rules::dom::hidden::{display_none, hidden_for_everyone, inline_style};
use scraper::{ElementRef, Node};

/// Elements rendered inline by default (no word break around them).
fn inline_by_default(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr" | "b" | "bdi" | "bdo" | "cite" | "code" | "data" | "dfn" | "em" | "i" | "kbd" | "mark" | "q" | "s"
            | "samp" | "small" | "span" | "strong" | "sub" | "sup" | "time" | "u" | "var" | "label" | "font" | "img"
            | "button" | "input" | "select" | "textarea"
    )
}

fn is_inline(el: ElementRef) -> bool {
    match inline_style(el, "display") {
        Some(d) => d.starts_with("inline") || d == "contents",
        None => inline_by_default(el.value().name()),
    }
}

/// Rendered text of the subtree: hidden (not rendered) parts dropped,
/// aria-hidden text kept (it is still seen), block boundaries as spaces.
/// One pass over the subtree: each element's own display/visibility is
/// checked (its ancestors up to `el` were on the way down), so the cost stays
/// linear in the subtree.
pub fn visible_text(el: ElementRef) -> String {
    let mut out = String::new();
    collect(el, &mut out, hidden_for_everyone(el), 0);
    out
}

fn collect(el: ElementRef, out: &mut String, invisible: bool, depth: usize) {
    if depth > 64 {
        return;
    }
    for child in el.children() {
        match child.value() {
            Node::Text(t) if !invisible => out.push_str(t),
            Node::Text(_) => {}
            Node::Element(e) => {
                let Some(c) = ElementRef::wrap(child) else { continue };
                if e.name() == "br" {
                    out.push(' ');
                    continue;
                }
                if matches!(e.name(), "script" | "style" | "template" | "noscript") || display_none(c) {
                    continue;
                }
                // visibility inherits but a descendant may turn it back on.
                let invisible = match inline_style(c, "visibility") {
                    Some(v) => v == "hidden" || v == "collapse",
                    None => invisible,
                };
                let block = !is_inline(c);
                if block {
                    out.push(' ');
                }
                collect(c, out, invisible, depth + 1);
                if block {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// Words of a text: lower-cased, split on anything that is not a letter or
/// digit. Each word carries whether an abbreviation dot follows it.
fn words(s: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    for ch in s.chars() {
        if ch.is_alphanumeric() {
            cur.extend(ch.to_lowercase());
        } else if ch == '\u{00AD}' || ch == '\u{200B}' || ch == '\u{200C}' || ch == '\u{200D}' || ch == '\u{2060}' {
            // Invisible format characters do not break words.
        } else {
            if !cur.is_empty() {
                out.push((std::mem::take(&mut cur), ch == '.'));
            }
        }
    }
    if !cur.is_empty() {
        out.push((cur, false));
    }
    out
}

/// Drops "(…)" and "[…]" asides, which are hints rather than the label.
fn drop_parenthesised(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for ch in s.chars() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// The visible text is symbols, emoji or a few characters (an icon or
    /// abbreviation, e.g. "X", "B", "?"): a human must judge.
    Review,
}

pub fn compare(visible: &str, name: &str) -> Verdict {
    if visible.trim().is_empty() {
        return Verdict::Pass;
    }
    let label = words(&drop_parenthesised(visible));
    let name = words(name);
    let letters: usize = label.iter().map(|(w, _)| w.chars().count()).sum();
    if letters <= 3 || name.is_empty() {
        return Verdict::Review;
    }
    let matches = |l: &(String, bool), n: &(String, bool)| l.0 == n.0 || (l.1 && n.0.starts_with(&l.0));
    let found = (0..name.len()).any(|i| {
        label.iter().enumerate().all(|(j, l)| name.get(i + j).is_some_and(|n| matches(l, n)))
    });
    if found {
        Verdict::Pass
    } else {
        Verdict::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use scraper::{Html, Selector};

    #[test]
    fn word_runs() {
        assert_eq!(compare("ACT rules", "act Rules"), Verdict::Pass);
        assert_eq!(compare("Next Page", "Next Page in the list"), Verdict::Pass);
        assert_eq!(compare("Search by date (YYYY-MM-DD)", "Search by date"), Verdict::Pass);
        assert_eq!(compare(">>> ** Submit ** <<<", "💡 Submit 💡"), Verdict::Pass);
        assert_eq!(compare("University Ave.", "University Avenue"), Verdict::Pass);
        assert_eq!(compare("The full label", "the full"), Verdict::Fail);
        assert_eq!(compare("Discover It", "Discover Italy"), Verdict::Fail);
        assert_eq!(compare("justice", "just ice"), Verdict::Fail);
        assert_eq!(compare("123.555.0123", "1 2 3. 5 5 5. 0 1 2 3"), Verdict::Fail);
        assert_eq!(compare("X", "close"), Verdict::Review);
        assert_eq!(compare("☄️", "comet"), Verdict::Review);
        assert_eq!(compare("shooting star", "☄️"), Verdict::Review);
    }

    #[test]
    fn rendered_text() {
        let doc = Html::parse_fragment(
            r#"<a id=t>Download <span style="display:none">gizmo</span><span aria-hidden="true">x</span> <div style="display:inline">s</div><p>end</p></a>"#,
        );
        let a = doc.select(&Selector::parse("#t").unwrap()).next().unwrap();
        assert_eq!(visible_text(a).split_whitespace().collect::<Vec<_>>(), ["Download", "x", "s", "end"]);
    }
}
