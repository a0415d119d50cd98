//! Search-engine page-quality rules (Lighthouse's SEO category) that are
//! decidable from the response and the HTML: status code, meta description,
//! indexability directives, link text, crawlable anchors, hreflang, canonical.
//! `document-title` and `image-alt` are axe rules and live with accessibility.

mod indexing;
mod links;
mod alternates;
pub use indexing::*;
pub use links::*;
pub use alternates::*;

/// Helpers the family files' tests share.
#[cfg(test)]
mod test_support {
    #![allow(dead_code, unused_imports)]
    use crate::scanner::page::{Header, Page, Subresource};
    use crate::scanner::rules::{Evidence, Outcome, Violation};

    pub(super) fn code(o: Outcome) -> Option<String> {
        match o {
            Outcome::Fail(v) => Some(v.code.unwrap_or_else(|| "fail".into())),
            _ => None,
        }
    }

    pub(super) fn count(o: &Outcome, metric_name: &str) -> f64 {
        match o {
            Outcome::Fail(v) => v
                .evidence
                .iter()
                .find_map(|e| match e {
                    Evidence::Metric { name, observed, .. } if name == metric_name => Some(*observed),
                    _ => None,
                })
                .unwrap_or(-1.0),
            _ => 0.0,
        }
    }

    pub(super) fn p(body: &str) -> Page {
        Page::html_at("https://example.com/page", &[], body)
    }

    pub(super) fn ph(headers: &[(&str, &str)], body: &str) -> Page {
        Page::html_at("https://example.com/page", headers, body)
    }
}
