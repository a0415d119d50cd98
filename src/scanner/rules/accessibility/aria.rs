//! WAI-ARIA 1.2 (+ DPUB-ARIA, Graphics-ARIA) data: roles, attributes and the
//! HTML-AAM implicit role mapping. Kept as plain tables so they can be checked
//! against the specifications line by line.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use crate::scanner::rules::dom::roles;
use scraper::ElementRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Abstract,
    Widget,
    Composite,
    Structure,
    Landmark,
    Window,
}

#[derive(Debug, Clone, Copy)]
pub struct RoleInfo {
    pub name: &'static str,
    pub kind: Kind,
    pub required_attrs: &'static [&'static str],
    /// Role-specific supported attributes (globals are always allowed).
    pub allowed_attrs: &'static [&'static str],
    pub prohibited_attrs: &'static [&'static str],
    pub required_context: &'static [&'static str],
    pub required_owned: &'static [&'static str],
    pub name_required: bool,
    pub name_from_content: bool,
    pub children_presentational: bool,
    pub deprecated: bool,
    pub dpub: bool,
}

const R: RoleInfo = RoleInfo {
    name: "",
    kind: Kind::Structure,
    required_attrs: &[],
    allowed_attrs: &["aria-expanded"],
    prohibited_attrs: &[],
    required_context: &[],
    required_owned: &[],
    name_required: false,
    name_from_content: false,
    children_presentational: false,
    deprecated: false,
    dpub: false,
};
const NOLABEL: &[&str] = &["aria-label", "aria-labelledby"];
const CELL_ATTRS: &[&str] = &["aria-colindex", "aria-colspan", "aria-rowindex", "aria-rowspan", "aria-expanded"];
const HEADER_ATTRS: &[&str] = &[
    "aria-sort", "aria-colindex", "aria-colspan", "aria-expanded", "aria-readonly", "aria-required",
    "aria-rowindex", "aria-rowspan", "aria-selected",
];
const MENU_OWNED: &[&str] = &["group", "menuitemradio", "menuitem", "menuitemcheckbox", "menu", "separator"];
const MENU_CTX: &[&str] = &["menu", "menubar", "group"];
const MENU_ATTRS: &[&str] = &["aria-activedescendant", "aria-expanded", "aria-orientation"];
const TEXTBOX_ATTRS: &[&str] = &[
    "aria-activedescendant", "aria-autocomplete", "aria-multiline", "aria-placeholder", "aria-readonly", "aria-required",
];
const CHECKED_ITEM_ATTRS: &[&str] = &["aria-expanded", "aria-posinset", "aria-readonly", "aria-setsize"];
const LISTITEM_ATTRS: &[&str] = &["aria-level", "aria-posinset", "aria-setsize", "aria-expanded"];
const RANGE_VALUE: &[&str] = &["aria-valuemax", "aria-valuemin", "aria-valuetext"];

use Kind::*;

pub static ROLES: &[RoleInfo] = &[
    RoleInfo { name: "alert", ..R },
    RoleInfo { name: "alertdialog", kind: Window, allowed_attrs: &["aria-expanded", "aria-modal"], name_required: true, ..R },
    RoleInfo { name: "application", kind: Landmark, allowed_attrs: &["aria-activedescendant", "aria-expanded"], name_required: true, ..R },
    RoleInfo { name: "article", allowed_attrs: &["aria-posinset", "aria-setsize", "aria-expanded"], ..R },
    RoleInfo { name: "banner", kind: Landmark, ..R },
    RoleInfo { name: "blockquote", allowed_attrs: &[], ..R },
    RoleInfo { name: "button", kind: Widget, allowed_attrs: &["aria-expanded", "aria-pressed"], name_required: true, name_from_content: true, children_presentational: true, ..R },
    RoleInfo { name: "caption", allowed_attrs: &[], prohibited_attrs: NOLABEL, required_context: &["figure", "table", "grid", "treegrid"], ..R },
    RoleInfo { name: "cell", allowed_attrs: CELL_ATTRS, required_context: &["row"], name_from_content: true, ..R },
    RoleInfo { name: "checkbox", kind: Widget, required_attrs: &["aria-checked"], allowed_attrs: &["aria-readonly", "aria-expanded", "aria-required"], name_required: true, name_from_content: true, children_presentational: true, ..R },
    RoleInfo { name: "code", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "columnheader", allowed_attrs: HEADER_ATTRS, required_context: &["row"], name_from_content: true, ..R },
    RoleInfo { name: "combobox", kind: Widget, required_attrs: &["aria-expanded", "aria-controls"], allowed_attrs: &["aria-owns", "aria-autocomplete", "aria-readonly", "aria-required", "aria-activedescendant", "aria-orientation"], name_required: true, ..R },
    RoleInfo { name: "command", kind: Abstract, ..R },
    RoleInfo { name: "comment", allowed_attrs: &["aria-level", "aria-posinset", "aria-setsize"], ..R },
    RoleInfo { name: "complementary", kind: Landmark, ..R },
    RoleInfo { name: "composite", kind: Abstract, ..R },
    RoleInfo { name: "contentinfo", kind: Landmark, ..R },
    RoleInfo { name: "definition", ..R },
    RoleInfo { name: "deletion", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "dialog", kind: Window, allowed_attrs: &["aria-expanded", "aria-modal"], name_required: true, ..R },
    RoleInfo { name: "directory", deprecated: true, name_from_content: true, ..R },
    RoleInfo { name: "document", ..R },
    RoleInfo { name: "emphasis", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "feed", required_owned: &["article"], ..R },
    RoleInfo { name: "figure", name_from_content: true, ..R },
    RoleInfo { name: "form", kind: Landmark, ..R },
    RoleInfo { name: "grid", kind: Composite, required_owned: &["rowgroup", "row"], allowed_attrs: &["aria-level", "aria-multiselectable", "aria-readonly", "aria-activedescendant", "aria-colcount", "aria-expanded", "aria-rowcount"], ..R },
    RoleInfo { name: "gridcell", kind: Widget, required_context: &["row"], allowed_attrs: &["aria-readonly", "aria-required", "aria-selected", "aria-colindex", "aria-colspan", "aria-expanded", "aria-rowindex", "aria-rowspan"], name_from_content: true, ..R },
    RoleInfo { name: "group", allowed_attrs: &["aria-activedescendant", "aria-expanded"], ..R },
    RoleInfo { name: "heading", required_attrs: &["aria-level"], name_from_content: true, ..R },
    RoleInfo { name: "img", name_required: true, children_presentational: true, ..R },
    RoleInfo { name: "input", kind: Abstract, ..R },
    RoleInfo { name: "insertion", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "landmark", kind: Abstract, ..R },
    RoleInfo { name: "link", kind: Widget, name_required: true, name_from_content: true, ..R },
    RoleInfo { name: "list", required_owned: &["listitem"], ..R },
    RoleInfo { name: "listbox", kind: Widget, required_owned: &["group", "option"], allowed_attrs: &["aria-multiselectable", "aria-readonly", "aria-required", "aria-activedescendant", "aria-expanded", "aria-orientation"], name_required: true, ..R },
    RoleInfo { name: "listitem", required_context: &["list"], allowed_attrs: LISTITEM_ATTRS, name_from_content: true, ..R },
    RoleInfo { name: "log", ..R },
    RoleInfo { name: "main", kind: Landmark, ..R },
    RoleInfo { name: "marquee", ..R },
    RoleInfo { name: "math", children_presentational: true, ..R },
    RoleInfo { name: "menu", kind: Composite, required_owned: MENU_OWNED, allowed_attrs: MENU_ATTRS, ..R },
    RoleInfo { name: "menubar", kind: Composite, required_owned: MENU_OWNED, allowed_attrs: MENU_ATTRS, ..R },
    RoleInfo { name: "menuitem", kind: Widget, required_context: MENU_CTX, allowed_attrs: &["aria-posinset", "aria-setsize", "aria-expanded"], name_required: true, name_from_content: true, ..R },
    RoleInfo { name: "menuitemcheckbox", kind: Widget, required_context: MENU_CTX, required_attrs: &["aria-checked"], allowed_attrs: CHECKED_ITEM_ATTRS, name_required: true, name_from_content: true, children_presentational: true, ..R },
    RoleInfo { name: "menuitemradio", kind: Widget, required_context: MENU_CTX, required_attrs: &["aria-checked"], allowed_attrs: CHECKED_ITEM_ATTRS, name_required: true, name_from_content: true, children_presentational: true, ..R },
    RoleInfo { name: "meter", required_attrs: &["aria-valuenow"], allowed_attrs: RANGE_VALUE, name_required: true, children_presentational: true, ..R },
    RoleInfo { name: "mark", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "navigation", kind: Landmark, ..R },
    RoleInfo { name: "none", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "note", ..R },
    RoleInfo { name: "option", kind: Widget, required_context: &["group", "listbox"], allowed_attrs: &["aria-selected", "aria-checked", "aria-posinset", "aria-setsize"], name_required: true, name_from_content: true, children_presentational: true, ..R },
    RoleInfo { name: "paragraph", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "presentation", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "progressbar", kind: Widget, allowed_attrs: &["aria-expanded", "aria-valuemax", "aria-valuemin", "aria-valuenow", "aria-valuetext"], name_required: true, children_presentational: true, ..R },
    RoleInfo { name: "radio", kind: Widget, required_attrs: &["aria-checked"], allowed_attrs: &["aria-posinset", "aria-setsize", "aria-required"], name_required: true, name_from_content: true, children_presentational: true, ..R },
    RoleInfo { name: "radiogroup", kind: Composite, allowed_attrs: &["aria-readonly", "aria-required", "aria-activedescendant", "aria-expanded", "aria-orientation"], ..R },
    RoleInfo { name: "range", kind: Abstract, ..R },
    RoleInfo { name: "region", kind: Landmark, ..R },
    RoleInfo { name: "roletype", kind: Abstract, ..R },
    RoleInfo { name: "row", required_context: &["grid", "rowgroup", "table", "treegrid"], required_owned: &["cell", "columnheader", "gridcell", "rowheader"], allowed_attrs: &["aria-colindex", "aria-level", "aria-rowindex", "aria-selected", "aria-activedescendant", "aria-expanded", "aria-posinset", "aria-setsize"], name_from_content: true, ..R },
    RoleInfo { name: "rowgroup", required_context: &["grid", "table", "treegrid"], required_owned: &["row"], allowed_attrs: &[], name_from_content: true, ..R },
    RoleInfo { name: "rowheader", allowed_attrs: HEADER_ATTRS, required_context: &["row"], name_from_content: true, ..R },
    RoleInfo { name: "scrollbar", kind: Widget, required_attrs: &["aria-valuenow"], allowed_attrs: &["aria-controls", "aria-orientation", "aria-valuemax", "aria-valuemin", "aria-valuetext"], children_presentational: true, ..R },
    RoleInfo { name: "search", kind: Landmark, ..R },
    RoleInfo { name: "searchbox", kind: Widget, allowed_attrs: TEXTBOX_ATTRS, name_required: true, ..R },
    RoleInfo { name: "section", kind: Abstract, name_from_content: true, ..R },
    RoleInfo { name: "sectionhead", kind: Abstract, name_from_content: true, ..R },
    RoleInfo { name: "select", kind: Abstract, ..R },
    RoleInfo { name: "separator", required_attrs: &["aria-valuenow"], allowed_attrs: &["aria-valuemax", "aria-valuemin", "aria-orientation", "aria-valuetext"], children_presentational: true, ..R },
    RoleInfo { name: "slider", kind: Widget, required_attrs: &["aria-valuenow"], allowed_attrs: &["aria-valuemax", "aria-valuemin", "aria-orientation", "aria-readonly", "aria-required", "aria-valuetext"], name_required: true, children_presentational: true, ..R },
    RoleInfo { name: "spinbutton", kind: Widget, allowed_attrs: &["aria-valuemax", "aria-valuemin", "aria-readonly", "aria-required", "aria-activedescendant", "aria-valuetext", "aria-valuenow"], name_required: true, ..R },
    RoleInfo { name: "status", ..R },
    RoleInfo { name: "strong", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "structure", kind: Abstract, ..R },
    RoleInfo { name: "subscript", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "superscript", allowed_attrs: &[], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "switch", kind: Widget, required_attrs: &["aria-checked"], allowed_attrs: &["aria-expanded", "aria-readonly", "aria-required"], name_required: true, name_from_content: true, children_presentational: true, ..R },
    RoleInfo { name: "suggestion", allowed_attrs: &[], required_owned: &["insertion", "deletion"], prohibited_attrs: NOLABEL, ..R },
    RoleInfo { name: "tab", kind: Widget, required_context: &["tablist"], allowed_attrs: &["aria-posinset", "aria-selected", "aria-setsize", "aria-expanded"], name_from_content: true, children_presentational: true, ..R },
    RoleInfo { name: "table", required_owned: &["rowgroup", "row"], allowed_attrs: &["aria-colcount", "aria-rowcount", "aria-expanded"], name_from_content: true, ..R },
    RoleInfo { name: "tablist", kind: Composite, required_owned: &["tab"], allowed_attrs: &["aria-level", "aria-multiselectable", "aria-orientation", "aria-activedescendant", "aria-expanded"], ..R },
    RoleInfo { name: "tabpanel", ..R },
    RoleInfo { name: "term", name_from_content: true, ..R },
    RoleInfo { name: "text", allowed_attrs: &[], name_from_content: true, ..R },
    RoleInfo { name: "textbox", kind: Widget, allowed_attrs: TEXTBOX_ATTRS, name_required: true, ..R },
    RoleInfo { name: "time", allowed_attrs: &[], ..R },
    RoleInfo { name: "timer", ..R },
    RoleInfo { name: "toolbar", allowed_attrs: &["aria-orientation", "aria-activedescendant", "aria-expanded"], name_required: true, ..R },
    RoleInfo { name: "tooltip", name_from_content: true, ..R },
    RoleInfo { name: "tree", kind: Composite, required_owned: &["group", "treeitem"], allowed_attrs: &["aria-multiselectable", "aria-required", "aria-activedescendant", "aria-expanded", "aria-orientation"], ..R },
    RoleInfo { name: "treegrid", kind: Composite, required_owned: &["rowgroup", "row"], allowed_attrs: &["aria-activedescendant", "aria-colcount", "aria-expanded", "aria-level", "aria-multiselectable", "aria-orientation", "aria-readonly", "aria-required", "aria-rowcount"], ..R },
    RoleInfo { name: "treeitem", kind: Widget, required_context: &["group", "tree"], allowed_attrs: &["aria-checked", "aria-expanded", "aria-level", "aria-posinset", "aria-selected", "aria-setsize"], name_required: true, name_from_content: true, ..R },
    RoleInfo { name: "widget", kind: Abstract, ..R },
    RoleInfo { name: "window", kind: Abstract, ..R },
    // Graphics-ARIA
    RoleInfo { name: "graphics-document", allowed_attrs: &[], name_required: true, ..R },
    RoleInfo { name: "graphics-object", allowed_attrs: &[], name_from_content: true, ..R },
    RoleInfo { name: "graphics-symbol", allowed_attrs: &[], name_required: true, children_presentational: true, ..R },
    // DPUB-ARIA
    RoleInfo { name: "doc-abstract", dpub: true, ..R },
    RoleInfo { name: "doc-acknowledgments", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-afterword", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-appendix", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-backlink", kind: Widget, name_from_content: true, dpub: true, ..R },
    RoleInfo { name: "doc-biblioentry", allowed_attrs: LISTITEM_ATTRS, deprecated: true, dpub: true, ..R },
    RoleInfo { name: "doc-bibliography", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-biblioref", kind: Widget, name_from_content: true, dpub: true, ..R },
    RoleInfo { name: "doc-chapter", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-colophon", dpub: true, ..R },
    RoleInfo { name: "doc-conclusion", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-cover", dpub: true, ..R },
    RoleInfo { name: "doc-credit", dpub: true, ..R },
    RoleInfo { name: "doc-credits", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-dedication", dpub: true, ..R },
    RoleInfo { name: "doc-endnote", allowed_attrs: LISTITEM_ATTRS, deprecated: true, dpub: true, ..R },
    RoleInfo { name: "doc-endnotes", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-epigraph", dpub: true, ..R },
    RoleInfo { name: "doc-epilogue", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-errata", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-example", dpub: true, ..R },
    RoleInfo { name: "doc-footnote", dpub: true, ..R },
    RoleInfo { name: "doc-foreword", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-glossary", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-glossref", kind: Widget, name_from_content: true, dpub: true, ..R },
    RoleInfo { name: "doc-index", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-introduction", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-noteref", kind: Widget, name_from_content: true, dpub: true, ..R },
    RoleInfo { name: "doc-notice", dpub: true, ..R },
    RoleInfo { name: "doc-pagebreak", allowed_attrs: &["aria-expanded", "aria-orientation"], children_presentational: true, dpub: true, ..R },
    RoleInfo { name: "doc-pagelist", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-part", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-preface", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-prologue", kind: Landmark, dpub: true, ..R },
    RoleInfo { name: "doc-pullquote", allowed_attrs: &[], dpub: true, ..R },
    RoleInfo { name: "doc-qna", dpub: true, ..R },
    RoleInfo { name: "doc-subtitle", dpub: true, ..R },
    RoleInfo { name: "doc-tip", dpub: true, ..R },
    RoleInfo { name: "doc-toc", kind: Landmark, dpub: true, ..R },
];

static ROLES_BY_NAME: crate::scanner::rules::dom::ByName<RoleInfo> = crate::scanner::rules::dom::ByName::new(ROLES, |r| r.name);

pub fn role_info(name: &str) -> Option<&'static RoleInfo> {
    ROLES_BY_NAME.get(name)
}

/// A role token that names a concrete (non-abstract) role.
pub fn is_valid_role(name: &str) -> bool {
    role_info(name).is_some_and(|r| r.kind != Kind::Abstract)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    Bool,
    Token,
    Tokens,
    IdRef,
    IdRefs,
    Str,
    Int,
    Decimal,
}

#[derive(Debug, Clone, Copy)]
pub struct AttrInfo {
    pub name: &'static str,
    pub ty: AttrType,
    pub values: &'static [&'static str],
    pub min: i64,
    pub allow_empty: bool,
    pub global: bool,
}

const A: AttrInfo = AttrInfo { name: "", ty: AttrType::Str, values: &[], min: i64::MIN, allow_empty: false, global: false };
const TFU: &[&str] = &["true", "false", "undefined"];
const TRISTATE: &[&str] = &["false", "mixed", "true", "undefined"];
use AttrType::*;

pub static ATTRS: &[AttrInfo] = &[
    AttrInfo { name: "aria-activedescendant", ty: IdRef, allow_empty: true, ..A },
    AttrInfo { name: "aria-atomic", ty: Bool, global: true, ..A },
    AttrInfo { name: "aria-autocomplete", ty: Token, values: &["inline", "list", "both", "none"], ..A },
    AttrInfo { name: "aria-braillelabel", ty: Str, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-brailleroledescription", ty: Str, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-busy", ty: Bool, global: true, ..A },
    AttrInfo { name: "aria-checked", ty: Token, values: TRISTATE, ..A },
    AttrInfo { name: "aria-colcount", ty: Int, min: -1, ..A },
    AttrInfo { name: "aria-colindex", ty: Int, min: 1, ..A },
    AttrInfo { name: "aria-colspan", ty: Int, min: 1, ..A },
    AttrInfo { name: "aria-controls", ty: IdRefs, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-current", ty: Token, allow_empty: true, values: &["page", "step", "location", "date", "time", "true", "false"], global: true, ..A },
    AttrInfo { name: "aria-describedby", ty: IdRefs, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-description", ty: Str, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-details", ty: IdRef, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-disabled", ty: Bool, global: true, ..A },
    AttrInfo { name: "aria-dropeffect", ty: Tokens, values: &["copy", "execute", "link", "move", "none", "popup"], global: true, ..A },
    AttrInfo { name: "aria-errormessage", ty: IdRef, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-expanded", ty: Token, values: TFU, ..A },
    AttrInfo { name: "aria-flowto", ty: IdRefs, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-grabbed", ty: Token, values: TFU, global: true, ..A },
    AttrInfo { name: "aria-haspopup", ty: Token, allow_empty: true, values: &["true", "false", "menu", "listbox", "tree", "grid", "dialog"], global: true, ..A },
    AttrInfo { name: "aria-hidden", ty: Token, values: TFU, global: true, ..A },
    AttrInfo { name: "aria-invalid", ty: Token, values: &["grammar", "false", "spelling", "true"], global: true, ..A },
    AttrInfo { name: "aria-keyshortcuts", ty: Str, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-label", ty: Str, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-labelledby", ty: IdRefs, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-level", ty: Int, min: 1, ..A },
    AttrInfo { name: "aria-live", ty: Token, values: &["assertive", "off", "polite"], global: true, ..A },
    AttrInfo { name: "aria-modal", ty: Bool, ..A },
    AttrInfo { name: "aria-multiline", ty: Bool, ..A },
    AttrInfo { name: "aria-multiselectable", ty: Bool, ..A },
    AttrInfo { name: "aria-orientation", ty: Token, values: &["horizontal", "undefined", "vertical"], ..A },
    AttrInfo { name: "aria-owns", ty: IdRefs, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-placeholder", ty: Str, allow_empty: true, ..A },
    AttrInfo { name: "aria-posinset", ty: Int, min: 1, ..A },
    AttrInfo { name: "aria-pressed", ty: Token, values: TRISTATE, ..A },
    AttrInfo { name: "aria-readonly", ty: Bool, ..A },
    AttrInfo { name: "aria-relevant", ty: Tokens, values: &["additions", "all", "removals", "text"], global: true, ..A },
    AttrInfo { name: "aria-required", ty: Bool, ..A },
    AttrInfo { name: "aria-roledescription", ty: Str, allow_empty: true, global: true, ..A },
    AttrInfo { name: "aria-rowcount", ty: Int, min: -1, ..A },
    AttrInfo { name: "aria-rowindex", ty: Int, min: 1, ..A },
    AttrInfo { name: "aria-rowspan", ty: Int, min: 0, ..A },
    AttrInfo { name: "aria-selected", ty: Token, values: TFU, ..A },
    AttrInfo { name: "aria-setsize", ty: Int, min: -1, ..A },
    AttrInfo { name: "aria-sort", ty: Token, values: &["ascending", "descending", "none", "other"], ..A },
    AttrInfo { name: "aria-valuemax", ty: Decimal, ..A },
    AttrInfo { name: "aria-valuemin", ty: Decimal, ..A },
    AttrInfo { name: "aria-valuenow", ty: Decimal, ..A },
    AttrInfo { name: "aria-valuetext", ty: Str, allow_empty: true, ..A },
];

static ATTRS_BY_NAME: crate::scanner::rules::dom::ByName<AttrInfo> = crate::scanner::rules::dom::ByName::new(ATTRS, |a| a.name);

pub fn attr_info(name: &str) -> Option<&'static AttrInfo> {
    ATTRS_BY_NAME.get(name)
}

pub fn is_global_attr(name: &str) -> bool {
    attr_info(name).is_some_and(|a| a.global)
}

/// True when the element carries a global ARIA attribute (other than the
/// naming ones callers may exclude themselves).
pub fn has_global_aria(el: ElementRef) -> bool {
    el.value().attrs().any(|(n, _)| is_global_attr(n))
}

/// The first valid, non-abstract token of the role attribute.
pub fn explicit_role(el: ElementRef) -> Option<&'static str> {
    let raw = el.value().attr_of("role")?;
    raw.split_ascii_whitespace()
        .map(|t| t.to_ascii_lowercase())
        .find_map(|t| role_info(&t).filter(|r| r.kind != Kind::Abstract).map(|r| r.name))
}

fn is_sectioning_or_main(el: ElementRef) -> bool {
    let n = el.value().name();
    if let Some(r) = explicit_role(el) {
        return matches!(r, "article" | "complementary" | "navigation" | "region" | "main");
    }
    matches!(n, "article" | "aside" | "nav" | "section" | "main")
}

/// What the implicit-role decisions need to know about the rest of the page
/// (`ctx::Ctx` answers it); a trait, so that this module does not depend on
/// the context that depends on it.
pub trait RoleFacts {
    /// Non-empty aria-labelledby target text or aria-label (and optionally title).
    fn has_label_attr_name(&self, el: ElementRef, check_title: bool) -> bool;
    fn is_focusable(&self, el: ElementRef) -> bool;
    /// True when the first element with this id has this local name.
    fn id_names(&self, id: &str, name: &str) -> bool;
}

/// The HTML-AAM implicit role (axe's mapping).
/// The HTML-AAM implicit role (axe's mapping): the DOM layer's table
/// ([`roles`]) for what the element alone decides, the tree for the rest.
pub fn implicit_role(ctx: &impl RoleFacts, el: ElementRef) -> Option<&'static str> {
    let e = el.value();
    if let Some(role) = roles::fixed_implicit_role(e.name()) {
        return Some(role);
    }
    Some(match e.name() {
        "a" | "area" => return roles::link_role(e.attr_of("href").is_some()),
        "aside" => {
            let in_section = ancestors(el).any(|a| {
                let n = a.value().name();
                explicit_role(a).map_or(matches!(n, "article" | "aside" | "nav" | "section"), |r| {
                    matches!(r, "article" | "complementary" | "navigation" | "region")
                })
            });
            if in_section && !ctx.has_label_attr_name(el, true) {
                return None;
            }
            "complementary"
        }
        "footer" | "header" => {
            if ancestors(el).any(is_sectioning_or_main) {
                return None;
            }
            if e.name() == "footer" {
                "contentinfo"
            } else {
                "banner"
            }
        }
        "form" => {
            if ctx.has_label_attr_name(el, false) {
                "form"
            } else {
                return None;
            }
        }
        "img" => match roles::img_role_by_alt(e.attr_of("alt")) {
            Some(role) => role,
            None if !has_global_aria(el) && !ctx.is_focusable(el) => "presentation",
            None => "img",
        },
        "input" => {
            let list_is_datalist = e
                .attr_of("list")
                .is_some_and(|id| ctx.id_names(id.trim(), "datalist"));
            match input_type(el) {
                "checkbox" => "checkbox",
                "number" => "spinbutton",
                "radio" => "radio",
                "range" => "slider",
                "search" => {
                    if list_is_datalist {
                        "combobox"
                    } else {
                        "searchbox"
                    }
                }
                "button" | "image" | "reset" | "submit" => "button",
                "hidden" => return None,
                "text" | "tel" | "url" | "email" | "" => {
                    if list_is_datalist {
                        "combobox"
                    } else {
                        "textbox"
                    }
                }
                _ => "textbox",
            }
        }
        "section" => {
            if ctx.has_label_attr_name(el, false) {
                "region"
            } else {
                return None;
            }
        }
        "select" => {
            let size = e.attr_of("size").and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(0);
            if e.attr_of("multiple").is_some() || size > 1 {
                "listbox"
            } else {
                "combobox"
            }
        }
        "td" => {
            let grid = ancestors(el)
                .find(|a| a.value().name() == "table")
                .and_then(explicit_role)
                .is_some_and(|r| r == "grid" || r == "treegrid");
            roles::cell_role(grid)
        }
        "th" => th_role(el)?,
        _ => return None,
    })
}

/// Column header unless the th is in a row of its own table that also holds data cells
/// (a simple approximation of axe's scope-based decision).
fn th_role(el: ElementRef) -> Option<&'static str> {
    if let Some(role) = roles::header_role_by_scope(el.value().attr_of("scope")) {
        return Some(role);
    }
    let row = el.parent().and_then(ElementRef::wrap)?;
    let has_td = row.children().filter_map(ElementRef::wrap).any(|c| c.value().name() == "td");
    let first = row.children().filter_map(ElementRef::wrap).next().is_some_and(|c| c.id() == el.id());
    if has_td && first {
        Some("rowheader")
    } else {
        Some("columnheader")
    }
}

/// The `type` of an input, lower-cased, with unknown values as `text`.
pub fn input_type(el: ElementRef) -> &'static str {
    let t = el.value().attr_of("type").unwrap_or("").trim();
    if t.is_empty() {
        return "text";
    }
    const KNOWN: &[&str] = &[
        "hidden", "text", "search", "tel", "url", "email", "password", "date", "month", "week", "time",
        "datetime-local", "number", "range", "color", "checkbox", "radio", "file", "submit", "image", "reset", "button",
    ];
    KNOWN.iter().find(|k| k.eq_ignore_ascii_case(t)).copied().unwrap_or("text")
}

pub fn ancestors(el: ElementRef) -> impl Iterator<Item = ElementRef> {
    el.ancestors().filter_map(ElementRef::wrap)
}
