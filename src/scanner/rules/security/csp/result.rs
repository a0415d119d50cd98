//! The Observatory's `content-security-policy` test over the page's combined policy.
use crate::scanner::rules::security::grade;
use crate::scanner::rules::security::util::{meta_http_equiv, values};
use super::policy::*;
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Evidence, Fix, Outcome, Reference, Rule};

/// The boolean sub-findings of a CSP (each a weakness or a strength).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyFlags {
    pub unsafe_inline: bool,
    pub unsafe_eval: bool,
    pub unsafe_inline_style: bool,
    pub insecure_scheme_active: bool,
    pub insecure_scheme_passive: bool,
    pub default_none: bool,
    pub strict_dynamic: bool,
    pub anti_clickjacking: bool,
    pub insecure_base_uri: bool,
    pub insecure_form_action: bool,
    pub unsafe_objects: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CspAnalysis {
    /// The Observatory result code.
    pub code: &'static str,
    /// Policies found in headers (split on `,`) and meta tags.
    pub num_policies: usize,
    pub http: bool,
    pub meta: bool,
    /// Set when a policy was parsed.
    pub policy: Option<PolicyFlags>,
    /// The intersected directives.
    pub data: Option<Directives>,
    /// `frame-ancestors` of the header policies (meta tags cannot set it).
    pub frame_ancestors: Option<Vec<String>>,
}

fn split_policies<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    values.flat_map(|v| v.split(',').map(|s| s.trim().to_string()).collect::<Vec<_>>()).collect()
}

fn has_nonce_or_hash(list: &[String]) -> bool {
    list.iter().any(|s| NONCE_HASH_PREFIXES.iter().any(|p| s.starts_with(p)))
}

fn broad_or_inline(s: &str) -> bool {
    DANGEROUSLY_BROAD.contains(&s) || UNSAFE_INLINE.contains(&s)
}

/// Runs the Observatory's CSP test over the page's headers and meta tags.
pub fn analyze(page: &Analysis) -> CspAnalysis {
    let header_policies = split_policies(values(&page.headers, "content-security-policy"));
    let meta_values = meta_http_equiv(page, "content-security-policy");
    let meta_policies = split_policies(meta_values.iter().map(String::as_str));
    let mut a = CspAnalysis {
        code: "csp-not-implemented",
        num_policies: header_policies.len() + meta_policies.len(),
        http: false,
        meta: false,
        policy: None,
        data: None,
        frame_ancestors: None,
    };
    let mut headers: Vec<ParsedPolicy> = Vec::new();
    let mut metas: Vec<ParsedPolicy> = Vec::new();
    for p in &header_policies {
        match parse_policy(p) {
            Ok(pp) => headers.push(pp),
            Err(_) => {
                a.code = "csp-header-invalid";
                return a;
            }
        }
    }
    for p in &meta_policies {
        match parse_policy(p) {
            Ok(mut pp) => {
                for d in META_DISALLOWED {
                    pp.directives.remove(d);
                }
                metas.push(pp);
            }
            Err(_) => {
                a.code = "csp-header-invalid";
                return a;
            }
        }
    }
    if headers.iter().chain(metas.iter()).all(|p| p.directives.is_empty()) {
        let report_only = values(&page.headers, "content-security-policy-report-only").any(|v| !v.trim().is_empty());
        a.code = if report_only { "csp-not-implemented-but-reporting-enabled" } else { "csp-not-implemented" };
        return a;
    }
    a.http = !header_policies.is_empty();
    a.meta = !meta_policies.is_empty();
    let all: Vec<&Directives> = headers.iter().chain(metas.iter()).map(|p| &p.directives).collect();
    let csp = combine(&all);
    let header_only: Vec<&Directives> = headers.iter().map(|p| &p.directives).collect();
    a.frame_ancestors = combine(&header_only).get("frame-ancestors").cloned();
    let duplicates = headers.iter().chain(metas.iter()).any(|p| !p.duplicates.is_empty());

    let star = || vec!["*".to_string()];
    let get = |d: &str| csp.get(d).cloned();
    let base_uri = get("base-uri").unwrap_or_else(star);
    let frame_ancestors = a.frame_ancestors.clone().unwrap_or_else(star);
    let form_action = get("form-action").unwrap_or_else(star);
    let object_src = get("object-src").or_else(|| get("default-src")).unwrap_or_else(star);
    let mut script_src = get("script-src").or_else(|| get("default-src")).unwrap_or_else(star);
    let mut style_src = get("style-src").or_else(|| get("default-src")).unwrap_or_else(star);

    for list in [&mut script_src, &mut style_src] {
        if has_nonce_or_hash(list) {
            list.retain(|s| s != "'unsafe-inline'");
        }
    }
    let mut flags = PolicyFlags::default();
    let mut code: Option<&'static str> = None;
    let strict_dynamic = script_src.iter().any(|s| s == "'strict-dynamic'");
    if strict_dynamic && has_nonce_or_hash(&script_src) {
        // CSP3: with 'strict-dynamic', host and scheme sources, 'self' and
        // 'unsafe-inline' are ignored; trust flows from the nonce or hash.
        script_src.retain(|s| is_keyword(s) && s != "'self'" && s != "'unsafe-inline'");
        flags.strict_dynamic = true;
    } else if strict_dynamic {
        code = Some("csp-header-invalid");
    }

    let https = page.final_url.scheme() == "https";
    let insecure = |s: &String| s.starts_with("http:") || s.starts_with("ftp:");
    let active_insecure = csp
        .iter()
        .filter(|(d, _)| !matches!(d.as_str(), "img-src" | "media-src" | "script-src"))
        .flat_map(|(_, v)| v.iter())
        .chain(script_src.iter())
        .any(insecure);
    let passive_insecure = ["img-src", "media-src"]
        .iter()
        .flat_map(|d| get(d).or_else(|| get("default-src")).unwrap_or_default())
        .any(|s| insecure(&s));

    if script_src.iter().any(|s| broad_or_inline(s)) || object_src.iter().any(|s| DANGEROUSLY_BROAD.contains(&s.as_str())) {
        code = code.or(Some("csp-implemented-with-unsafe-inline"));
        flags.unsafe_inline = true;
    }
    if https && active_insecure {
        code = code.or(Some("csp-implemented-with-insecure-scheme"));
        flags.insecure_scheme_active = true;
    }
    if script_src.iter().chain(style_src.iter()).any(|s| s == "'unsafe-eval'") {
        code = code.or(Some("csp-implemented-with-unsafe-eval"));
        flags.unsafe_eval = true;
    }
    if https && passive_insecure {
        code = code.or(Some("csp-implemented-with-insecure-scheme-in-passive-content-only"));
        flags.insecure_scheme_passive = true;
    }
    if style_src.iter().any(|s| broad_or_inline(s)) {
        code = code.or(Some("csp-implemented-with-unsafe-inline-in-style-src-only"));
        flags.unsafe_inline_style = true;
    }
    if csp.get("default-src").map(|v| v.len() == 1 && v[0] == "'none'").unwrap_or(false) {
        code = code.or(Some("csp-implemented-with-no-unsafe-default-src-none"));
        flags.default_none = true;
    }
    let mut code = code.unwrap_or("csp-implemented-with-no-unsafe");
    flags.anti_clickjacking = !frame_ancestors.iter().any(|s| DANGEROUSLY_BROAD.contains(&s.as_str()));
    flags.insecure_base_uri = base_uri.iter().any(|s| broad_or_inline(s));
    flags.insecure_form_action = form_action.iter().any(|s| DANGEROUSLY_BROAD.contains(&s.as_str()));
    flags.unsafe_objects = object_src.iter().any(|s| DANGEROUSLY_BROAD.contains(&s.as_str()));
    if duplicates && grade::entry(code).map(|e| e.pass).unwrap_or(false) {
        code = "csp-implemented-but-duplicate-directives";
    }
    a.code = code;
    a.policy = Some(flags);
    a.data = Some(csp);
    a
}

fn detail(code: &str) -> &'static str {
    match code {
        "csp-not-implemented" => "No Content-Security-Policy is set, so injected scripts run unrestricted.",
        "csp-not-implemented-but-reporting-enabled" => {
            "Only Content-Security-Policy-Report-Only is set: violations are reported but nothing is blocked."
        }
        "csp-header-invalid" => "The Content-Security-Policy cannot be parsed (blank, repeated directive, or 'strict-dynamic' without a nonce or hash).",
        "csp-implemented-with-unsafe-inline" => {
            "The policy allows inline script or overly broad script/object sources ('unsafe-inline', data:, https:, *, or no script-src/object-src/default-src)."
        }
        "csp-implemented-with-insecure-scheme" => "The policy of this https page allows active content over http: or ftp:.",
        "csp-implemented-with-unsafe-eval" => "The policy allows 'unsafe-eval'.",
        "csp-implemented-with-insecure-scheme-in-passive-content-only" => {
            "The policy of this https page allows images or media over http:."
        }
        _ => "Content-Security-Policy analysed.",
    }
}

fn check(page: &Analysis) -> Outcome {
    let a = analyze(page);
    let mut ev: Vec<Evidence> = values(&page.headers, "content-security-policy")
        .map(|v| dom::header("content-security-policy", Some(v)))
        .collect();
    for m in meta_http_equiv(page, "content-security-policy") {
        ev.push(Evidence::Item { value: m, note: "<meta http-equiv=\"Content-Security-Policy\">".into() });
    }
    if ev.is_empty() {
        ev.push(dom::header("content-security-policy", None));
    }
    if let Some(f) = &a.policy {
        let notes = [
            (f.unsafe_inline, "script-src/object-src allow inline script or broad sources"),
            (f.unsafe_eval, "'unsafe-eval' allowed"),
            (f.insecure_scheme_active, "active content allowed over http:/ftp:"),
            (f.insecure_scheme_passive, "images/media allowed over http:/ftp:"),
            (f.unsafe_inline_style, "style-src allows inline style or broad sources"),
            (f.insecure_base_uri, "base-uri not restricted"),
            (f.insecure_form_action, "form-action not restricted"),
            (!f.anti_clickjacking, "frame-ancestors not restricted (in a header policy)"),
        ];
        for (on, note) in notes {
            if on {
                ev.push(Evidence::Item { value: "policy".into(), note: note.into() });
            }
        }
    }
    grade::outcome(a.code, detail(a.code), ev)
}

pub const RULE: Rule = Rule {
    id: "content-security-policy",
    domain: Domain::Security,
    severity: Severity::High,
    title: "Content Security Policy restricts script sources",
    description: "A Content-Security-Policy without 'unsafe-inline', broad sources or insecure schemes is the main defence against cross-site scripting. Graded like the MDN HTTP Observatory: header and meta policies, intersected, with nonce/hash and 'strict-dynamic' semantics.",
    references: &[
        Reference { kind: "cwe", id: "CWE-693", url: "https://cwe.mitre.org/data/definitions/693.html" },
        Reference { kind: "cwe", id: "CWE-79", url: "https://cwe.mitre.org/data/definitions/79.html" },
        Reference { kind: "mdn", id: "Content-Security-Policy", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Content-Security-Policy" },
        Reference { kind: "observatory", id: "content-security-policy", url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring" },
    ],
    fix: Fix {
        summary: "Send a strict Content-Security-Policy header.",
        steps: &[
            "Start from `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`.",
            "Replace inline scripts with files, or allow them with per-response nonces ('nonce-…') or hashes, optionally with 'strict-dynamic'.",
            "Never allow http:, https:, * or data: in script-src or object-src.",
            "Roll out with Content-Security-Policy-Report-Only first, then enforce.",
        ],
        estimated_minutes: 120,
    },
    impact: 80,
    effort: 60,
    risk: 40,
    limits: "Reads one response. Multiple policies are intersected per directive; host matching ignores percent-encoding and default ports. A report-uri over http: counts as insecure active content, as in the Observatory.",
    check,
};

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    fn page(csp: &str) -> Page {
        {
        Page::html_at("https://example.com/", &[("content-security-policy", csp)], "<html></html>")
        }
    }

    #[test]
    fn results() {
        let code = |c: &str| analyze(&crate::scanner::rules::analysis(&page(c))).code;
        assert_eq!(code("default-src 'none'"), "csp-implemented-with-no-unsafe-default-src-none");
        assert_eq!(code("default-src https://mozilla.org"), "csp-implemented-with-no-unsafe");
        assert_eq!(code("script-src 'unsafe-inline'"), "csp-implemented-with-unsafe-inline");
        assert_eq!(code("upgrade-insecure-requests"), "csp-implemented-with-unsafe-inline");
        assert_eq!(code("default-src 'none'; script-src http://x.org"), "csp-implemented-with-insecure-scheme");
        assert_eq!(code("default-src 'none'; script-src 'unsafe-eval'"), "csp-implemented-with-unsafe-eval");
        assert_eq!(code("default-src 'none'; img-src http:"), "csp-implemented-with-insecure-scheme-in-passive-content-only");
        assert_eq!(code("default-src 'none'; style-src 'unsafe-inline'"), "csp-implemented-with-unsafe-inline-in-style-src-only");
        assert_eq!(code("default-src 'none'; script-src 'nonce-a' 'unsafe-inline'"), "csp-implemented-with-no-unsafe-default-src-none");
        assert_eq!(code("default-src 'none'; script-src 'strict-dynamic' 'sha256-a' https:"), "csp-implemented-with-no-unsafe-default-src-none");
        assert_eq!(code("default-src 'none'; script-src 'strict-dynamic'"), "csp-header-invalid");
        assert_eq!(code("default-src 'none'; report-to a; report-to b"), "csp-implemented-but-duplicate-directives");
        assert_eq!(code("default-src 'none', default-src 'none'"), "csp-implemented-with-no-unsafe-default-src-none");
    }

    #[test]
    fn meta_policies() {
        let body = r#"<html><head><meta http-equiv=" Content-SECURITY-Policy " content="default-src 'none'"></head></html>"#;
        let a = analyze(&crate::scanner::rules::analysis(&Page::html_at("https://example.com/", &[], body)));
        assert_eq!(a.code, "csp-implemented-with-no-unsafe-default-src-none");
        assert!(a.meta && !a.http);
        // frame-ancestors is dropped from meta policies.
        let body = r#"<html><head><meta http-equiv="Content-Security-Policy" content="frame-ancestors 'none'"></head></html>"#;
        assert_eq!(analyze(&crate::scanner::rules::analysis(&Page::html_at("https://example.com/", &[], body))).code, "csp-not-implemented");
    }

    #[test]
    fn rule_outcomes() {
        assert!(matches!(check(&crate::scanner::rules::analysis(&page("default-src 'none'"))), Outcome::Pass { .. }));
        match check(&crate::scanner::rules::analysis(&Page::html_at("https://example.com/", &[], ""))) {
            Outcome::Fail(v) => {
                assert_eq!(v.code.as_deref(), Some("csp-not-implemented"));
                assert_eq!(v.severity, Some(Severity::High));
            }
            other => panic!("{other:?}"),
        }
        let ro = Page::html_at("https://example.com/", &[("content-security-policy-report-only", "default-src 'none'")], "");
        assert_eq!(analyze(&crate::scanner::rules::analysis(&ro)).code, "csp-not-implemented-but-reporting-enabled");
    }
}
