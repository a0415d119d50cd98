//! Rules decided from the HTML itself: render-blocking tags, DOM size,
//! unsized images, web-font display, viewport, doctype and charset.

mod paint;
mod layout;
mod head;
pub use paint::*;
pub use layout::*;
pub use head::*;

/// Helpers the family files' tests share.
#[cfg(test)]
mod test_support {
    #![allow(dead_code, unused_imports)]
    use crate::scanner::page::{Header, Page, Subresource};
    use crate::scanner::rules::{Evidence, Outcome, Violation};

    pub(super) fn is_pass(o: &Outcome) -> bool {
        matches!(o, Outcome::Pass { .. })
    }

    pub(super) fn p(body: &str) -> Page {
        Page::html_at("https://example.com/", &[], body)
    }

    pub(super) fn snippets(o: &Outcome) -> Vec<String> {
        match o {
            Outcome::Fail(v) => v
                .evidence
                .iter()
                .filter_map(|e| match e {
                    Evidence::Element { snippet, .. } => Some(snippet.clone()),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        }
    }
}
