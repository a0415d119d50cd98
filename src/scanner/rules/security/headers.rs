//! Single-header Observatory tests: `x-content-type-options`,
//! `x-frame-options`, `referrer-policy` and `cross-origin-resource-sharing`.
use super::csp;
use super::grade;
use super::util::{joined, meta_named, take_chars, values};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::page::Header;
use crate::scanner::rules::{dom, Fix, Outcome, Reference, Rule};

const OBSERVATORY_DOCS: &str = "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring";

/// The X-Content-Type-Options result code.
pub fn xcto_code(headers: &[Header]) -> &'static str {
    match joined(headers, "x-content-type-options") {
        Some(v) if !v.is_empty() => {
            if take_chars(&v, 256).trim().eq_ignore_ascii_case("nosniff") {
                "x-content-type-options-nosniff"
            } else {
                "x-content-type-options-header-invalid"
            }
        }
        _ => "x-content-type-options-not-implemented",
    }
}

fn check_xcto(page: &Analysis) -> Outcome {
    let code = xcto_code(&page.headers);
    let detail = if code.ends_with("invalid") {
        "X-Content-Type-Options must be exactly `nosniff` (sent once)."
    } else {
        "X-Content-Type-Options: nosniff is missing, so browsers may sniff responses into scripts or styles."
    };
    let ev = vec![dom::header("x-content-type-options", joined(&page.headers, "x-content-type-options").as_deref())];
    grade::outcome(code, detail, ev)
}

pub const XCTO_RULE: Rule = Rule {
    id: "x-content-type-options",
    domain: Domain::Security,
    severity: Severity::Low,
    title: "X-Content-Type-Options is nosniff",
    description: "`X-Content-Type-Options: nosniff` stops browsers from guessing a response's type and executing data as script or style.",
    references: &[
        Reference { kind: "cwe", id: "CWE-693", url: "https://cwe.mitre.org/data/definitions/693.html" },
        Reference { kind: "mdn", id: "X-Content-Type-Options", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Content-Type-Options" },
        Reference { kind: "observatory", id: "x-content-type-options", url: OBSERVATORY_DOCS },
    ],
    fix: Fix {
        summary: "Send `X-Content-Type-Options: nosniff` on every response.",
        steps: &["Add the header once at the server or CDN.", "Serve every resource with its correct Content-Type."],
        estimated_minutes: 5,
    },
    impact: 30,
    effort: 5,
    risk: 10,
    limits: "Checks the final response only.",
    check: check_xcto,
};

/// The X-Frame-Options result code; a restrictive CSP frame-ancestors in a
/// header policy takes precedence.
pub fn xfo_code(page: &Analysis) -> &'static str {
    let code = match joined(&page.headers, "x-frame-options") {
        Some(v) if !v.is_empty() => {
            let x = take_chars(&v, 1024).trim().to_ascii_lowercase();
            if x == "deny" || x == "sameorigin" {
                "x-frame-options-sameorigin-or-deny"
            } else if x.starts_with("allow-from") {
                "x-frame-options-allow-from-origin"
            } else {
                "x-frame-options-header-invalid"
            }
        }
        _ => "x-frame-options-not-implemented",
    };
    let a = csp::analyze(page);
    // Only a frame-ancestors that actually restricts framing stands in for XFO.
    let restrictive = a.policy.as_ref().map(|p| p.anti_clickjacking).unwrap_or(false);
    if a.frame_ancestors.is_some() && restrictive {
        return "x-frame-options-implemented-via-csp";
    }
    code
}

fn check_xfo(page: &Analysis) -> Outcome {
    let code = xfo_code(page);
    let detail = if code.ends_with("invalid") {
        "X-Frame-Options must be DENY or SAMEORIGIN (sent once)."
    } else {
        "Neither X-Frame-Options nor CSP frame-ancestors stops other sites from framing this page (clickjacking)."
    };
    let ev = vec![dom::header("x-frame-options", joined(&page.headers, "x-frame-options").as_deref())];
    grade::outcome(code, detail, ev)
}

pub const XFO_RULE: Rule = Rule {
    id: "x-frame-options",
    domain: Domain::Security,
    severity: Severity::Medium,
    title: "Framing is restricted (X-Frame-Options or CSP frame-ancestors)",
    description: "Without X-Frame-Options or a CSP frame-ancestors directive any site can frame the page and trick users into clicking it (clickjacking).",
    references: &[
        Reference { kind: "cwe", id: "CWE-1021", url: "https://cwe.mitre.org/data/definitions/1021.html" },
        Reference { kind: "mdn", id: "X-Frame-Options", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Frame-Options" },
        Reference { kind: "observatory", id: "x-frame-options", url: OBSERVATORY_DOCS },
    ],
    fix: Fix {
        summary: "Send `Content-Security-Policy: frame-ancestors 'none'` (or 'self') and `X-Frame-Options: DENY`.",
        steps: &["Add frame-ancestors to the CSP header (meta tags cannot set it).", "Add X-Frame-Options: DENY or SAMEORIGIN for older browsers."],
        estimated_minutes: 10,
    },
    impact: 50,
    effort: 5,
    risk: 20,
    limits: "An X-Frame-Options meta tag is ignored, as browsers ignore it. A frame-ancestors of * or a bare scheme does not count as protection.",
    check: check_xfo,
};

const RP_PRIVATE: [&str; 4] = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];
const RP_UNSAFE: [&str; 4] = ["origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"];

/// (code, combined header-then-meta value). The last recognised token wins, as in browsers.
pub fn referrer_policy(page: &Analysis) -> (&'static str, Option<String>) {
    let mut all: Vec<String> = values(&page.headers, "referrer-policy").map(str::to_string).collect();
    all.extend(meta_named(page, "referrer"));
    if all.is_empty() {
        return ("referrer-policy-not-implemented", None);
    }
    let data = all.join(", ");
    let policy = data
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .rfind(|t| RP_PRIVATE.contains(&t.as_str()) || RP_UNSAFE.contains(&t.as_str()));
    let code = match policy {
        Some(p) if RP_PRIVATE.contains(&p.as_str()) => "referrer-policy-private",
        Some(_) => "referrer-policy-unsafe",
        None => "referrer-policy-header-invalid",
    };
    (code, Some(data))
}

fn check_rp(page: &Analysis) -> Outcome {
    let (code, data) = referrer_policy(page);
    let detail = if code.ends_with("invalid") {
        "Referrer-Policy has no recognised value."
    } else {
        "Referrer-Policy lets full URLs (paths, query strings) leak to other sites."
    };
    grade::outcome(code, detail, vec![dom::header("referrer-policy", data.as_deref())])
}

pub const RP_RULE: Rule = Rule {
    id: "referrer-policy",
    domain: Domain::Security,
    severity: Severity::Low,
    title: "Referrer-Policy keeps URLs private",
    description: "Referrer-Policy decides how much of the page URL other sites receive in the Referer header. Values like unsafe-url or no-referrer-when-downgrade leak paths and query strings.",
    references: &[
        Reference { kind: "cwe", id: "CWE-200", url: "https://cwe.mitre.org/data/definitions/200.html" },
        Reference { kind: "mdn", id: "Referrer-Policy", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Referrer-Policy" },
        Reference { kind: "observatory", id: "referrer-policy", url: OBSERVATORY_DOCS },
    ],
    fix: Fix {
        summary: "Send `Referrer-Policy: strict-origin-when-cross-origin` (or stricter).",
        steps: &["Set the header at the server or CDN.", "Remove conflicting <meta name=referrer> tags."],
        estimated_minutes: 5,
    },
    impact: 20,
    effort: 5,
    risk: 10,
    limits: "A missing header is not penalised: browsers default to strict-origin-when-cross-origin.",
    check: check_rp,
};

/// The CORS response to judge and the Origin that was sent with it.
fn cors_source<'a>(page: &'a Analysis<'_>) -> (&'a [Header], Option<&'a str>, bool) {
    match &page.cors_preflight {
        Some(p) => (&p.headers, p.origin.as_deref(), true),
        None => (&page.headers, None, false),
    }
}

/// The Observatory's CORS result code.
pub fn cors_code(headers: &[Header], origin: Option<&str>) -> &'static str {
    let Some(acao) = values(headers, "access-control-allow-origin").next().filter(|v| !v.is_empty()) else {
        return "cross-origin-resource-sharing-not-implemented";
    };
    let creds = values(headers, "access-control-allow-credentials").next().map(|v| v.trim().eq_ignore_ascii_case("true")).unwrap_or(false);
    if take_chars(acao, 256).trim() == "*" {
        "cross-origin-resource-sharing-implemented-with-public-access"
    } else if origin.map(|o| !o.is_empty() && o == acao).unwrap_or(false) && creds {
        "cross-origin-resource-sharing-implemented-with-universal-access"
    } else {
        "cross-origin-resource-sharing-implemented-with-restricted-access"
    }
}

fn check_cors(page: &Analysis) -> Outcome {
    let (headers, origin, _) = cors_source(page);
    let code = cors_code(headers, origin);
    let ev = vec![
        dom::header("access-control-allow-origin", values(headers, "access-control-allow-origin").next()),
        dom::header("access-control-allow-credentials", values(headers, "access-control-allow-credentials").next()),
    ];
    grade::outcome(code, "The site echoes any Origin back with credentials allowed: any site can read authenticated responses.", ev)
}

pub const CORS_RULE: Rule = Rule {
    id: "cross-origin-resource-sharing",
    domain: Domain::Security,
    severity: Severity::Critical,
    title: "CORS does not grant arbitrary origins credentialed access",
    description: "If a CORS preflight from an unknown origin is answered with that origin in Access-Control-Allow-Origin and credentials allowed, any website can read users' authenticated data.",
    references: &[
        Reference { kind: "cwe", id: "CWE-942", url: "https://cwe.mitre.org/data/definitions/942.html" },
        Reference { kind: "mdn", id: "CORS", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS" },
        Reference { kind: "observatory", id: "cross-origin-resource-sharing", url: OBSERVATORY_DOCS },
    ],
    fix: Fix {
        summary: "Only echo origins from an allow-list in Access-Control-Allow-Origin.",
        steps: &["Compare the Origin request header with an explicit allow-list.", "Never combine a reflected origin with Access-Control-Allow-Credentials: true for unknown origins."],
        estimated_minutes: 30,
    },
    impact: 80,
    effort: 25,
    risk: 30,
    limits: "Reflection is only detectable when the fetcher sent a preflight with a foreign Origin; without it the final response's headers are read as sent to no origin.",
    check: check_cors,
};

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use crate::scanner::page::CorsPreflight;

    fn page(h: &[(&str, &str)], body: &str) -> Page {
        Page::html_at("https://example.com/", h, body)
    }

    #[test]
    fn xcto() {
        assert_eq!(xcto_code(&page(&[], "").headers), "x-content-type-options-not-implemented");
        assert_eq!(xcto_code(&page(&[("x-content-type-options", "nosniff ")], "").headers), "x-content-type-options-nosniff");
        let p = page(&[("x-content-type-options", "nosniff"), ("x-content-type-options", "nosniff")], "");
        assert_eq!(xcto_code(&p.headers), "x-content-type-options-header-invalid");
        assert!(matches!(check_xcto(&crate::scanner::rules::analysis(&page(&[("x-content-type-options", "nosniff")], ""))), Outcome::Pass { .. }));
        assert!(matches!(check_xcto(&crate::scanner::rules::analysis(&page(&[], ""))), Outcome::Fail(_)));
    }

    #[test]
    fn xfo() {
        assert_eq!(xfo_code(&crate::scanner::rules::analysis(&page(&[("x-frame-options", "DENY")], ""))), "x-frame-options-sameorigin-or-deny");
        assert_eq!(xfo_code(&crate::scanner::rules::analysis(&page(&[("x-frame-options", "ALLOW-FROM https://a.org")], ""))), "x-frame-options-allow-from-origin");
        assert_eq!(xfo_code(&crate::scanner::rules::analysis(&page(&[("x-frame-options", "SAMEORIGIN, SAMEORIGIN")], ""))), "x-frame-options-header-invalid");
        assert_eq!(xfo_code(&crate::scanner::rules::analysis(&page(&[("content-security-policy", "frame-ancestors 'self'")], ""))), "x-frame-options-implemented-via-csp");
        assert_eq!(xfo_code(&crate::scanner::rules::analysis(&page(&[("content-security-policy", "frame-ancestors *")], ""))), "x-frame-options-not-implemented");
        let meta = r#"<head><meta http-equiv="X-Frame-Options" content="DENY"></head>"#;
        assert!(matches!(check_xfo(&crate::scanner::rules::analysis(&page(&[], meta))), Outcome::Fail(_)));
    }

    #[test]
    fn referrer() {
        let c = |h: &[(&str, &str)], b: &str| referrer_policy(&crate::scanner::rules::analysis(&page(h, b))).0;
        assert_eq!(c(&[], ""), "referrer-policy-not-implemented");
        assert_eq!(c(&[("referrer-policy", "STRICT-ORIGIN")], ""), "referrer-policy-private");
        assert_eq!(c(&[("referrer-policy", "no-referrer, unsafe-url")], ""), "referrer-policy-unsafe");
        assert_eq!(c(&[("referrer-policy", "no-referrer, whimsy")], ""), "referrer-policy-private");
        assert_eq!(c(&[("referrer-policy", "whimsy")], ""), "referrer-policy-header-invalid");
        let meta = r#"<head><meta name="Referrer" content="no-referrer"></head>"#;
        assert_eq!(c(&[("referrer-policy", "unsafe-url")], meta), "referrer-policy-private");
        assert!(matches!(check_rp(&crate::scanner::rules::analysis(&page(&[], ""))), Outcome::Pass { .. }));
    }

    #[test]
    fn cors() {
        let mut p = page(&[], "");
        assert!(matches!(check_cors(&crate::scanner::rules::analysis(&(p))), Outcome::Pass { .. }));
        let h = |a: &str, c: &str| vec![
            Header { name: "access-control-allow-origin".into(), value: a.into() },
            Header { name: "access-control-allow-credentials".into(), value: c.into() },
        ];
        p.cors_preflight = Some(CorsPreflight { origin: Some("https://evil.example".into()), status: 200, headers: h("https://evil.example", "true") });
        match check_cors(&crate::scanner::rules::analysis(&(p))) {
            Outcome::Fail(v) => assert_eq!(v.severity, Some(Severity::Critical)),
            other => panic!("{other:?}"),
        }
        assert_eq!(cors_code(&h("*", "false"), None), "cross-origin-resource-sharing-implemented-with-public-access");
        assert_eq!(cors_code(&h("https://a.org", "true"), Some("https://evil.example")), "cross-origin-resource-sharing-implemented-with-restricted-access");
    }
}
