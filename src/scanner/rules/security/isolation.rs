//! Cross-origin isolation headers: `cross-origin-opener-policy`,
//! `cross-origin-embedder-policy` (RFC 9651 structured-field tokens, parsed
//! with `sfv`) and `cross-origin-resource-policy` (a plain keyword in Fetch,
//! not a structured field).
use super::grade;
use super::util::{joined, meta_http_equiv, take_chars, values};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Fix, Outcome, Reference, Rule};

const OBSERVATORY_DOCS: &str = "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring";

/// Parses an RFC 9651 structured-field Item whose bare item must be a token
/// and returns the token. Parameters are validated and ignored. A visitor
/// rather than `sfv::Item` keeps `indexmap` out of the wasm.
pub fn sf_token_item(value: &str) -> Option<String> {
    use sfv::visitor::{parameter_visitor_with, Ignored, ItemVisitor, ParameterVisitor};
    struct Token;
    impl<'de> ItemVisitor<'de> for Token {
        type Out = Option<&'de sfv::TokenRef>;
        type Error = std::convert::Infallible;
        fn bare_item(self, item: sfv::BareItemFromInput<'de>) -> Result<impl ParameterVisitor<'de, Out = Self::Out>, Self::Error> {
            let token = match item {
                sfv::BareItemFromInput::Token(t) => Some(t),
                _ => None,
            };
            Ok(parameter_visitor_with(Ignored, move |_| Ok(token)))
        }
    }
    sfv::Parser::new(value).parse_item_with_visitor(Token).ok().flatten().map(|t| t.as_str().to_string())
}

/// Result code for COOP/COEP: one header line holding a known token.
fn policy_code(page: &Analysis, header: &str, prefix: &'static str, known: &[(&str, &'static str)]) -> &'static str {
    let lines: Vec<&str> = values(&page.headers, header).collect();
    let invalid = match prefix {
        "coop" => "coop-header-invalid",
        _ => "coep-header-invalid",
    };
    match lines.as_slice() {
        [] => {
            if prefix == "coop" {
                "coop-not-implemented"
            } else {
                "coep-not-implemented"
            }
        }
        [one] => match sf_token_item(take_chars(one, 256)) {
            Some(tok) => known.iter().find(|(k, _)| *k == tok.as_str()).map(|(_, c)| *c).unwrap_or(invalid),
            None => invalid,
        },
        _ => invalid,
    }
}

pub fn coop_code(page: &Analysis) -> &'static str {
    policy_code(
        page,
        "cross-origin-opener-policy",
        "coop",
        &[
            ("same-origin", "coop-implemented-with-same-origin"),
            ("same-origin-allow-popups", "coop-implemented-with-same-origin-allow-popups"),
            ("noopener-allow-popups", "coop-implemented-with-noopener-allow-popups"),
            ("unsafe-none", "coop-implemented-with-unsafe-none"),
        ],
    )
}

pub fn coep_code(page: &Analysis) -> &'static str {
    policy_code(
        page,
        "cross-origin-embedder-policy",
        "coep",
        &[
            ("require-corp", "coep-implemented-with-require-corp"),
            ("credentialless", "coep-implemented-with-credentialless"),
            ("unsafe-none", "coep-implemented-with-unsafe-none"),
        ],
    )
}

fn check_coop(page: &Analysis) -> Outcome {
    let ev = vec![dom::header("cross-origin-opener-policy", joined(&page.headers, "cross-origin-opener-policy").as_deref())];
    grade::outcome(coop_code(page), "Cross-Origin-Opener-Policy is malformed (one lower-case token expected).", ev)
}

fn check_coep(page: &Analysis) -> Outcome {
    let ev = vec![dom::header("cross-origin-embedder-policy", joined(&page.headers, "cross-origin-embedder-policy").as_deref())];
    grade::outcome(coep_code(page), "Cross-Origin-Embedder-Policy is malformed (one lower-case token expected).", ev)
}

/// CORP: the header (all lines joined, so a repeat never matches), else a meta tag.
pub fn corp_code(page: &Analysis) -> (&'static str, Option<String>) {
    let value = joined(&page.headers, "cross-origin-resource-policy")
        .filter(|v| !v.is_empty())
        .or_else(|| meta_http_equiv(page, "cross-origin-resource-policy").pop());
    let Some(v) = value.map(|v| take_chars(&v, 256).trim().to_ascii_lowercase()).filter(|v| !v.is_empty()) else {
        return ("corp-not-implemented", None);
    };
    let code = match v.as_str() {
        "same-site" => "corp-implemented-with-same-site",
        "same-origin" => "corp-implemented-with-same-origin",
        "cross-origin" => "corp-implemented-with-cross-origin",
        _ => "corp-header-invalid",
    };
    (code, Some(v))
}

fn check_corp(page: &Analysis) -> Outcome {
    let (code, v) = corp_code(page);
    grade::outcome(code, "Cross-Origin-Resource-Policy must be same-origin, same-site or cross-origin (sent once).", vec![dom::header("cross-origin-resource-policy", v.as_deref())])
}

pub const COOP_RULE: Rule = Rule {
    id: "cross-origin-opener-policy",
    domain: Domain::Security,
    severity: Severity::Low,
    title: "Cross-Origin-Opener-Policy isolates the browsing context",
    description: "COOP same-origin puts the page in its own browsing-context group, so cross-origin windows cannot script it (XS-Leaks, Spectre).",
    references: &[
        Reference { kind: "cwe", id: "CWE-693", url: "https://cwe.mitre.org/data/definitions/693.html" },
        Reference { kind: "mdn", id: "Cross-Origin-Opener-Policy", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Cross-Origin-Opener-Policy" },
        Reference { kind: "observatory", id: "cross-origin-opener-policy", url: OBSERVATORY_DOCS },
    ],
    fix: Fix {
        summary: "Send `Cross-Origin-Opener-Policy: same-origin` once, unquoted, lower-case.",
        steps: &["Use same-origin-allow-popups if the page opens OAuth or payment popups."],
        estimated_minutes: 10,
    },
    impact: 25,
    effort: 10,
    risk: 20,
    limits: "Only validates the header syntax and value.",
    check: check_coop,
};

pub const COEP_RULE: Rule = Rule {
    id: "cross-origin-embedder-policy",
    domain: Domain::Security,
    severity: Severity::Low,
    title: "Cross-Origin-Embedder-Policy is valid",
    description: "COEP require-corp or credentialless (with COOP) enables cross-origin isolation and blocks loading cross-origin resources that did not opt in.",
    references: &[
        Reference { kind: "cwe", id: "CWE-693", url: "https://cwe.mitre.org/data/definitions/693.html" },
        Reference { kind: "mdn", id: "Cross-Origin-Embedder-Policy", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Cross-Origin-Embedder-Policy" },
        Reference { kind: "observatory", id: "cross-origin-embedder-policy", url: OBSERVATORY_DOCS },
    ],
    fix: Fix {
        summary: "Send `Cross-Origin-Embedder-Policy: require-corp` (or credentialless) once, unquoted, lower-case.",
        steps: &["Check every cross-origin subresource sends CORP or CORS headers first."],
        estimated_minutes: 30,
    },
    impact: 20,
    effort: 30,
    risk: 40,
    limits: "Only validates the header syntax and value.",
    check: check_coep,
};

pub const CORP_RULE: Rule = Rule {
    id: "cross-origin-resource-policy",
    domain: Domain::Security,
    severity: Severity::Low,
    title: "Cross-Origin-Resource-Policy is valid",
    description: "CORP same-origin or same-site stops other sites from embedding this response (Spectre-style leaks).",
    references: &[
        Reference { kind: "cwe", id: "CWE-693", url: "https://cwe.mitre.org/data/definitions/693.html" },
        Reference { kind: "mdn", id: "Cross-Origin-Resource-Policy", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Cross-Origin-Resource-Policy" },
        Reference { kind: "observatory", id: "cross-origin-resource-policy", url: OBSERVATORY_DOCS },
    ],
    fix: Fix {
        summary: "Send `Cross-Origin-Resource-Policy: same-origin` (or same-site) once.",
        steps: &["Use cross-origin only for resources meant to be embedded anywhere."],
        estimated_minutes: 10,
    },
    impact: 20,
    effort: 10,
    risk: 20,
    limits: "Only validates the header value.",
    check: check_corp,
};

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    fn page(h: &[(&str, &str)]) -> Page {
        Page::html_at("https://example.com/", h, "")
    }

    #[test]
    fn sf_items() {
        assert_eq!(sf_token_item("require-corp"), Some("require-corp".to_string()));
        assert_eq!(sf_token_item("require-corp; report-to"), Some("require-corp".to_string()));
        assert_eq!(sf_token_item("require-corp; report-to=\"e\""), Some("require-corp".to_string()));
        assert_eq!(sf_token_item("require-corp; report-to=coep endpoint"), None);
        assert_eq!(sf_token_item("\"require-corp\""), None);
        assert_eq!(sf_token_item("a;b=?1;c=-1.5;d=:aGk=:"), Some("a".to_string()));
        assert_eq!(sf_token_item(""), None);
        // RFC 9651 leading/trailing spaces are allowed, tabs are not.
        assert_eq!(sf_token_item("  same-origin  "), Some("same-origin".to_string()));
        assert_eq!(sf_token_item("\tsame-origin"), None);
    }

    #[test]
    fn coop_coep() {
        assert_eq!(coop_code(&crate::scanner::rules::analysis(&page(&[]))), "coop-not-implemented");
        assert_eq!(coop_code(&crate::scanner::rules::analysis(&page(&[("cross-origin-opener-policy", "same-origin")]))), "coop-implemented-with-same-origin");
        assert_eq!(coop_code(&crate::scanner::rules::analysis(&page(&[("cross-origin-opener-policy", "Same-Origin")]))), "coop-header-invalid");
        assert_eq!(
            coop_code(&crate::scanner::rules::analysis(&page(&[("cross-origin-opener-policy", "same-origin"), ("cross-origin-opener-policy", "unsafe-none")]))),
            "coop-header-invalid"
        );
        assert_eq!(coep_code(&crate::scanner::rules::analysis(&page(&[("cross-origin-embedder-policy", "credentialless")]))), "coep-implemented-with-credentialless");
        assert!(matches!(check_coep(&crate::scanner::rules::analysis(&page(&[("cross-origin-embedder-policy", "whimsy")]))), Outcome::Fail(_)));
        assert!(matches!(check_coop(&crate::scanner::rules::analysis(&page(&[]))), Outcome::Pass { .. }));
    }

    #[test]
    fn corp() {
        assert_eq!(corp_code(&crate::scanner::rules::analysis(&page(&[]))).0, "corp-not-implemented");
        assert_eq!(corp_code(&crate::scanner::rules::analysis(&page(&[("cross-origin-resource-policy", "same-site")]))).0, "corp-implemented-with-same-site");
        let two = page(&[("cross-origin-resource-policy", "same-origin"), ("cross-origin-resource-policy", "cross-origin")]);
        assert_eq!(corp_code(&crate::scanner::rules::analysis(&two)), ("corp-header-invalid", Some("same-origin, cross-origin".into())));
        assert!(matches!(check_corp(&crate::scanner::rules::analysis(&two)), Outcome::Fail(_)));
        assert!(matches!(check_corp(&crate::scanner::rules::analysis(&page(&[]))), Outcome::Pass { .. }));
    }
}
