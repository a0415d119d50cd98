//! The rule catalogue. Each rule is a data record plus a pure check over a
//! [`Page`]; adding a rule touches only its domain's file (the registry below
//! just concatenates the domain lists).
use crate::domain::model::{Domain, Severity};
use crate::scanner::page::Page;
use dom::Analysis;
use serde::Serialize;

pub mod accessibility;
pub mod catalogue;
pub mod dom;
pub mod performance;
pub mod security;

/// A reference a finding cites: a WCAG success criterion, a CWE, or a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// `wcag`, `cwe`, `mdn`, `owasp`, `axe`, `lighthouse`, `observatory`, `url`.
    pub kind: &'static str,
    /// e.g. `1.1.1 (A)`, `CWE-693`, or the reference id.
    pub id: &'static str,
    pub url: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub summary: &'static str,
    pub steps: &'static [&'static str],
    pub estimated_minutes: u32,
}

/// What a rule observed; serialized into the finding's `evidence`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Evidence {
    /// A response header (value None when the header is missing).
    Header { name: String, value: Option<String> },
    /// An HTML element: a CSS selector that finds it, its outer HTML cut to a
    /// sane length, and its 1-based source line when known.
    Element {
        selector: String,
        snippet: String,
        line: Option<u32>,
        /// Set when the element needs a human to decide (axe's "needs review").
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        needs_review: bool,
        /// The node in the parsed tree, for exact matching in tests; not serialized.
        #[serde(skip)]
        node: Option<ego_tree::NodeId>,
    },
    /// A measured value against its threshold, with the estimated saving.
    Metric {
        name: String,
        observed: f64,
        threshold: f64,
        unit: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        savings: Option<f64>,
    },
    /// A URL (a redirect hop, a subresource, a cookie name…) with a note.
    Item { value: String, note: String },
}

/// The result of one rule on one page.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing in the page that the rule applies to.
    NotApplicable,
    Pass {
        /// Reference result code (e.g. the Observatory's), when the rule has one.
        code: Option<String>,
    },
    Fail(Violation),
}

impl Outcome {
    /// A failure's true evidence count (see [`Violation::total`]); other outcomes unchanged.
    pub fn with_total(self, n: usize) -> Outcome {
        match self {
            Outcome::Fail(v) => Outcome::Fail(v.total(n)),
            other => other,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Overrides the rule's default severity when the observed case is worse or milder.
    pub severity: Option<Severity>,
    /// 0..1; lower when the check cannot be sure from static HTML.
    pub confidence: f32,
    /// Reference result code (e.g. `csp-implemented-with-unsafe-inline`).
    pub code: Option<String>,
    /// One-line description of what is wrong on this page (defaults to the rule's).
    pub detail: Option<String>,
    /// At most [`MAX_EVIDENCE`] items: checks stop building evidence there.
    pub evidence: Vec<Evidence>,
    /// How many items there were in all (the finding's `evidence_total`);
    /// at least `evidence.len()`.
    pub total: usize,
}

impl Violation {
    pub fn new(evidence: Vec<Evidence>) -> Self {
        let total = evidence.len();
        Violation { severity: None, confidence: 0.95, code: None, detail: None, evidence, total }
    }
    /// The number of offending items when the check kept only the first [`MAX_EVIDENCE`].
    pub fn total(mut self, n: usize) -> Self {
        self.total = n;
        self
    }
    /// The true count of evidence items, kept or not.
    pub fn evidence_total(&self) -> usize {
        self.total.max(self.evidence.len())
    }
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = Some(s);
        self
    }
    pub fn confidence(mut self, c: f32) -> Self {
        self.confidence = c;
        self
    }
    pub fn code(mut self, c: impl Into<String>) -> Self {
        self.code = Some(c.into());
        self
    }
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

pub type Check = fn(&Analysis) -> Outcome;

/// A rule: data plus a pure check.
#[derive(Clone, Copy)]
pub struct Rule {
    /// The reference's id where one exists (axe rule id, Lighthouse audit id,
    /// Observatory test name), so users recognise it.
    pub id: &'static str,
    pub domain: Domain,
    /// Default severity of a violation.
    pub severity: Severity,
    pub title: &'static str,
    pub description: &'static str,
    pub references: &'static [Reference],
    pub fix: Fix,
    /// Priority inputs, 0..100 each (see `scoring::priority_score`).
    pub impact: u8,
    pub effort: u8,
    pub risk: u8,
    /// What the check cannot decide (documented in docs/rules.md).
    pub limits: &'static str,
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).field("domain", &self.domain).finish()
    }
}

/// Every rule, in a stable order (built once).
pub fn all() -> &'static [&'static Rule] {
    static ALL: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| security::RULES.iter().chain(performance::RULES.iter()).chain(accessibility::RULES.iter()).collect())
}

pub fn by_id(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.id == id)
}

/// A violation together with the rule that produced it.
#[derive(Debug, Clone)]
pub struct RuleResult {
    pub rule: &'static Rule,
    pub outcome: Outcome,
}

impl Rule {
    /// Runs the check alone on a page (tests, conformance runners): with an
    /// analysis context of its own, and no `page_too_complex` handling.
    pub fn check_page(&self, page: &Page) -> Outcome {
        (self.check)(&analysis(page))
    }

    /// [`Rule::check_page`] listing every offending element of the
    /// accessibility rules, for the conformance runners that compare nodes.
    pub fn check_page_listing_all(&self, page: &Page) -> Outcome {
        (self.check)(&analysis(page).with_evidence_cap(usize::MAX))
    }
}

/// The analysis context the checks of one page share.
pub fn analysis(page: &Page) -> Analysis<'_> {
    Analysis::new(page, accessibility::aria::explicit_role)
}


/// Test helper: an analysis context that lives as long as the page.
#[cfg(test)]
pub(crate) fn held(page: &Page) -> &Analysis<'_> {
    Box::leak(Box::new(analysis(page)))
}


/// Runs every rule over the page, sharing one analysis context.
pub fn run_all(page: &Page) -> Vec<RuleResult> {
    let a = analysis(page);
    all().iter().map(|rule| run_one(rule, &a)).collect()
}

/// Runs one rule. On a page cut by the work budget, a rule that read the
/// document did not see all of it, so nothing it says is final: a pass
/// becomes a needs-review finding and a failure's evidence needs review,
/// both with the reason `page_too_complex`. Rules that only read headers
/// keep their outcome.
pub fn run_one(rule: &'static Rule, page: &Analysis) -> RuleResult {
    page.take_document_read();
    let outcome = (rule.check)(page);
    let outcome = if !page.limits_hit.is_empty() && page.take_document_read() { too_complex(page, outcome) } else { outcome };
    RuleResult { rule, outcome }
}

/// The reason code of findings whose rule could not look at the whole page.
pub const PAGE_TOO_COMPLEX: &str = "page_too_complex";

fn too_complex(page: &Page, outcome: Outcome) -> Outcome {
    let limits: Vec<String> = page.limits_hit.iter().map(|l| l.describe(&crate::scanner::page::LIMITS)).collect();
    let note = format!(
        "The page has {}, past the analysis budget; only its first {} bytes were analysed, so this rule could not look at everything.",
        limits.join(", "),
        page.parsed_bytes
    );
    let reason = Evidence::Item { value: PAGE_TOO_COMPLEX.to_string(), note };
    match outcome {
        Outcome::Fail(mut v) => {
            for e in v.evidence.iter_mut() {
                if let Evidence::Element { needs_review, .. } = e {
                    *needs_review = true;
                }
            }
            v.total = v.evidence_total() + 1;
            v.evidence.insert(0, reason);
            v.confidence = v.confidence.min(0.4);
            v.code = v.code.or_else(|| Some(PAGE_TOO_COMPLEX.to_string()));
            let detail = v.detail.take().map(|d| format!(": {d}")).unwrap_or_default();
            v.detail = Some(format!("Needs review ({PAGE_TOO_COMPLEX}), the page was analysed in part{detail}"));
            Outcome::Fail(v)
        }
        Outcome::Pass { .. } | Outcome::NotApplicable => Outcome::Fail(
            Violation::new(vec![reason])
                .severity(Severity::Info)
                .confidence(0.4)
                .code(PAGE_TOO_COMPLEX)
                .detail(format!("Needs review ({PAGE_TOO_COMPLEX}): nothing was found in the part of the page analysed, but the rest was not checked")),
        ),
    }
}

/// Evidence items kept per finding (checks stop building evidence there);
/// [`Violation::total`] carries how many there were.
pub const MAX_EVIDENCE: usize = 20;

#[cfg(test)]
mod budget_tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    fn deep_page(extra: &str) -> Page {
        let body = format!("<!doctype html><html lang=en><head><title>t</title></head><body>{extra}{}x", "<div>".repeat(2000));
        Page::html_at("https://example.com/", &[("content-type", "text/html")], &body)
    }

    #[test]
    fn a_page_past_a_limit_never_passes_a_document_rule() {
        let page = deep_page("<img src=a.png>");
        assert_eq!(page.limits_hit, vec![crate::scanner::page::LimitHit::Depth]);
        let results = run_all(&page);
        for r in &results {
            let a = analysis(&(page));
            let reads_document = { (r.rule.check)(&a); a.take_document_read() };
            match (&r.outcome, reads_document) {
                (Outcome::Fail(v), true) => {
                    assert!(v.confidence <= 0.4, "{}", r.rule.id);
                    assert!(matches!(&v.evidence[0], Evidence::Item { value, .. } if value == PAGE_TOO_COMPLEX), "{}", r.rule.id);
                    assert!(v.evidence.iter().all(|e| !matches!(e, Evidence::Element { needs_review: false, .. })), "{}", r.rule.id);
                }
                (o, true) => panic!("{} read the cut document and said {o:?}", r.rule.id),
                (_, false) => {}
            }
        }
        // The missing alt text found before the cut is still reported, for review.
        let alt = results.iter().find(|r| r.rule.id == "image-alt").map(|r| &r.outcome);
        assert!(matches!(alt, Some(Outcome::Fail(v)) if v.evidence.iter().any(|e| matches!(e, Evidence::Element { needs_review: true, .. }))));
        // Header rules are untouched: a missing X-Content-Type-Options is a plain failure.
        let xcto = results.iter().find(|r| r.rule.id == "x-content-type-options").map(|r| &r.outcome);
        assert!(matches!(xcto, Some(Outcome::Fail(v)) if v.confidence > 0.4
            && !v.evidence.iter().any(|e| matches!(e, Evidence::Item { value, .. } if value == PAGE_TOO_COMPLEX))));
    }

    #[test]
    fn a_page_within_the_budget_is_not_touched() {
        let page = Page::html_at("https://example.com/", &[("content-type", "text/html")], "<!doctype html><html lang=en><title>t</title><img src=a.png>");
        assert!(page.limits_hit.is_empty());
        for r in run_all(&page) {
            if let Outcome::Fail(v) = &r.outcome {
                assert_ne!(v.code.as_deref(), Some(PAGE_TOO_COMPLEX), "{}", r.rule.id);
            }
        }
    }
}
