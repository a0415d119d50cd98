//! `content-security-policy`: a CSP parser and the Observatory's CSP test.
//!
//! Semantics (re-derived from the Observatory's documented behaviour and CSP3):
//! * header values are split on `,` (one line may carry several policies);
//!   `<meta http-equiv=Content-Security-Policy>` policies are added, minus the
//!   directives a meta policy may not carry (`frame-ancestors`, `report-uri`,
//!   `sandbox`);
//! * a policy is invalid when it is blank or shorter than 6 characters, or
//!   repeats a directive other than `report-uri`/`report-to` (those only
//!   downgrade a passing result to `csp-implemented-but-duplicate-directives`);
//! * directive names and sources are lower-cased; an empty `*-src` means `'none'`;
//! * several policies are all enforced, so their source lists are intersected
//!   directive by directive, each policy contributing its effective list (the
//!   directive, else its fallback such as `default-src`, else no restriction);
//!   a source survives when a source of the other list covers it (equal, a
//!   scheme covering its URLs, a `*.` host wildcard, a `/`-ending path prefix);
//!   nothing surviving means `'none'`;
//! * `'unsafe-inline'` is ignored beside a nonce or hash; `'strict-dynamic'`
//!   beside a nonce or hash drops host/scheme sources, `'self'` and
//!   `'unsafe-inline'`; without one it makes the policy invalid.
use super::grade;
use super::util::{meta_http_equiv, values};
use crate::model::{Domain, Severity};
use crate::rules::dom::Analysis;
use crate::rules::{dom, Evidence, Fix, Outcome, Reference, Rule};
use std::collections::{BTreeMap, BTreeSet};

/// Directive → sources (lower-cased, de-duplicated).
pub type Directives = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedPolicy {
    pub directives: Directives,
    /// `report-uri` / `report-to` repeated within the policy.
    pub duplicates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CspError {
    /// Blank, or shorter than the shortest meaningful policy.
    TooShort(String),
    /// A directive other than report-uri/report-to appears twice.
    DuplicateDirective(String),
}

const SHORTEST_POLICY: usize = 6;
const META_DISALLOWED: [&str; 3] = ["frame-ancestors", "report-uri", "sandbox"];
const DUPLICATES_TOLERATED: [&str; 2] = ["report-uri", "report-to"];
const DANGEROUSLY_BROAD: [&str; 8] = ["ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"];
const UNSAFE_INLINE: [&str; 2] = ["'unsafe-inline'", "data:"];
const NONCE_HASH_PREFIXES: [&str; 4] = ["'nonce-", "'sha256-", "'sha384-", "'sha512-"];

/// Parses one serialized policy.
pub fn parse_policy(raw: &str) -> Result<ParsedPolicy, CspError> {
    let cleaned: String = raw.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let cleaned = cleaned.trim();
    if cleaned.chars().count() < SHORTEST_POLICY {
        return Err(CspError::TooShort(cleaned.to_string()));
    }
    let mut out = ParsedPolicy::default();
    for part in cleaned.split(';') {
        let mut tokens = part.split_whitespace();
        let Some(name) = tokens.next() else { continue };
        let name = name.to_lowercase();
        if out.directives.contains_key(&name) {
            if DUPLICATES_TOLERATED.contains(&name.as_str()) {
                if !out.duplicates.contains(&name) {
                    out.duplicates.push(name);
                }
                continue;
            }
            return Err(CspError::DuplicateDirective(name));
        }
        let mut sources: Vec<String> = Vec::new();
        for t in tokens {
            let t = t.to_lowercase();
            if !sources.contains(&t) {
                sources.push(t);
            }
        }
        if sources.is_empty() && is_source_list(&name) {
            sources.push("'none'".to_string());
        }
        out.directives.insert(name, sources);
    }
    Ok(out)
}

/// Parses a list of policies and intersects them (the `csp-parser` view).
pub fn parse_policies(raw: &[&str]) -> Result<(Directives, Vec<String>), CspError> {
    let parsed: Vec<ParsedPolicy> = raw.iter().map(|p| parse_policy(p)).collect::<Result<_, _>>()?;
    let mut dups: Vec<String> = Vec::new();
    for p in &parsed {
        for d in &p.duplicates {
            if !dups.contains(d) {
                dups.push(d.clone());
            }
        }
    }
    let refs: Vec<&Directives> = parsed.iter().map(|p| &p.directives).collect();
    Ok((combine(&refs), dups))
}

fn is_source_list(d: &str) -> bool {
    d.ends_with("-src") || matches!(d, "base-uri" | "form-action" | "frame-ancestors" | "navigate-to")
}

/// Where a directive's list comes from when a policy does not set it.
fn fallbacks(d: &str) -> &'static [&'static str] {
    match d {
        "script-src-elem" | "script-src-attr" => &["script-src", "default-src"],
        "style-src-elem" | "style-src-attr" => &["style-src", "default-src"],
        "frame-src" => &["child-src", "default-src"],
        "worker-src" => &["child-src", "script-src", "default-src"],
        "default-src" => &[],
        d if d.ends_with("-src") => &["default-src"],
        _ => &[],
    }
}

fn effective<'a>(p: &'a Directives, d: &str) -> Option<&'a Vec<String>> {
    p.get(d).or_else(|| fallbacks(d).iter().find_map(|f| p.get(*f)))
}

/// Intersects several enforced policies into one directive map.
pub fn combine(policies: &[&Directives]) -> Directives {
    let names: BTreeSet<&String> = policies.iter().flat_map(|p| p.keys()).collect();
    let mut out = Directives::new();
    for d in names {
        if is_source_list(d) {
            let mut acc: Option<Vec<String>> = None;
            for p in policies {
                if let Some(list) = effective(p, d) {
                    acc = Some(match acc {
                        None => list.clone(),
                        Some(a) => intersect(&a, list),
                    });
                }
            }
            let mut v = acc.unwrap_or_default();
            if v.is_empty() {
                v.push("'none'".to_string());
            }
            out.insert(d.clone(), v);
        } else {
            let mut v: Vec<String> = Vec::new();
            for p in policies {
                for s in p.get(d).into_iter().flatten() {
                    if !v.contains(s) {
                        v.push(s.clone());
                    }
                }
            }
            out.insert(d.clone(), v);
        }
    }
    out
}

fn intersect(a: &[String], b: &[String]) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for x in b {
        if a.iter().any(|y| covers(y, x)) {
            out.insert(x.clone());
        }
    }
    for y in a {
        if b.iter().any(|x| covers(x, y)) {
            out.insert(y.clone());
        }
    }
    out.into_iter().collect()
}

fn is_keyword(s: &str) -> bool {
    s.starts_with('\'')
}

fn is_scheme_only(s: &str) -> bool {
    let Some(scheme) = s.strip_suffix(':') else { return false };
    let mut cs = scheme.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic())
        && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

struct HostSource<'a> {
    scheme: Option<&'a str>,
    host: &'a str,
    port: Option<&'a str>,
    path: Option<&'a str>,
}

fn host_source(s: &str) -> Option<HostSource<'_>> {
    if is_keyword(s) || is_scheme_only(s) {
        return None;
    }
    let (scheme, rest) = match s.find("://") {
        Some(i) => (Some(&s[..i]), &s[i + 3..]),
        None => (None, s),
    };
    let (host_port, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let (host, port) = match host_port.rfind(':') {
        Some(i) if !host_port.starts_with('[') || host_port[..i].ends_with(']') => (&host_port[..i], Some(&host_port[i + 1..])),
        _ => (host_port, None),
    };
    if host.is_empty() {
        return None;
    }
    Some(HostSource { scheme, host, port, path })
}

/// Whether source `a` allows everything source `b` allows.
fn covers(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if is_keyword(a) || is_keyword(b) {
        return false;
    }
    if a == "*" {
        // `*` matches network schemes only, never data:, blob: or filesystem:.
        return !is_scheme_only(b) || matches!(b, "http:" | "https:" | "ws:" | "wss:");
    }
    if is_scheme_only(a) {
        return b.starts_with(a);
    }
    let (Some(ha), Some(hb)) = (host_source(a), host_source(b)) else { return false };
    if let Some(sa) = ha.scheme {
        if hb.scheme != Some(sa) {
            return false;
        }
    }
    let host_ok = ha.host == "*"
        || ha.host == hb.host
        || (ha.host.starts_with("*.") && hb.host.ends_with(&ha.host[1..]));
    let port_ok = match ha.port {
        None => hb.port.is_none(),
        Some("*") => true,
        Some(p) => hb.port == Some(p),
    };
    let path_ok = match ha.path {
        None => true,
        Some(pa) if pa.ends_with('/') => hb.path.map(|pb| pb.starts_with(pa)).unwrap_or(false),
        Some(pa) => hb.path == Some(pa),
    };
    host_ok && port_ok && path_ok
}

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
    use crate::page::Page;

    fn page(csp: &str) -> Page {
        {
        Page::html_at("https://example.com/", &[("content-security-policy", csp)], "<html></html>")
        }
    }

    #[test]
    fn parser_basics() {
        let p = parse_policy("Default-Src 'NONE'; img-src; report-uri /a; report-uri /b").expect("parses");
        assert_eq!(p.directives["default-src"], vec!["'none'"]);
        assert_eq!(p.directives["img-src"], vec!["'none'"]);
        assert_eq!(p.duplicates, vec!["report-uri"]);
        assert!(parse_policy("defa").is_err());
        assert!(parse_policy(" \r\n ").is_err());
        assert!(matches!(parse_policy("img-src a; img-src b"), Err(CspError::DuplicateDirective(_))));
    }

    #[test]
    fn intersection() {
        let (m, _) = parse_policies(&["default-src https://a.org https://b.org", "default-src https://b.org https://c.org"]).expect("ok");
        assert_eq!(m["default-src"], vec!["https://b.org"]);
        let (m, _) = parse_policies(&["default-src https://a.org/x/", "default-src https://a.org/x/y/"]).expect("ok");
        assert_eq!(m["default-src"], vec!["https://a.org/x/y/"]);
        let (m, _) = parse_policies(&["default-src http:", "default-src https:"]).expect("ok");
        assert_eq!(m["default-src"], vec!["'none'"]);
        // A directive set in only one policy meets the other's default-src.
        let (m, _) = parse_policies(&["default-src 'none'", "script-src 'self'"]).expect("ok");
        assert_eq!(m["script-src"], vec!["'none'"]);
        assert!(covers("*.example.com", "cdn.example.com"));
        assert!(covers("https:", "https://x.org"));
        assert!(!covers("http:", "https:"));
    }

    #[test]
    fn results() {
        let code = |c: &str| analyze(&crate::rules::analysis(&page(c))).code;
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
        let a = analyze(&crate::rules::analysis(&Page::html_at("https://example.com/", &[], body)));
        assert_eq!(a.code, "csp-implemented-with-no-unsafe-default-src-none");
        assert!(a.meta && !a.http);
        // frame-ancestors is dropped from meta policies.
        let body = r#"<html><head><meta http-equiv="Content-Security-Policy" content="frame-ancestors 'none'"></head></html>"#;
        assert_eq!(analyze(&crate::rules::analysis(&Page::html_at("https://example.com/", &[], body))).code, "csp-not-implemented");
    }

    #[test]
    fn rule_outcomes() {
        assert!(matches!(check(&crate::rules::analysis(&page("default-src 'none'"))), Outcome::Pass { .. }));
        match check(&crate::rules::analysis(&Page::html_at("https://example.com/", &[], ""))) {
            Outcome::Fail(v) => {
                assert_eq!(v.code.as_deref(), Some("csp-not-implemented"));
                assert_eq!(v.severity, Some(Severity::High));
            }
            other => panic!("{other:?}"),
        }
        let ro = Page::html_at("https://example.com/", &[("content-security-policy-report-only", "default-src 'none'")], "");
        assert_eq!(analyze(&crate::rules::analysis(&ro)).code, "csp-not-implemented-but-reporting-enabled");
    }
}
