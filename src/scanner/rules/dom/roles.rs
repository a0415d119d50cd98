//! The HTML-AAM implicit-role table: which tags have an implicit role, and
//! the decisions that need nothing but the element's own attributes. It lives
//! here, below the rules, because the element index decides these roles while
//! it builds; `accessibility::aria::implicit_role` reads the same table and
//! adds the decisions that need the tree (landmarks in sections, labelled
//! forms and regions, inputs with a datalist, focusable images).

/// Tags whose implicit role is unconditional: without a role attribute, this
/// is their role.
pub const FIXED_IMPLICIT_ROLES: &[(&str, &str)] = &[
    ("article", "article"), ("body", "document"), ("button", "button"), ("datalist", "listbox"), ("dd", "definition"),
    ("dfn", "term"), ("details", "group"), ("dialog", "dialog"), ("dt", "term"), ("fieldset", "group"),
    ("figure", "figure"), ("h1", "heading"), ("h2", "heading"), ("h3", "heading"), ("h4", "heading"),
    ("h5", "heading"), ("h6", "heading"), ("hr", "separator"), ("li", "listitem"), ("main", "main"), ("math", "math"),
    ("menu", "list"), ("ol", "list"), ("ul", "list"), ("meter", "meter"), ("nav", "navigation"), ("optgroup", "group"),
    ("option", "option"), ("output", "status"), ("progress", "progressbar"), ("search", "search"),
    ("summary", "button"), ("table", "table"), ("tbody", "rowgroup"), ("thead", "rowgroup"), ("tfoot", "rowgroup"),
    ("textarea", "textbox"), ("tr", "row"),
];

/// Tags whose implicit role depends on their attributes or context. With
/// [`FIXED_IMPLICIT_ROLES`], every tag that can have an implicit role: any
/// other element has none (the per-page role table skips them).
pub const CONDITIONAL_IMPLICIT_ROLE_TAGS: &[&str] =
    &["a", "area", "aside", "footer", "form", "header", "img", "input", "section", "select", "td", "th"];

/// The unconditional implicit role of a tag.
static FIXED_BY_TAG: super::maps::ByName<(&str, &str)> = super::maps::ByName::new(FIXED_IMPLICIT_ROLES, |(t, _)| t);

pub fn fixed_implicit_role(tag: &str) -> Option<&'static str> {
    FIXED_BY_TAG.get(tag).map(|(_, r)| *r)
}

/// `<a>` and `<area>`: a link when they have an `href`.
pub fn link_role(has_href: bool) -> Option<&'static str> {
    has_href.then_some("link")
}

/// `<td>`: a grid cell inside a table with an explicit grid/treegrid role.
pub fn cell_role(in_grid_table: bool) -> &'static str {
    if in_grid_table {
        "gridcell"
    } else {
        "cell"
    }
}

/// `<th>` by its `scope` attribute; None when the scope leaves it to the
/// table's layout.
pub fn header_role_by_scope(scope: Option<&str>) -> Option<&'static str> {
    match scope.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        Some("row" | "rowgroup") => Some("rowheader"),
        Some("col" | "colgroup") => Some("columnheader"),
        _ => None,
    }
}

/// `<img>` by its `alt`: an image unless the alt is empty (then presentation
/// unless focusable or carrying global ARIA, which the element alone cannot tell).
pub fn img_role_by_alt(alt: Option<&str>) -> Option<&'static str> {
    alt.is_none_or(|a| !a.is_empty()).then_some("img")
}
