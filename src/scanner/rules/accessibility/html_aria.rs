//! ARIA in HTML (W3C): which explicit roles an HTML element may take, kept as
//! data so it can be read against the specification's "document conformance
//! requirements" table row by row, plus the few roles that in turn may only be
//! hosted by one kind of element (the DPUB link and list-item subclasses and
//! `doc-cover`). The element's implicit role is always allowed (redundant, not
//! wrong).
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use super::aria::{ancestors, explicit_role, implicit_role, input_type};
use super::ctx::{natively_focusable, Ctx};
use scraper::ElementRef;

/// What an element accepts as its `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// Any role (generic and phrasing elements, custom elements).
    Any,
    /// Only these (the implicit role is always allowed besides).
    Only(&'static [&'static str]),
}
use Allowed::*;

const NONE: Allowed = Only(&[]);
const PRESENTATIONAL: &[&str] = &["none", "presentation"];
const LIST_ROLES: &[&str] =
    &["directory", "group", "listbox", "menu", "menubar", "none", "presentation", "radiogroup", "tablist", "toolbar", "tree"];
const A_HREF_ROLES: &[&str] = &[
    "button", "checkbox", "menuitem", "menuitemcheckbox", "menuitemradio", "option", "radio", "switch", "tab", "treeitem",
    "doc-backlink", "doc-biblioref", "doc-glossref", "doc-noteref",
];
const BUTTON_ROLES: &[&str] = &[
    "checkbox", "combobox", "gridcell", "link", "menuitem", "menuitemcheckbox", "menuitemradio", "option", "radio",
    "separator", "slider", "switch", "tab", "treeitem",
];
const IMG_NAMED_ROLES: &[&str] = &[
    "button", "checkbox", "link", "math", "menuitem", "menuitemcheckbox", "menuitemradio", "meter", "option",
    "progressbar", "radio", "scrollbar", "separator", "slider", "switch", "tab", "treeitem", "doc-cover",
];
const HEADING_ROLES: &[&str] = &["none", "presentation", "tab", "doc-subtitle"];
const SECTION_ROLES: &[&str] = &[
    "alert", "alertdialog", "application", "banner", "complementary", "contentinfo", "dialog", "document", "feed",
    "group", "log", "main", "marquee", "navigation", "none", "note", "presentation", "search", "status", "tabpanel",
    "doc-abstract", "doc-acknowledgments", "doc-afterword", "doc-appendix", "doc-bibliography", "doc-chapter",
    "doc-colophon", "doc-conclusion", "doc-credit", "doc-credits", "doc-dedication", "doc-endnotes", "doc-epigraph",
    "doc-epilogue", "doc-errata", "doc-example", "doc-foreword", "doc-glossary", "doc-index", "doc-introduction",
    "doc-notice", "doc-pagelist", "doc-part", "doc-preface", "doc-prologue", "doc-pullquote", "doc-qna", "doc-toc",
];
const ASIDE_ROLES: &[&str] = &[
    "feed", "none", "note", "presentation", "region", "search", "doc-dedication", "doc-example", "doc-footnote",
    "doc-glossary", "doc-pullquote", "doc-tip",
];
const LI_ROLES: &[&str] = &[
    "menuitem", "menuitemcheckbox", "menuitemradio", "option", "none", "presentation", "radio", "separator", "tab",
    "treeitem", "doc-biblioentry", "doc-endnote",
];
const TEXT_INPUT_ROLES: &[&str] = &["combobox", "searchbox", "spinbutton"];

/// Elements fixed to one set of roles (everything not listed takes any role).
static ELEMENTS: &[(&str, Allowed)] = &[
    ("article", Only(&["application", "document", "feed", "main", "none", "presentation", "region"])),
    ("aside", Only(ASIDE_ROLES)),
    ("audio", Only(&["application"])),
    ("base", NONE),
    ("body", NONE),
    ("br", Only(PRESENTATIONAL)),
    ("button", Only(BUTTON_ROLES)),
    ("caption", NONE),
    ("col", NONE),
    ("colgroup", NONE),
    ("datalist", NONE),
    ("dd", NONE),
    ("details", NONE),
    ("dialog", Only(&["alertdialog"])),
    ("dl", Only(&["group", "list", "none", "presentation"])),
    ("dt", Only(&["listitem"])),
    ("embed", Only(&["application", "document", "img", "none", "presentation"])),
    ("fieldset", Only(&["none", "presentation", "radiogroup"])),
    ("figcaption", Only(&["group", "none", "presentation"])),
    // header/footer map to banner/contentinfo at the top level, so those stay allowed anywhere.
    ("footer", Only(&["group", "none", "presentation", "contentinfo"])),
    ("form", Only(&["none", "presentation", "search"])),
    ("h1", Only(HEADING_ROLES)),
    ("h2", Only(HEADING_ROLES)),
    ("h3", Only(HEADING_ROLES)),
    ("h4", Only(HEADING_ROLES)),
    ("h5", Only(HEADING_ROLES)),
    ("h6", Only(HEADING_ROLES)),
    ("head", NONE),
    ("header", Only(&["group", "none", "presentation", "banner"])),
    ("hr", Only(&["none", "presentation", "doc-pagebreak"])),
    ("html", NONE),
    ("iframe", Only(&["application", "document", "img", "none", "presentation"])),
    ("label", NONE),
    ("legend", NONE),
    ("li", Only(LI_ROLES)),
    ("link", NONE),
    ("main", NONE),
    ("map", NONE),
    ("menu", Only(LIST_ROLES)),
    ("meta", NONE),
    ("meter", NONE),
    ("nav", Only(&["doc-index", "doc-pagelist", "doc-toc", "menu", "menubar", "none", "presentation", "tablist"])),
    ("noscript", NONE),
    ("object", Only(&["application", "document", "img"])),
    ("ol", Only(LIST_ROLES)),
    ("optgroup", NONE),
    ("option", NONE),
    ("param", NONE),
    ("picture", NONE),
    ("progress", NONE),
    ("script", NONE),
    ("search", Only(&["form", "group", "none", "presentation", "region", "search"])),
    ("section", Only(SECTION_ROLES)),
    ("slot", NONE),
    ("source", NONE),
    ("style", NONE),
    ("summary", NONE),
    ("template", NONE),
    ("textarea", NONE),
    ("title", NONE),
    ("track", NONE),
    ("ul", Only(LIST_ROLES)),
    ("video", Only(&["application"])),
    ("wbr", Only(PRESENTATIONAL)),
];

/// Roles that only one kind of host element may carry: `(role, element, needs href)`.
static ROLE_HOSTS: &[(&str, &str, bool)] = &[
    ("doc-backlink", "a", true),
    ("doc-biblioref", "a", true),
    ("doc-glossref", "a", true),
    ("doc-noteref", "a", true),
    ("doc-cover", "img", false),
    ("doc-biblioentry", "li", false),
    ("doc-endnote", "li", false),
];

/// The roles an HTML element may take, depending on its attributes where the
/// table does (links, images, inputs, selects, areas).
pub fn allowed_roles(ctx: &Ctx, el: ElementRef) -> Allowed {
    let e = el.value();
    let has = |a: &str| e.attr_of(a).is_some();
    match e.name() {
        "a" if has("href") => Only(A_HREF_ROLES),
        "area" => {
            if has("href") {
                NONE
            } else {
                Only(&["button", "link"])
            }
        }
        "img" => {
            let alt = e.attr_of("alt");
            let named = alt.is_some_and(|a| !a.trim().is_empty())
                || e.attr_of("aria-label").is_some_and(|a| !a.trim().is_empty())
                || (has("aria-labelledby") && super::names::has_labelledby_text(ctx, el))
                || e.attr_of("title").is_some_and(|a| !a.trim().is_empty());
            if named {
                Only(IMG_NAMED_ROLES)
            } else {
                Only(PRESENTATIONAL)
            }
        }
        "input" => {
            let has_list = has("list");
            match input_type(el) {
                "button" => Only(&[
                    "checkbox", "combobox", "link", "menuitem", "menuitemcheckbox", "menuitemradio", "option", "radio",
                    "switch", "tab",
                ]),
                "checkbox" => Only(&["button", "menuitemcheckbox", "option", "switch"]),
                "image" => Only(&["link", "menuitem", "menuitemcheckbox", "menuitemradio", "radio", "switch"]),
                "radio" => Only(&["menuitemradio"]),
                "text" | "tel" | "url" | "email" if !has_list => Only(TEXT_INPUT_ROLES),
                "search" if !has_list => Only(&["combobox", "searchbox"]),
                _ => NONE,
            }
        }
        "select" => {
            let size = e.attr_of("size").and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(0);
            if has("multiple") || size > 1 {
                NONE
            } else {
                Only(&["menu"])
            }
        }
        name => ELEMENTS.iter().find(|(n, _)| *n == name).map_or(Any, |(_, a)| *a),
    }
}

/// `Some(false)` when the role is reserved for a host element this is not.
fn host_ok(el: ElementRef, role: &str) -> bool {
    match ROLE_HOSTS.iter().find(|(r, _, _)| *r == role) {
        Some((_, host, href)) => el.value().name() == *host && (!href || el.value().attr_of("href").is_some()),
        None => true,
    }
}

/// Whether `role` is allowed on `el` by ARIA in HTML.
pub fn role_allowed(ctx: &Ctx, el: ElementRef, role: &str) -> bool {
    if !host_ok(el, role) {
        return false;
    }
    if implicit_role(ctx, el) == Some(role) {
        return true;
    }
    match allowed_roles(ctx, el) {
        Any => true,
        Only(list) => list.contains(&role),
    }
}

/// axe `aria-allowed-role` verdict for one element with an explicit role:
/// `None` = allowed, `Some(true)` = violation, `Some(false)` = needs review
/// (none/presentation on a focusable element: browsers ignore that role, so
/// what users get depends on the conflict resolution).
pub fn disallowed(ctx: &Ctx, el: ElementRef) -> Option<bool> {
    let role = explicit_role(el)?;
    if role_allowed(ctx, el, role) {
        return None;
    }
    if matches!(role, "none" | "presentation") && natively_focusable(el) {
        return Some(false);
    }
    Some(true)
}

/// True when the element sits inside an SVG or MathML subtree, where the
/// HTML table does not apply.
pub fn in_foreign_content(el: ElementRef) -> bool {
    ancestors(el).chain(Some(el)).any(|a| &*a.value().name.ns != "http://www.w3.org/1999/xhtml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::page::Page;
    use scraper::Selector;

    fn verdict(body: &str) -> Option<bool> {
        let html = format!("<!doctype html><html lang=en><title>t</title><body>{body}</body></html>");
        let page = Page::html_at("https://example.com/", &[], &html);
        let a = crate::scanner::rules::analysis(&page);
        let ctx = Ctx::new(crate::scanner::rules::held(&a)).unwrap();
        let s = Selector::parse("#t").unwrap();
        let el = ctx.doc.select(&s).next().unwrap();
        disallowed(&ctx, el)
    }

    #[test]
    fn table_rows() {
        assert_eq!(verdict(r#"<div id=t role=button>x</div>"#), None);
        assert_eq!(verdict(r#"<my-widget id=t role=navigation></my-widget>"#), None);
        assert_eq!(verdict(r#"<dd id=t role=link>x</dd>"#), Some(true));
        assert_eq!(verdict(r#"<ul id=t role=tablist><li>x</li></ul>"#), None);
        assert_eq!(verdict(r#"<ul id=t role=banner><li>x</li></ul>"#), Some(true));
        assert_eq!(verdict(r#"<section id=t role=doc-subtitle></section>"#), Some(true));
        assert_eq!(verdict(r#"<h2 id=t role=tab>x</h2>"#), None);
        assert_eq!(verdict(r#"<main id=t role=text>x</main>"#), Some(true));
    }

    #[test]
    fn attribute_dependent_rows() {
        assert_eq!(verdict(r#"<a id=t href=x role=button>x</a>"#), None);
        assert_eq!(verdict(r#"<a id=t href=x role=doc-chapter>x</a>"#), Some(true));
        assert_eq!(verdict(r#"<a id=t role=doc-chapter>x</a>"#), None);
        assert_eq!(verdict(r#"<img id=t alt="Go" role=button>"#), None);
        assert_eq!(verdict(r#"<img id=t role=button>"#), Some(true));
        assert_eq!(verdict(r#"<img id=t alt="" role=presentation>"#), None);
        assert_eq!(verdict(r#"<input id=t role=combobox>"#), None);
        assert_eq!(verdict(r#"<input id=t type=text role=textbox>"#), None);
        assert_eq!(verdict(r#"<input id=t type=password role=combobox>"#), Some(true));
        assert_eq!(verdict(r#"<map name=m><area id=t role=link></map>"#), None);
        assert_eq!(verdict(r#"<map name=m><area id=t href=x role=link></map>"#), None);
        assert_eq!(verdict(r#"<map name=m><area id=t href=x role=button></map>"#), Some(true));
    }

    #[test]
    fn reserved_hosts_and_review() {
        assert_eq!(verdict(r#"<div id=t role=doc-noteref>1</div>"#), Some(true));
        assert_eq!(verdict(r#"<a id=t href=x role=doc-noteref>1</a>"#), None);
        assert_eq!(verdict(r#"<button id=t role=presentation></button>"#), Some(false));
        assert_eq!(verdict(r#"<label id=t role=presentation></label>"#), Some(true));
        assert_eq!(verdict(r#"<div id=t role=bogus></div>"#), None);
    }
}
