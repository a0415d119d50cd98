//! axe's hidden-element semantics, approximated from static HTML: the `hidden`
//! attribute, inline `display`/`visibility`/`content-visibility`, natively
//! hidden elements, closed `<details>`, and (for "hidden from assistive tech")
//! `aria-hidden="true"` and `inert`. Class-based CSS is invisible to us.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use scraper::ElementRef;

/// The value of one property in an inline `style` attribute, lower-cased, as
/// the cascade applies it (`!important` first, then the last; see [`super::css`]).
pub fn inline_style(el: ElementRef, prop: &str) -> Option<String> {
    style_value(el.value().attr_of("style")?, prop)
}

/// [`inline_style`] on the attribute's text.
pub fn style_value(style: &str, prop: &str) -> Option<String> {
    super::css::value(style, prop)
}

/// Elements the UA stylesheet never renders.
pub fn natively_hidden(name: &str) -> bool {
    matches!(
        name,
        "style" | "script" | "noscript" | "template" | "head" | "title" | "meta" | "link" | "base" | "datalist" | "param"
    )
}

/// True when this element itself (not its ancestors) is `display:none`.
pub fn display_none(el: ElementRef) -> bool {
    let e = el.value();
    if natively_hidden(e.name()) {
        return true;
    }
    if e.name() == "input" && e.attr_of("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("hidden")) {
        return true;
    }
    match inline_style(el, "display") {
        Some(d) if d == "none" => true,
        Some(_) => false,
        None => e.attr_of("hidden").is_some(),
    }
}

/// axe `isHiddenForEveryone`: not rendered at all.
pub fn hidden_for_everyone(el: ElementRef) -> bool {
    if display_none(el) {
        return true;
    }
    // visibility inherits, so the nearest explicit value decides.
    let mut visibility_decided = false;
    if let Some(v) = inline_style(el, "visibility") {
        if v == "hidden" || v == "collapse" {
            return true;
        }
        visibility_decided = true;
    }
    let mut child = el;
    for anc in el.ancestors().filter_map(ElementRef::wrap) {
        if display_none(anc) {
            return true;
        }
        if !visibility_decided {
            if let Some(v) = inline_style(anc, "visibility") {
                if v == "hidden" || v == "collapse" {
                    return true;
                }
                visibility_decided = true;
            }
        }
        if inline_style(anc, "content-visibility").is_some_and(|v| v == "hidden") {
            return true;
        }
        if anc.value().name() == "details" && anc.value().attr_of("open").is_none() {
            let first_summary =
                anc.children().filter_map(ElementRef::wrap).find(|c| c.value().name() == "summary");
            if first_summary.map(|s| s.id()) != Some(child.id()) {
                return true;
            }
        }
        child = anc;
    }
    false
}

/// aria-hidden="true" or inert on the element or an ancestor.
pub fn aria_hidden_or_inert(el: ElementRef) -> bool {
    std::iter::once(el).chain(el.ancestors().filter_map(ElementRef::wrap)).any(|e| {
        let v = e.value();
        v.attr_of("inert").is_some() || v.attr_of("aria-hidden").is_some_and(|a| a.trim().eq_ignore_ascii_case("true"))
    })
}

/// axe `isVisibleToScreenReaders` negated: hidden for everyone, or removed from
/// the accessibility tree by aria-hidden / inert.
pub fn hidden_from_at(el: ElementRef) -> bool {
    aria_hidden_or_inert(el) || hidden_for_everyone(el)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use scraper::{Html, Selector};

    fn pick<'a>(doc: &'a Html, s: &str) -> ElementRef<'a> {
        doc.select(&Selector::parse(s).unwrap()).next().unwrap()
    }

    #[test]
    fn hidden_semantics() {
        let doc = Html::parse_document(
            r#"<div hidden><p id=a>x</p></div><div style="visibility:hidden"><p id=b>x</p><p id=c style="visibility: visible">x</p></div>
            <details><summary id=d>s</summary><p id=e>x</p></details><div aria-hidden="true"><p id=f>x</p></div><p id=g>x</p>
            <div style="display:block" hidden><p id=h>x</p></div>"#,
        );
        assert!(hidden_for_everyone(pick(&doc, "#a")));
        assert!(hidden_for_everyone(pick(&doc, "#b")));
        assert!(!hidden_for_everyone(pick(&doc, "#c")));
        assert!(!hidden_for_everyone(pick(&doc, "#d")));
        assert!(hidden_for_everyone(pick(&doc, "#e")));
        assert!(!hidden_for_everyone(pick(&doc, "#f")));
        assert!(hidden_from_at(pick(&doc, "#f")));
        assert!(!hidden_from_at(pick(&doc, "#g")));
        assert!(!hidden_for_everyone(pick(&doc, "#h")));
    }

    /// An `!important` declaration wins over a later normal one, as browsers apply inline styles.
    #[test]
    fn important_inline_declarations_win() {
        let doc = Html::parse_document(
            r#"<div id=a style="display:none !important; display:block">x</div><p id=b style="visibility: hidden ! IMPORTANT; visibility: visible">y</p>
            <p id=c style="display:none; display:block">z</p>"#,
        );
        assert!(display_none(pick(&doc, "#a")));
        assert!(hidden_for_everyone(pick(&doc, "#b")));
        assert!(!hidden_for_everyone(pick(&doc, "#c")));
    }
}
