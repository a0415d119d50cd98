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
//! - Severity maps axe impact: critical → critical, serious → high,
//!   moderate → medium, minor → low.
//!
//! # Where things are
//! A rule is one place: its record (a [`Rule`]) beside its check, and its
//! pass/fail cases in the same file's tests, in the file of its family:
//! [`images`] (text alternatives), [`control_names`] (links, buttons, frames,
//! label in name), [`aria_names`] (names of ARIA widgets), [`forms`] (labels,
//! autocomplete), [`language`], [`document`] (title, hidden body, refresh),
//! [`visual`] (zoom, text spacing), [`headings`], [`landmarks`] (landmarks,
//! bypass, skip links), [`lists`], [`tables`], [`keyboard`] (tab order, access
//! keys, focusable content hidden or nested), [`media`] (captions, moving
//! text), [`aria_attributes`], [`aria_roles`], [`contrast`] (text colour
//! against what is behind it). [`common`] is what every family
//! uses (the per-element runner). Shared knowledge lives in its own modules:
//! [`aria`] (WAI-ARIA roles and attributes, implicit roles), [`html_aria`]
//! (ARIA in HTML: roles each element may take), [`names`] (accname),
//! [`ctx`] (the per-check context), [`autocomplete`] (HTML autofill tokens),
//! [`spacing`] (WCAG 1.4.12 thresholds), [`label_in_name`] (ACT label-in-name
//! comparison), [`lang`] (language tags), [`style_sheet`] (the page's
//! `<style>` rules, cascaded), [`colour`] (CSS colours, backgrounds,
//! compositing, WCAG contrast), [`text_colours`] (what each text is painted
//! in and stands on).
//!
//! Adding a rule touches its family file only: the check, the record, its
//! entry in the family's `RULES` with the next free catalogue position, and
//! its cases. (A new family file is also added to [`FAMILIES`] below.)
//!
//! # Priority inputs (see `scoring::priority_score`)
//! - **impact** follows axe's impact: critical 90, serious 70, moderate 50,
//!   minor 30 ([`CRITICAL`] …).
//! - **effort** is how much work the fix is ([`Effort`]): 5 to add or correct
//!   an attribute or value on the element (alt, lang, aria-label, a token);
//!   15 to edit a few elements or their text (add a `<label>` or a `<title>`,
//!   rename ids, change a heading level, replace an element); 30 to
//!   restructure markup (lists, tables, landmarks, ARIA parent/child
//!   structure, un-nesting controls); 60 for content or design work (captions,
//!   replacing a server-side image map, spacing that must survive user styles).
//! - **risk** is conformance plus harm ([`risk`]): the WCAG level the rule
//!   cites (A 20, AA 15, best practice only 5: legal exposure, as laws and
//!   procurement rules require A and AA) plus how badly users are blocked
//!   ([`Harm`]): +20 when a user can be left unable to perceive, identify or
//!   operate something (an unnamed control or image, the page hidden, zoom
//!   disabled, a timed refresh); +10 when the content stays usable but is
//!   harder to use, navigate or understand (wrong structure, language or
//!   order); +0 when it is noise (a redundant or deprecated construct).
//!   The scale (5 to 40) is the security rules' (CSP is 40), so findings of
//!   the three domains keep a sensible order in one list.
use super::{Reference, Rule};
use std::sync::LazyLock;

/// A reference to the rule's page in axe's documentation (a macro: the URL
/// is a literal built at compile time).
macro_rules! axe_ref {
    ($id:literal) => {
        crate::scanner::rules::Reference { kind: "axe", id: $id, url: concat!("https://dequeuniversity.com/rules/axe/4.10/", $id) }
    };
}

pub mod aria;
pub mod autocomplete;
pub mod ctx;
pub mod html_aria;
pub mod label_in_name;
pub mod lang;
pub mod names;
pub mod spacing;

mod common;

pub mod aria_attributes;
pub mod aria_names;
pub mod aria_roles;
pub mod control_names;
pub mod document;
pub mod forms;
pub mod headings;
pub mod images;
pub mod keyboard;
pub mod landmarks;
pub mod language;
pub mod lists;
pub mod media;
pub mod colour;
pub mod contrast;
pub mod scroll_box;
pub mod scroll_region;
pub mod style_sheet;
pub mod table_grid;
pub mod text_colours;
pub mod tables;
pub mod visual;

#[cfg(test)]
mod tests;

/// Every accessibility rule, in catalogue order: the family lists together,
/// each rule at its catalogue position. The order is what the API (rules
/// run, SARIF rules), docs/rules.md and the rule dump show, so it does not
/// follow the files: moving a rule between families changes nothing.
pub static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let mut all: Vec<(u16, Rule)> = FAMILIES.concat();
    all.sort_by_key(|(position, _)| *position);
    all.into_iter().map(|(_, rule)| rule).collect()
});

/// Every family's rules with their catalogue positions (a new family file is added here).
const FAMILIES: &[&[(u16, Rule)]] = &[
    images::RULES,
    control_names::RULES,
    aria_names::RULES,
    forms::RULES,
    language::RULES,
    document::RULES,
    visual::RULES,
    headings::RULES,
    landmarks::RULES,
    lists::RULES,
    tables::RULES,
    keyboard::RULES,
    scroll_region::RULES,
    media::RULES,
    aria_attributes::RULES,
    aria_roles::RULES,
    contrast::RULES,
];

/// axe's impact as the priority input `impact`.
pub const CRITICAL: u8 = 90;
pub const SERIOUS: u8 = 70;
pub const MODERATE: u8 = 50;
pub const MINOR: u8 = 30;

/// The priority input `effort`: how much work the fix is (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// Add or correct an attribute or value on the element.
    Attribute = 5,
    /// Edit a few elements or their text.
    Markup = 15,
    /// Restructure markup (lists, tables, landmarks, ARIA structure).
    Restructure = 30,
    /// Content or design work (captions, a new image map, spacing).
    Redesign = 60,
}

/// The WCAG conformance level of the criteria a rule cites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conformance {
    A,
    AA,
    /// axe best practice: no WCAG success criterion.
    BestPractice,
}

/// How badly a violation leaves users blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Harm {
    /// Something cannot be perceived, identified or operated.
    Blocks,
    /// Usable, but harder to use, navigate or understand.
    Hinders,
    /// Noise: redundant or deprecated constructs.
    Annoys,
}

/// The priority input `risk`: conformance level plus harm (see the module doc).
pub const fn risk(conformance: Conformance, harm: Harm) -> u8 {
    let level = match conformance {
        Conformance::A => 20,
        Conformance::AA => 15,
        Conformance::BestPractice => 5,
    };
    let harm = match harm {
        Harm::Blocks => 20,
        Harm::Hinders => 10,
        Harm::Annoys => 0,
    };
    level + harm
}

const WCAG_URL: &str = "https://www.w3.org/WAI/WCAG22/quickref/";

/// A WCAG success criterion, e.g. `wcag("1.1.1 (A)")`.
pub const fn wcag(id: &'static str) -> Reference {
    Reference { kind: "wcag", id, url: WCAG_URL }
}

/// The limits of most rules.
pub const STATIC: &str = "Static HTML only: CSS from stylesheets, scripts and iframe documents are not evaluated.";
