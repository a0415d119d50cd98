//! `subresource-integrity`: scripts from other sites should carry an
//! `integrity` hash and load over https.
//!
//! As in the Observatory: relative `src` is same-origin; an absolute `src`
//! is same-site when its registrable domain equals the page's; a
//! protocol-relative `//host/…` src counts as foreign *and* insecure (it
//! follows the page onto http when the page is served over http).
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use super::grade;
use super::util::{is_html, registrable_domain};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Evidence, Fix, Outcome, Reference, Rule, MAX_EVIDENCE};

/// From best to worst; the worst finding wins.
const ORDER: [&str; 6] = [
    "sri-implemented-and-all-scripts-loaded-securely",
    "sri-implemented-and-external-scripts-loaded-securely",
    "sri-implemented-but-external-scripts-not-loaded-securely",
    "sri-not-implemented-but-external-scripts-loaded-securely",
    "sri-not-implemented-and-external-scripts-not-loaded-securely",
    "sri-not-implemented-response-not-html",
];

fn worse(new: &'static str, old: Option<&'static str>) -> Option<&'static str> {
    let rank = |c: &str| ORDER.iter().position(|o| *o == c);
    match old {
        Some(o) if rank(o) >= rank(new) => Some(o),
        _ => Some(new),
    }
}

pub struct SriAnalysis {
    pub code: &'static str,
    /// Foreign scripts lacking integrity or loaded insecurely: (node, note).
    pub offenders: Vec<(ego_tree::NodeId, &'static str)>,
}

/// The site's host (the submitted URL's), whose registrable domain decides "same site".
fn site_host(page: &Analysis) -> String {
    page.requested_url.host_str().unwrap_or("").to_ascii_lowercase()
}

pub fn analyze(page: &Analysis) -> SriAnalysis {
    let mut out = SriAnalysis { code: "sri-not-implemented-but-no-scripts-loaded", offenders: Vec::new() };
    if !is_html(page) {
        out.code = "sri-not-implemented-response-not-html";
        return out;
    }
    let Some(_) = page.html() else { return out };
    let site = registrable_domain(&site_host(page));
    let page_https = page.final_url.scheme() == "https";
    let scripts: Vec<_> = dom::select(page, &["script"], &[], crate::sel!("script"));
    if scripts.is_empty() {
        return out;
    }
    let mut code: Option<&'static str> = None;
    let mut foreign_seen = false;
    for s in &scripts {
        let Some(src) = s.value().attr_of("src").map(str::trim).filter(|v| !v.is_empty()) else { continue };
        let integrity = s.value().attr_of("integrity").map(|v| !v.trim().is_empty()).unwrap_or(false);
        let lower = src.to_ascii_lowercase();
        let protocol_relative = src.starts_with("//") && !src.starts_with("///");
        let absolute = lower.starts_with("http://") || lower.starts_with("https://");
        let (same_origin, secure_scheme) = if protocol_relative {
            (false, false)
        } else if absolute {
            let host = url::Url::parse(src).ok().and_then(|u| u.host_str().map(str::to_string));
            let same = match (&site, host.as_deref().and_then(registrable_domain)) {
                (Some(a), Some(b)) => *a == b,
                _ => false,
            };
            (same, lower.starts_with("https://"))
        } else {
            (true, page_https)
        };
        if same_origin {
            if integrity && secure_scheme && code.is_none() {
                code = Some("sri-implemented-and-all-scripts-loaded-securely");
            }
            continue;
        }
        foreign_seen = true;
        let (c, note) = match (integrity, secure_scheme) {
            (true, true) => continue,
            (true, false) => ("sri-implemented-but-external-scripts-not-loaded-securely", "foreign script with integrity but loaded over http or protocol-relative"),
            (false, true) => ("sri-not-implemented-but-external-scripts-loaded-securely", "foreign script without integrity"),
            (false, false) => ("sri-not-implemented-and-external-scripts-not-loaded-securely", "foreign script without integrity, loaded over http or protocol-relative"),
        };
        code = worse(c, code);
        out.offenders.push((s.id(), note));
    }
    out.code = code.unwrap_or(if foreign_seen {
        "sri-implemented-and-external-scripts-loaded-securely"
    } else {
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
    });
    out
}

fn detail(code: &str) -> &'static str {
    match code {
        "sri-not-implemented-and-external-scripts-not-loaded-securely" => {
            "Scripts from other sites load without integrity and over http (or protocol-relative): anyone on the path can replace them."
        }
        "sri-implemented-but-external-scripts-not-loaded-securely" => "Scripts from other sites have integrity but load over http (or protocol-relative).",
        "sri-not-implemented-but-external-scripts-loaded-securely" => {
            "Scripts from other sites load without integrity: a compromised CDN can run code in this page."
        }
        _ => "Subresource integrity analysed.",
    }
}

fn check(page: &Analysis) -> Outcome {
    let a = analyze(page);
    let mut ev: Vec<Evidence> = Vec::new();
    if let Some(html) = page.html() {
        for (id, note) in a.offenders.iter().take(MAX_EVIDENCE) {
            if let Some(el) = html.tree.get(*id).and_then(scraper::ElementRef::wrap) {
                let mut e = dom::element(page, el);
                if let Evidence::Element { snippet, .. } = &mut e {
                    snippet.push_str(&format!(" <!-- {note} -->"));
                }
                ev.push(e);
            }
        }
    }
    grade::outcome(a.code, detail(a.code), ev).with_total(a.offenders.len())
}

pub const RULE: Rule = Rule {
    id: "subresource-integrity",
    domain: Domain::Security,
    severity: Severity::Medium,
    title: "Third-party scripts carry Subresource Integrity and load over https",
    description: "A script from another site runs with this page's full privileges. An integrity hash makes the browser refuse a modified file; https stops tampering on the way.",
    references: &[
        Reference { kind: "cwe", id: "CWE-353", url: "https://cwe.mitre.org/data/definitions/353.html" },
        Reference { kind: "cwe", id: "CWE-829", url: "https://cwe.mitre.org/data/definitions/829.html" },
        Reference { kind: "mdn", id: "Subresource Integrity", url: "https://developer.mozilla.org/en-US/docs/Web/Security/Subresource_Integrity" },
        Reference { kind: "observatory", id: "subresource-integrity", url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring" },
    ],
    fix: Fix {
        summary: "Add `integrity=\"sha384-…\" crossorigin=\"anonymous\"` to third-party scripts and load them over https.",
        steps: &[
            "Pin third-party scripts to exact versions.",
            "Compute the hash (e.g. `openssl dgst -sha384 -binary f.js | openssl base64 -A`) and add integrity + crossorigin.",
            "Replace http:// and //host/ URLs with https://.",
            "Self-host scripts whose content changes (analytics loaders cannot carry SRI).",
        ],
        estimated_minutes: 30,
    },
    impact: 55,
    effort: 25,
    risk: 25,
    limits: "Same-site is decided with a small built-in list of multi-label public suffixes, not the full Public Suffix List. Only <script src> is checked, as the Observatory does; scripts inserted by other scripts are not seen.",
    check,
};

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    fn code(body: &str) -> &'static str {
        analyze(&crate::scanner::rules::analysis(&Page::html_at("https://example.com/", &[], body))).code
    }

    #[test]
    fn results() {
        assert_eq!(code("<p>hi</p>"), "sri-not-implemented-but-no-scripts-loaded");
        assert_eq!(code(r#"<script src="/a.js"></script>"#), "sri-not-implemented-but-all-scripts-loaded-from-secure-origin");
        assert_eq!(code(r#"<script src="https://cdn.example.com/a.js"></script>"#), "sri-not-implemented-but-all-scripts-loaded-from-secure-origin");
        assert_eq!(code(r#"<script src="/a.js" integrity="sha384-x"></script>"#), "sri-implemented-and-all-scripts-loaded-securely");
        assert_eq!(code(r#"<script src="https://cdn.other.org/a.js" integrity="sha384-x"></script>"#), "sri-implemented-and-external-scripts-loaded-securely");
        assert_eq!(code(r#"<script src="https://cdn.other.org/a.js"></script>"#), "sri-not-implemented-but-external-scripts-loaded-securely");
        assert_eq!(code(r#"<script src="http://cdn.other.org/a.js"></script>"#), "sri-not-implemented-and-external-scripts-not-loaded-securely");
        assert_eq!(code(r#"<script src="//www.example.com/a.js"></script>"#), "sri-not-implemented-and-external-scripts-not-loaded-securely");
        assert_eq!(code(r#"<script src="//x.org/a.js" integrity="sha384-x"></script>"#), "sri-implemented-but-external-scripts-not-loaded-securely");
        let json = Page::from_response(
            url::Url::parse("https://example.com/").expect("url"),
            url::Url::parse("https://example.com/").expect("url"),
            200,
            vec![crate::scanner::page::Header { name: "content-type".into(), value: "application/json".into() }],
            Some("{}".into()),
        );
        assert_eq!(analyze(&crate::scanner::rules::analysis(&json)).code, "sri-not-implemented-response-not-html");
    }

    #[test]
    fn rule_outcomes() {
        let bad = Page::html_at("https://example.com/", &[], r#"<script src="http://cdn.other.org/a.js"></script>"#);
        match check(&crate::scanner::rules::analysis(&bad)) {
            Outcome::Fail(v) => {
                assert_eq!(v.severity, Some(Severity::Critical));
                assert_eq!(v.evidence.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(check(&crate::scanner::rules::analysis(&Page::html_at("https://example.com/", &[], ""))), Outcome::Pass { .. }));
    }
}
