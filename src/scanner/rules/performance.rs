//! Performance and page-quality rules, decided the way Lighthouse decides them
//! but from what a Worker can observe without a browser: response headers,
//! timings, byte counts, HEAD results for a few subresources, and the parsed HTML.
//!
//! Rule ids are Lighthouse audit ids. Lighthouse 13 folded several audits into
//! trace-based "insights"; where that happened the rule cites both ids.
//! SEO and best-practice audits (doctype, charset, crawlability…) live here too:
//! they are page-quality checks of the same kind. Audits whose ids axe owns
//! (`document-title`, `meta-viewport`, `html-has-lang`, `image-alt`) are left
//! to the accessibility rules.
use super::{dom, Evidence, Reference, Rule, MAX_EVIDENCE};
use crate::scanner::rules::dom::Analysis;
use scraper::{ElementRef, Html};

pub mod document;
pub mod network;
pub mod seo;

pub static RULES: &[Rule] = &[
    network::SERVER_RESPONSE_TIME,
    network::REDIRECTS,
    network::USES_TEXT_COMPRESSION,
    network::USES_LONG_CACHE_TTL,
    network::TOTAL_BYTE_WEIGHT,
    document::RENDER_BLOCKING_RESOURCES,
    document::DOM_SIZE,
    document::UNSIZED_IMAGES,
    document::FONT_DISPLAY,
    document::VIEWPORT,
    document::DOCTYPE,
    document::CHARSET,
    seo::HTTP_STATUS_CODE,
    seo::META_DESCRIPTION,
    seo::IS_CRAWLABLE,
    seo::LINK_TEXT,
    seo::CRAWLABLE_ANCHORS,
    seo::HREFLANG,
    seo::CANONICAL,
];

/// A measured value against its threshold.
pub(crate) fn metric(name: &str, observed: f64, threshold: f64, unit: &str, savings: Option<f64>) -> Evidence {
    Evidence::Metric { name: name.to_string(), observed, threshold, unit: unit.to_string(), savings }
}

pub(crate) fn item(value: impl Into<String>, note: impl Into<String>) -> Evidence {
    Evidence::Item { value: value.into(), note: note.into() }
}

/// Element evidence for at most [`MAX_EVIDENCE`] elements.
pub(crate) fn elements<'a>(page: &Analysis, els: impl IntoIterator<Item = ElementRef<'a>>) -> Vec<Evidence> {
    els.into_iter().take(MAX_EVIDENCE).map(|e| dom::element(page, e)).collect()
}

/// Element evidence for one element.
pub(crate) fn element(page: &Analysis, el: ElementRef) -> Evidence {
    dom::element(page, el)
}

/// The parsed document, when the page was HTML.
pub(crate) fn html<'a>(page: &'a Analysis<'_>) -> Option<&'a Html> {
    page.html()
}

/// True when `el` sits inside `<head>` (the parser moves head-only content
/// after `<body>` starts into the body, as browsers do).
pub(crate) fn in_head(el: ElementRef) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).any(|a| a.value().name() == "head")
}

/// Value of a header in a subresource's header list (names are lower-case).
pub(crate) fn header_in<'a>(headers: &'a [crate::scanner::page::Header], name: &str) -> Option<&'a str> {
    headers.iter().find(|h| h.name == name).map(|h| h.value.as_str())
}

/// Whole-word-ish token test on a space-separated attribute such as `rel`.
pub(crate) fn has_token(value: &str, token: &str) -> bool {
    value.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case(token))
}

/// Lighthouse documentation link for an audit id.
pub(crate) const fn lh(id: &'static str, url: &'static str) -> Reference {
    Reference { kind: "lighthouse", id, url }
}

pub(crate) fn kib(bytes: f64) -> String {
    format!("{:.1} KiB", bytes / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    #[test]
    fn rule_ids_are_unique_and_all_performance() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(RULES.iter().all(|r| r.domain == crate::domain::model::Domain::Performance));
        assert!(RULES.iter().all(|r| r.impact <= 100 && r.effort <= 100 && r.risk <= 100));
        assert!(RULES.iter().all(|r| !r.references.is_empty() && !r.limits.is_empty()));
    }

    #[test]
    fn batched_lines_match_dom_source_line() {
        let page = Page::html_at(
            "https://example.com/",
            &[],
            "<!doctype html>\n<html><body>\n<IMG src=a>\n<p><img src=b></p>\n<imgx>\n\n<img\tsrc=c><a href=x>y</a></body></html>",
        );
        let doc = page.document().unwrap();
        let els: Vec<ElementRef> = doc.select(crate::sel!("img, a, p")).collect();
        let batched = elements(&crate::scanner::rules::analysis(&page), els.clone());
        for (e, ev) in els.iter().zip(&batched) {
            assert_eq!(*ev, dom::element(&crate::scanner::rules::analysis(&page), *e));
        }
        assert!(matches!(&batched[0], Evidence::Element { line: Some(3), .. }));
    }

    #[test]
    fn no_overlap_with_axe_ids() {
        for id in ["document-title", "meta-viewport", "html-has-lang", "image-alt"] {
            assert!(RULES.iter().all(|r| r.id != id));
        }
    }
}
