//! Rules about the document's delivery: response time, redirects,
//! compression, subresource caching and total bytes.

mod timing;
mod transfer;
mod caching;
pub use timing::*;
pub use transfer::*;
pub use caching::*;

/// Helpers the family files' tests share.
#[cfg(test)]
mod test_support {
    #![allow(dead_code, unused_imports)]
    use crate::scanner::page::{Header, Page, Subresource};
    use crate::scanner::rules::{Evidence, Outcome, Violation};

    pub(super) fn fail(o: Outcome) -> Violation {
        match o {
            Outcome::Fail(v) => v,
            other => panic!("expected fail, got {other:?}"),
        }
    }

    pub(super) fn metric_of(v: &Violation, n: &str) -> Option<(f64, f64, Option<f64>)> {
        v.evidence.iter().find_map(|e| match e {
            Evidence::Metric { name, observed, threshold, savings, .. } if name == n => Some((*observed, *threshold, *savings)),
            _ => None,
        })
    }

    pub(super) fn page() -> Page {
        Page::html_at("https://example.com/", &[], "<!doctype html><title>x</title>")
    }

    pub(super) fn sub(kind: &str, headers: &[(&str, &str)], bytes: Option<u64>) -> Subresource {
        Subresource {
            url: format!("https://example.com/a.{kind}"),
            kind: kind.into(),
            status: 200,
            headers: headers.iter().map(|(n, v)| Header { name: (*n).into(), value: (*v).into() }).collect(),
            transferred_bytes: bytes,
        }
    }
}
