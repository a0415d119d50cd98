//! The links a scanned page offers the crawl, read from the document the
//! page already parsed (one walk of its tree, no second parse).
//!
//! - `<a href>` and `<area href>` (any namespace, so SVG `<a href>` too), in
//!   document order, resolved against the document's base URL: the first
//!   `<base href>` in the document when it is an http(s) URL (HTML's "frozen
//!   base URL"), else the page's URL; normalised by [`normalise`] and
//!   de-duplicated (first occurrence kept).
//! - Skipped: links with a `download` attribute (a file to save, not a
//!   page), links inside `<template>` (inert until a script uses them), and
//!   anything [`normalise`] refuses (`javascript:`, `mailto:`, …).
//! - `rel="nofollow"` is followed: it asks search engines not to pass
//!   ranking credit, and the site being scanned is the team's own.
//! - Other origins are returned too; the frontier counts and skips them.
//! - At most [`MAX_LINKS_PER_PAGE`] distinct links per page; the rest of
//!   the page's links are ignored.
use super::urls::normalise;
use crate::scanner::page::Page;
use ego_tree::iter::Edge;
use scraper::Node;
use std::collections::HashSet;
use url::Url;

/// Distinct links kept from one page.
pub const MAX_LINKS_PER_PAGE: usize = 1_000;

pub fn page_links(page: &Page, base: &Url) -> Vec<Url> {
    let Some(html) = page.document() else { return Vec::new() };
    let mut base_url: Option<Url> = None;
    let mut base_seen = false;
    // Candidates in order, resolved once the base is known: `<base>` may
    // come after links in a broken document and still applies to them.
    let mut hrefs: Vec<&str> = Vec::new();
    let mut in_template = 0usize;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                let Node::Element(el) = node.value() else { continue };
                let name = el.name();
                if name == "template" {
                    in_template += 1;
                    continue;
                }
                if in_template > 0 {
                    continue;
                }
                match name {
                    "base" if !base_seen => {
                        if let Some(h) = el.attr("href") {
                            base_seen = true;
                            base_url = base.join(h.trim()).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
                        }
                    }
                    "a" | "area" => {
                        if let Some(h) = el.attr("href") {
                            if el.attr("download").is_none() {
                                hrefs.push(h);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if matches!(node.value(), Node::Element(el) if el.name() == "template") {
                    in_template = in_template.saturating_sub(1);
                }
            }
        }
    }
    let resolve_from = base_url.as_ref().unwrap_or(base);
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for h in hrefs {
        if out.len() >= MAX_LINKS_PER_PAGE {
            break;
        }
        if let Some(u) = normalise(resolve_from, h) {
            if seen.insert(u.as_str().to_string()) {
                out.push(u);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(url: &str, body: &str) -> Vec<String> {
        let p = Page::html_at(url, &[], body);
        page_links(&p, &p.final_url).into_iter().map(|u| u.to_string()).collect()
    }

    #[test]
    fn anchors_and_areas_in_order_deduplicated() {
        let got = links(
            "https://e.com/dir/page",
            r##"<a href="b">1</a><map><area href="/c" alt="c"></map><a href="b#x">dup</a><a href="/d?">d</a>
            <a href="https://other.example/x">o</a><a>no href</a><a href="">self</a><a href="#top">self again</a>
            <svg><a href="/svg-link"><text>s</text></a></svg>"##,
        );
        assert_eq!(
            got,
            [
                "https://e.com/dir/b",
                "https://e.com/c",
                "https://e.com/d",
                "https://other.example/x",
                "https://e.com/dir/page",
                "https://e.com/svg-link"
            ]
        );
    }

    #[test]
    fn skips_non_pages_downloads_and_templates_follows_nofollow() {
        let got = links(
            "https://e.com/",
            r#"<a href="javascript:void(0)">j</a><a href="mailto:x@e.com">m</a><a href="tel:1">t</a>
            <a href="data:text/html,x">d</a><a href="/file.zip" download>z</a><a href="/file2.zip" download="x.zip">z</a>
            <template><a href="/in-template">t</a><template><a href="/deeper">t</a></template><a href="/still-template">t</a></template>
            <a href="/after-template">a</a><a rel="nofollow" href="/nofollow">n</a><link rel="next" href="/not-a-link">"#,
        );
        assert_eq!(got, ["https://e.com/after-template", "https://e.com/nofollow"]);
    }

    #[test]
    fn base_href_applies_first_one_only() {
        let got = links(
            "https://e.com/a/b",
            r#"<head><base target="_blank"><base href="/root/"><base href="https://ignored.example/"></head><a href="x">x</a>"#,
        );
        assert_eq!(got, ["https://e.com/root/x"]);
        // A non-http base is ignored: the page URL is used.
        assert_eq!(links("https://e.com/a/b", r#"<base href="javascript:x"><a href="x">x</a>"#), ["https://e.com/a/x"]);
        // A base given late still applies to links before it.
        assert_eq!(links("https://e.com/a/b", r#"<a href="x">x</a><base href="https://e.com/z/">"#), ["https://e.com/z/x"]);
    }

    #[test]
    fn non_html_and_caps() {
        let mut p = Page::html_at("https://e.com/", &[], "<a href='/x'>x</a>");
        p.drop_document();
        assert!(page_links(&p, &p.final_url).is_empty());
        let many: String = (0..5_000).map(|i| format!("<a href='/p{i}'>x</a><a href='/p{i}#f'>y</a>")).collect();
        let got = links("https://e.com/", &many);
        assert_eq!(got.len(), MAX_LINKS_PER_PAGE);
        assert_eq!(got[999], "https://e.com/p999");
    }

    #[test]
    fn deep_documents_do_not_recurse() {
        // As deep as the parse budget allows: the walk is iterative.
        let deep = format!("{}<a href='/deep'>x</a>", "<div>".repeat(240));
        assert_eq!(links("https://e.com/", &deep), ["https://e.com/deep"]);
        // Past the budget the document stops where parsing stopped; no panic.
        let _ = links("https://e.com/", &"<div>".repeat(100_000));
    }
}
