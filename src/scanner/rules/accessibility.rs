//! Accessibility rules: axe-core's statically decidable rules (and the
//! partially decidable ones as far as static HTML allows), each under its axe
//! rule id, re-derived from WAI-ARIA, HTML-AAM and accname.
//!
//! Semantics we reproduce:
//! - Hidden elements are skipped like axe's `excludeHidden` (see [`hidden`]):
//!   the `hidden` attribute, inline `display:none` / `visibility:hidden`,
//!   natively hidden elements, closed `<details>`, `aria-hidden="true"` and
//!   `inert`. Rules axe runs on hidden nodes too (area-alt, meta-viewport,
//!   meta-refresh, aria-hidden-body, aria-hidden-focus, marquee, blink,
//!   duplicate-id-aria) do so here. Stylesheet rules are invisible to us.
//! - axe's "needs review" (incomplete) outcome is kept apart from violations:
//!   such elements are reported with `needs_review = true` evidence. A rule
//!   whose only findings need review still returns `Fail`, but with
//!   confidence 0.4 (≤ 0.5); a rule with at least one real violation reports
//!   confidence 0.95 (0.9 when mixed). Rules that axe marks `reviewOnFail`
//!   (duplicate-id-aria, frame-title-unique, aria-braille-equivalent, bypass)
//!   and video-caption only ever produce needs-review evidence.
//! - One finding per rule per page, with the offending elements as evidence
//!   (the first 100; the detail gives the full count).
//! - Data tables live in their own modules: [`aria`] (WAI-ARIA roles and
//!   attributes), [`html_aria`] (ARIA in HTML: roles each element may take),
//!   [`autocomplete`] (HTML autofill tokens), [`spacing`] (WCAG 1.4.12
//!   thresholds), [`label_in_name`] (ACT label-in-name comparison).
//! - Severity maps axe impact: critical → critical, serious → high,
//!   moderate → medium, minor → low.
use super::{Fix, Reference, Rule};
use crate::model::{Domain, Severity};

pub mod aria;
pub mod autocomplete;
mod checks;
pub mod ctx;
pub mod html_aria;
pub mod label_in_name;
pub mod lang;
pub mod names;
pub mod spacing;
#[cfg(test)]
mod tests;

macro_rules! sev {
    (critical) => {
        Severity::Critical
    };
    (serious) => {
        Severity::High
    };
    (moderate) => {
        Severity::Medium
    };
    (minor) => {
        Severity::Low
    };
}
macro_rules! imp {
    (critical) => {
        90
    };
    (serious) => {
        70
    };
    (moderate) => {
        50
    };
    (minor) => {
        30
    };
}

const WCAG_URL: &str = "https://www.w3.org/WAI/WCAG22/quickref/";
const STATIC: &str = "Static HTML only: CSS from stylesheets, scripts and iframe documents are not evaluated.";

macro_rules! axe {
    ($id:literal, $impact:ident, [$($w:literal),*], $title:literal, $desc:literal, $fix:literal, [$($step:literal),*], $min:literal, $limits:expr, $check:path) => {
        Rule {
            id: $id,
            domain: Domain::Accessibility,
            severity: sev!($impact),
            title: $title,
            description: $desc,
            references: &[
                $(Reference { kind: "wcag", id: $w, url: WCAG_URL },)*
                Reference { kind: "axe", id: $id, url: concat!("https://dequeuniversity.com/rules/axe/4.10/", $id) },
            ],
            fix: Fix { summary: $fix, steps: &[$($step),*], estimated_minutes: $min },
            impact: imp!($impact),
            effort: 20,
            risk: 10,
            limits: $limits,
            check: $check,
        }
    };
}

use checks as c;

pub static RULES: &[Rule] = &[
    // The first release's core rules.
    axe!("image-alt", critical, ["1.1.1 (A)"], "Images must have alternative text",
        "Every <img> needs an alt attribute (empty for decorative images) or another accessible name.",
        "Add alt text describing the image, or alt=\"\" if it is decorative.",
        ["Add an alt attribute to each listed <img>", "Use alt=\"\" for purely decorative images"], 5, STATIC, c::image_alt),
    axe!("html-has-lang", serious, ["3.1.1 (A)"], "<html> element must have a lang attribute",
        "The page language lets screen readers pick the right pronunciation.",
        "Add lang to the <html> element.", ["Add lang=\"en\" (or the page's language) to <html>"], 2, STATIC, c::html_has_lang),
    axe!("html-lang-valid", serious, ["3.1.1 (A)"], "<html> element must have a valid value for the lang attribute",
        "The lang attribute must be a valid BCP 47 language tag.",
        "Use a valid language tag such as en or fr-CA.", ["Correct the lang attribute on <html>"], 2,
        "Three-letter codes are accepted unless the language has a two-letter code.", c::html_lang_valid),
    axe!("document-title", serious, ["2.4.2 (A)"], "Documents must have a <title> element to aid in navigation",
        "A non-empty <title> identifies the page in tabs, history and screen readers.",
        "Add a descriptive, non-empty <title>.", ["Add <title> inside <head>"], 2, STATIC, c::document_title),
    axe!("link-name", serious, ["2.4.4 (A)", "4.1.2 (A)"], "Links must have discernible text",
        "Links need text, an aria-label, aria-labelledby or title so users know where they go.",
        "Give each link an accessible name.", ["Add link text", "or add aria-label to icon links"], 5, STATIC, c::link_name),
    axe!("button-name", critical, ["4.1.2 (A)"], "Buttons must have discernible text",
        "Buttons need an accessible name that says what they do.",
        "Give each button text or an aria-label.", ["Add text content or aria-label to the button"], 5, STATIC, c::button_name),
    axe!("label", critical, ["4.1.2 (A)"], "Form elements must have labels",
        "Inputs and textareas need a label so users know what to enter.",
        "Associate a <label> or add aria-label / aria-labelledby.", ["Add <label for=id>", "or wrap the input in a <label>"], 5, STATIC, c::label),
    axe!("frame-title", serious, ["4.1.2 (A)"], "Frames must have an accessible name",
        "Frames and iframes need a title or aria-label describing their content.",
        "Add a title attribute to each iframe.", ["Add title=\"…\" to the iframe"], 2, STATIC, c::frame_title),
    axe!("meta-viewport", moderate, ["1.4.4 (AA)"], "Zooming and scaling must not be disabled",
        "user-scalable=no or a maximum-scale below 2 prevents people with low vision from zooming.",
        "Remove user-scalable=no and maximum-scale limits.", ["Edit the viewport <meta> content"], 2, "", c::meta_viewport),
    axe!("duplicate-id-aria", critical, ["4.1.2 (A)"], "IDs used in ARIA and labels must be unique",
        "Duplicate ids referenced by ARIA or label[for] make the reference ambiguous (needs review, as in axe).",
        "Make each referenced id unique.", ["Rename the duplicate ids", "Update references"], 10, STATIC, c::duplicate_id_aria),
    axe!("heading-order", moderate, [], "Heading levels should only increase by one",
        "Skipping heading levels makes the document outline hard to navigate.",
        "Use heading levels in order.", ["Change the skipped heading to the next level"], 5, STATIC, c::heading_order),
    // Text alternatives.
    axe!("area-alt", critical, ["2.4.4 (A)", "4.1.2 (A)"], "Active <area> elements must have alternative text",
        "Image map areas need alt text.", "Add alt to each <area href>.", ["Add alt text"], 5, STATIC, c::area_alt),
    axe!("input-image-alt", critical, ["1.1.1 (A)", "4.1.2 (A)"], "Image buttons must have alternative text",
        "<input type=image> needs alt text.", "Add alt text to the image button.", ["Add alt describing the action"], 3, STATIC, c::input_image_alt),
    axe!("role-img-alt", serious, ["1.1.1 (A)"], "[role=\"img\"] elements must have alternative text",
        "Elements with role=img need an accessible name.", "Add aria-label or aria-labelledby.", ["Add aria-label"], 3, STATIC, c::role_img_alt),
    axe!("svg-img-alt", serious, ["1.1.1 (A)"], "<svg> elements with an img role must have alternative text",
        "SVG images need a <title> or aria label.", "Add a <title> child or aria-label.", ["Add <title> inside the svg"], 3, STATIC, c::svg_img_alt),
    axe!("object-alt", serious, ["1.1.1 (A)"], "<object> elements must have alternative text",
        "Objects need an accessible name.", "Add aria-label or title.", ["Add aria-label to the object"], 3,
        "Whether the object loaded (axe's applicability) is not known statically.", c::object_alt),
    axe!("image-redundant-alt", minor, [], "Alternative text of images should not be repeated as text",
        "Alt text that repeats adjacent link or button text is read twice.", "Use alt=\"\" when text already describes the image.",
        ["Empty the redundant alt"], 2, STATIC, c::image_redundant_alt),
    // Names.
    axe!("input-button-name", critical, ["4.1.2 (A)"], "Input buttons must have discernible text",
        "Input buttons need a value or label.", "Add a value attribute.", ["Set value=\"…\""], 2, STATIC, c::input_button_name),
    axe!("select-name", critical, ["4.1.2 (A)"], "Select element must have an accessible name",
        "Select boxes need a label.", "Associate a <label>.", ["Add <label for>"], 3, STATIC, c::select_name),
    axe!("aria-command-name", serious, ["4.1.2 (A)"], "ARIA commands must have an accessible name",
        "Elements with role link/button/menuitem need a name.", "Add text or aria-label.", ["Add aria-label"], 3, STATIC, c::aria_command_name),
    axe!("aria-dialog-name", serious, [], "ARIA dialog and alertdialog nodes should have an accessible name",
        "Dialogs need a name.", "Add aria-label or aria-labelledby.", ["Point aria-labelledby at the dialog heading"], 3, STATIC, c::aria_dialog_name),
    axe!("aria-input-field-name", serious, ["4.1.2 (A)"], "ARIA input fields must have an accessible name",
        "Custom input widgets need a name.", "Add aria-label or aria-labelledby.", ["Add aria-label"], 3, STATIC, c::aria_input_field_name),
    axe!("aria-meter-name", serious, ["1.1.1 (A)"], "ARIA meter nodes must have an accessible name",
        "Meters need a name.", "Add aria-label.", ["Add aria-label"], 2, STATIC, c::aria_meter_name),
    axe!("aria-progressbar-name", serious, ["1.1.1 (A)"], "ARIA progressbar nodes must have an accessible name",
        "Progress bars need a name.", "Add aria-label.", ["Add aria-label"], 2, STATIC, c::aria_progressbar_name),
    axe!("aria-tab-name", serious, ["4.1.2 (A)"], "ARIA tab elements must have an accessible name",
        "Tabs need a name.", "Add tab text or aria-label.", ["Add text"], 2, STATIC, c::aria_tab_name),
    axe!("aria-toggle-field-name", serious, ["4.1.2 (A)"], "ARIA toggle fields must have an accessible name",
        "Custom checkboxes, radios, switches and options need a name.", "Add text or aria-label.", ["Add aria-label"], 3, STATIC, c::aria_toggle_field_name),
    axe!("aria-tooltip-name", serious, ["4.1.2 (A)"], "ARIA tooltip nodes must have an accessible name",
        "Tooltips need text.", "Add tooltip text.", ["Add text"], 2, STATIC, c::aria_tooltip_name),
    axe!("aria-treeitem-name", serious, [], "ARIA treeitem nodes should have an accessible name",
        "Tree items need a name.", "Add text or aria-label.", ["Add text"], 2, STATIC, c::aria_treeitem_name),
    axe!("summary-name", serious, ["4.1.2 (A)"], "Summary elements must have discernible text",
        "A <details> summary needs text.", "Add text to <summary>.", ["Add text"], 2, STATIC, c::summary_name),
    axe!("empty-heading", minor, [], "Headings should not be empty",
        "Empty headings confuse navigation by headings.", "Add text or remove the heading.", ["Fill or remove the heading"], 2, STATIC, c::empty_heading),
    axe!("empty-table-header", minor, [], "Table header text should not be empty",
        "Empty header cells give no context to data cells.", "Add header text.", ["Add text to the <th>"], 2, STATIC, c::empty_table_header),
    axe!("frame-title-unique", serious, ["4.1.2 (A)"], "Frames must have a unique title attribute",
        "Frames sharing a title cannot be told apart (needs review, as in axe).", "Give each frame a distinct title.", ["Edit titles"], 3, STATIC, c::frame_title_unique),
    axe!("form-field-multiple-labels", moderate, ["3.3.2 (A)"], "Form field must not have multiple label elements",
        "Several labels on one field are read inconsistently (needs review).", "Use a single label.", ["Merge the labels"], 3, STATIC, c::form_field_multiple_labels),
    axe!("label-title-only", serious, [], "Form elements should have a visible label",
        "A title or aria-describedby alone is not a visible label.", "Add a visible <label>.", ["Add <label>"], 3, STATIC, c::label_title_only),
    axe!("landmark-unique", moderate, [], "Landmarks should have a unique role or role/label/title combination",
        "Landmarks of the same role need distinct names.", "Add distinct aria-labels.", ["Label each landmark"], 3, STATIC, c::landmark_unique),
    // Document.
    axe!("html-xml-lang-mismatch", moderate, ["3.1.1 (A)"], "HTML elements with lang and xml:lang must have the same base language",
        "lang and xml:lang must agree.", "Make both attributes name the same language.", ["Align xml:lang with lang"], 2, STATIC, c::html_xml_lang_mismatch),
    axe!("valid-lang", serious, ["3.1.2 (AA)"], "lang attribute must have a valid value",
        "Language changes inside the page need valid language tags.", "Use valid BCP 47 tags.", ["Correct the lang value"], 2, STATIC, c::valid_lang),
    axe!("meta-refresh", critical, ["2.2.1 (A)"], "Delayed refresh under 20 hours must not be used",
        "Timed refreshes and redirects move users without warning.", "Remove the meta refresh or redirect server-side.", ["Use a 301 redirect instead"], 10, "", c::meta_refresh),
    axe!("meta-viewport-large", minor, [], "Users should be able to zoom and scale the text up to 500%",
        "maximum-scale below 5 limits zoom.", "Raise or remove maximum-scale.", ["Edit the viewport meta"], 2, "", c::meta_viewport_large),
    axe!("aria-hidden-body", critical, ["1.3.1 (A)", "4.1.2 (A)"], "aria-hidden=\"true\" must not be present on the document body",
        "aria-hidden on body hides the whole page from assistive technology.", "Remove aria-hidden from <body>.", ["Remove the attribute"], 2, "", c::aria_hidden_body),
    axe!("landmark-one-main", moderate, [], "Document should have one main landmark",
        "A main landmark lets users skip to the content.", "Wrap the content in <main>.", ["Add <main>"], 5, STATIC, c::landmark_one_main),
    axe!("page-has-heading-one", moderate, [], "Page should contain a level-one heading",
        "A level-one heading marks the start of the content.", "Add an <h1>.", ["Add <h1>"], 3, STATIC, c::page_has_heading_one),
    axe!("landmark-no-duplicate-banner", moderate, [], "Document should not have more than one banner landmark",
        "Several banners confuse landmark navigation.", "Keep a single top-level <header>.", ["Remove extra banners"], 5, STATIC, c::landmark_no_duplicate_banner),
    axe!("landmark-no-duplicate-contentinfo", moderate, [], "Document should not have more than one contentinfo landmark",
        "Several contentinfo landmarks confuse navigation.", "Keep a single top-level <footer>.", ["Remove extras"], 5, STATIC, c::landmark_no_duplicate_contentinfo),
    axe!("landmark-no-duplicate-main", moderate, [], "Document should not have more than one main landmark",
        "Several main landmarks confuse navigation.", "Keep a single <main>.", ["Remove extras"], 5, STATIC, c::landmark_no_duplicate_main),
    axe!("landmark-banner-is-top-level", moderate, [], "Banner landmark should not be contained in another landmark",
        "A nested banner is not announced as the page banner.", "Move it to the top level.", ["Move the header"], 5, STATIC, c::landmark_banner_is_top_level),
    axe!("landmark-contentinfo-is-top-level", moderate, [], "Contentinfo landmark should not be contained in another landmark",
        "A nested contentinfo is confusing.", "Move it to the top level.", ["Move the footer"], 5, STATIC, c::landmark_contentinfo_is_top_level),
    axe!("landmark-main-is-top-level", moderate, [], "Main landmark should not be contained in another landmark",
        "A nested main landmark is confusing.", "Move it to the top level.", ["Move <main>"], 5, STATIC, c::landmark_main_is_top_level),
    axe!("bypass", serious, ["2.4.1 (A)"], "Page should have means to bypass repeated blocks",
        "Without headings, landmarks or a skip link keyboard users must tab through everything (needs review).",
        "Add a skip link, headings or landmarks.", ["Add <main> and headings"], 10, STATIC, c::bypass),
    axe!("skip-link", moderate, [], "The skip-link target should exist",
        "Same-page links must point at an existing target.", "Fix the link target id.", ["Add the target id"], 2,
        "axe only checks off-screen links; we check every same-page link.", c::skip_link),
    // Structure.
    axe!("list", serious, ["1.3.1 (A)"], "<ul> and <ol> must only directly contain <li>, <script> or <template> elements",
        "Lists with other children are announced wrongly.", "Move other content into <li>.", ["Wrap children in <li>"], 5, STATIC, c::list),
    axe!("listitem", serious, ["1.3.1 (A)"], "<li> elements must be contained in a <ul> or <ol>",
        "List items outside lists lose their list semantics.", "Put <li> inside <ul>/<ol>.", ["Wrap in <ul>"], 3, STATIC, c::listitem),
    axe!("dlitem", serious, ["1.3.1 (A)"], "<dt> and <dd> elements must be contained by a <dl>",
        "Definition items need a <dl> parent.", "Wrap in <dl>.", ["Wrap in <dl>"], 3, STATIC, c::dlitem),
    axe!("definition-list", serious, ["1.3.1 (A)"], "<dl> elements must only directly contain properly-ordered <dt> and <dd> groups, <script>, <template> or <div> elements",
        "Malformed definition lists are announced wrongly.", "Fix the <dl> structure.", ["Order dt before dd"], 5, STATIC, c::definition_list),
    axe!("td-headers-attr", serious, ["1.3.1 (A)"], "Table cells that use the headers attribute must only refer to cells in the same table",
        "headers must reference header cells of the same table.", "Fix the headers ids.", ["Point headers at <th> ids"], 5, STATIC, c::td_headers_attr),
    axe!("scope-attr-valid", moderate, [], "scope attribute should be used correctly",
        "scope belongs on <th> with row/col/rowgroup/colgroup.", "Correct the scope attribute.", ["Fix scope"], 2, STATIC, c::scope_attr_valid),
    axe!("table-duplicate-name", minor, [], "Tables should not have the same summary and caption",
        "A caption repeated in summary is read twice.", "Make them differ or drop summary.", ["Remove summary"], 2, STATIC, c::table_duplicate_name),
    axe!("tabindex", serious, [], "Elements should not have tabindex greater than zero",
        "Positive tabindex breaks the natural focus order.", "Use tabindex 0 or -1.", ["Set tabindex=0"], 3, STATIC, c::tabindex_rule),
    axe!("accesskeys", serious, [], "accesskey attribute value should be unique",
        "Duplicate access keys conflict.", "Give each accesskey a unique value.", ["Change duplicates"], 2, STATIC, c::accesskeys),
    axe!("server-side-image-map", minor, ["2.1.1 (A)"], "Server-side image maps must not be used",
        "Server-side maps are not keyboard accessible (needs review).", "Use a client-side map.", ["Replace ismap"], 15, STATIC, c::server_side_image_map),
    axe!("video-caption", critical, ["1.2.2 (A)"], "<video> elements must have captions",
        "Videos need captions; without a captions track this needs review, as in axe.", "Add <track kind=captions>.", ["Add a captions track"], 30,
        "Captions burned into the video cannot be detected.", c::video_caption),
    axe!("marquee", serious, ["2.2.2 (A)"], "<marquee> elements are deprecated and must not be used",
        "Moving text is hard to read.", "Remove <marquee>.", ["Replace with static text"], 5, STATIC, c::marquee),
    axe!("blink", serious, ["2.2.2 (A)"], "<blink> elements are deprecated and must not be used",
        "Blinking text is hard to read.", "Remove <blink>.", ["Replace with static text"], 5, STATIC, c::blink),
    // ARIA.
    axe!("aria-valid-attr", critical, ["4.1.2 (A)"], "ARIA attributes must conform to valid names",
        "Misspelled aria-* attributes are ignored.", "Fix the attribute name.", ["Correct the spelling"], 2, STATIC, c::aria_valid_attr),
    axe!("aria-valid-attr-value", critical, ["4.1.2 (A)"], "ARIA attributes must conform to valid values",
        "Invalid ARIA values are ignored or misread.", "Use allowed values.", ["Correct the value"], 3, STATIC, c::aria_valid_attr_value),
    axe!("aria-roles", critical, ["4.1.2 (A)"], "ARIA roles used must conform to valid values",
        "Unknown or abstract roles are ignored.", "Use a valid role.", ["Fix the role"], 2, STATIC, c::aria_roles),
    axe!("aria-deprecated-role", minor, ["4.1.2 (A)"], "Deprecated ARIA roles must not be used",
        "Deprecated roles may not be supported.", "Use a current role.", ["Replace the role"], 2, STATIC, c::aria_deprecated_role),
    axe!("aria-required-attr", critical, ["4.1.2 (A)"], "Required ARIA attributes must be provided",
        "Roles such as checkbox or slider need their state attributes.", "Add the required attributes.", ["Add e.g. aria-checked"], 3, STATIC, c::aria_required_attr),
    axe!("aria-allowed-attr", critical, ["4.1.2 (A)"], "Elements must only use supported ARIA attributes",
        "Attributes not supported by the role are ignored.", "Remove unsupported attributes.", ["Remove the attribute"], 3, STATIC, c::aria_allowed_attr),
    axe!("aria-prohibited-attr", serious, ["4.1.2 (A)"], "Elements must only use permitted ARIA attributes",
        "aria-label on generic or prohibited roles is ignored.", "Remove the attribute or add a role.", ["Move the label"], 3, STATIC, c::aria_prohibited_attr),
    axe!("aria-required-parent", critical, ["1.3.1 (A)"], "Certain ARIA roles must be contained by particular parents",
        "Roles like listitem or tab need their container role.", "Add the required parent role.", ["Wrap in the parent role"], 5, STATIC, c::aria_required_parent),
    axe!("aria-required-children", critical, ["1.3.1 (A)"], "Certain ARIA roles must contain particular children",
        "Roles like list or tablist need their owned roles.", "Add the required children.", ["Add child roles"], 5, STATIC, c::aria_required_children),
    axe!("aria-braille-equivalent", serious, ["4.1.2 (A)"], "aria-braille attributes must have a non-braille equivalent",
        "Braille labels need a matching accessible name (needs review).", "Add aria-label / aria-roledescription.", ["Add the equivalent"], 2, STATIC, c::aria_braille_equivalent),
    axe!("aria-text", serious, [], "\"role=text\" should have no focusable descendants",
        "role=text hides the semantics of focusable children.", "Remove focusable descendants.", ["Remove role=text"], 3, STATIC, c::aria_text),
    axe!("nested-interactive", serious, ["4.1.2 (A)"], "Interactive controls must not be nested",
        "Focusable content inside a control with presentational children is not announced.", "Un-nest the controls.", ["Move the inner control out"], 10, STATIC, c::nested_interactive),
    axe!("presentation-role-conflict", minor, [], "Elements marked as presentational should be consistently ignored",
        "Presentational elements that are focusable or have global ARIA keep their role.", "Remove the conflict.", ["Remove tabindex or global ARIA"], 3, STATIC, c::presentation_role_conflict),
    axe!("aria-allowed-role", minor, [], "ARIA role should be appropriate for the element",
        "ARIA in HTML limits which roles each element may take; a role that contradicts the element's native semantics confuses assistive technology.",
        "Use an element whose native role fits, or a role the element allows.", ["Remove the role", "or change the element (e.g. <button> for role=button)"], 5,
        "none/presentation on a focusable element needs review: browsers ignore it, so the outcome depends on conflict resolution.", c::aria_allowed_role),
    axe!("aria-conditional-attr", serious, ["4.1.2 (A)"], "ARIA attributes must be used as specified for the element's role",
        "Some ARIA attributes are only supported in some contexts: row expansion/level/position attributes only in a treegrid, and aria-checked on a native checkbox must match its checked state.",
        "Remove the unsupported attribute or make it agree with the native state.", ["Drop aria-expanded/-level/-posinset/-setsize from rows outside a treegrid", "Remove aria-checked from native checkboxes"], 3,
        STATIC, c::aria_conditional_attr),
    axe!("autocomplete-valid", serious, ["1.3.5 (AA)"], "autocomplete attribute must be used correctly",
        "An autocomplete value must follow the HTML autofill grammar so the field's purpose is programmatically identifiable.",
        "Use a valid autofill token list such as \"email\" or \"shipping street-address\".", ["Replace unknown field names with standard ones", "Order tokens as section-*, shipping/billing, home/work/..., field, webauthn"], 3,
        "Whether the token fits the user's data (appropriate purpose) is not judged.", c::autocomplete_valid),
    axe!("avoid-inline-spacing", serious, ["1.4.12 (AA)"], "Inline text spacing must be adjustable with custom stylesheets",
        "letter-spacing, word-spacing or line-height forced with !important in a style attribute cannot be overridden by users who need wider spacing.",
        "Drop !important from inline spacing, or use at least 0.12em letter, 0.16em word spacing and 1.5 line height.",
        ["Remove !important from the style attribute", "or raise the value to the WCAG 1.4.12 minimum"], 5,
        "Font sizes from stylesheets are assumed to be 16px; whether text wraps (line-height) is estimated from its length and inline widths.",
        c::avoid_inline_spacing),
    axe!("label-content-name-mismatch", serious, ["2.5.3 (A)"], "Elements labelled through their content must have their visible text as part of their accessible name",
        "Speech-input users say what they see; an aria-label that does not contain the visible text breaks voice control.",
        "Make the aria-label / aria-labelledby text start with or contain the visible label.", ["Include the visible words, in order, in the accessible name", "or remove the aria-label"], 5,
        "Text hidden by stylesheet classes and icon-font ligatures are invisible to us; very short or symbol-only text needs review.",
        c::label_content_name_mismatch),
    axe!("aria-hidden-focus", serious, ["4.1.2 (A)"], "ARIA hidden element must not be focusable or contain focusable elements",
        "Focusable content inside aria-hidden is announced as nothing.", "Make it unfocusable or not hidden.", ["Add tabindex=-1 or remove aria-hidden"], 5,
        "Focusability depends on CSS we cannot see.", c::aria_hidden_focus),
];
