//! Security rules.
//!
//! The first twelve are the MDN HTTP Observatory's tests: their ids are the
//! Observatory test names and every outcome carries the Observatory result
//! code, so [`grade::observatory_grade`] can score a scan the same way. The
//! rest are passive checks beyond the Observatory (OWASP ZAP style), each
//! with its CWE.
use super::Rule;

pub mod cookies;
pub mod csp;
pub mod grade;
pub mod headers;
pub mod isolation;
pub mod passive;
pub mod sri;
pub mod transport;
pub mod util;

pub use grade::observatory_grade;

pub static RULES: &[Rule] = &[
    csp::RULE,
    cookies::RULE,
    isolation::COEP_RULE,
    isolation::COOP_RULE,
    headers::CORS_RULE,
    transport::REDIRECTION_RULE,
    headers::RP_RULE,
    transport::HSTS_RULE,
    sri::RULE,
    headers::XCTO_RULE,
    headers::XFO_RULE,
    isolation::CORP_RULE,
    passive::VERSION_DISCLOSURE_RULE,
    passive::PERMISSIONS_POLICY_RULE,
    passive::MIXED_CONTENT_RULE,
    passive::COMPROMISED_SCRIPT_RULE,
    passive::CORS_REFLECTION_RULE,
    passive::SECURITY_TXT_RULE,
];

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    #[test]
    fn ids_unique_and_observatory_complete() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
        for t in grade::OBSERVATORY_TESTS {
            assert!(ids.contains(&t), "missing {t}");
        }
        for r in RULES {
            assert!(!r.references.is_empty() && !r.fix.steps.is_empty(), "{}", r.id);
        }
    }

    #[test]
    fn runs_on_a_bare_page_without_panicking() {
        let page = crate::scanner::page::Page::html_at("https://example.com/", &[], "<html><body><script src=//x></script></body></html>");
        for r in RULES {
            let _ = r.check_page(&page);
        }
        let results = crate::scanner::rules::run_all(&(page));
        let (score, g) = observatory_grade(&results);
        assert!(score >= 0 && !g.is_empty());
    }
}
