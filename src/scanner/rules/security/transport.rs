//! `strict-transport-security` and `redirection`: how the site moves visitors
//! onto https and keeps them there.
use super::grade;
use super::util::{joined, take_chars};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::page::{Header, HttpsProbe};
use crate::scanner::rules::{dom, Evidence, Fix, Outcome, Reference, Rule};
use url::Url;

/// Six months as the Observatory counts it (many sites use 180 days).
pub const SIX_MONTHS: i64 = 15_552_000;

#[derive(Debug, Clone, PartialEq)]
pub struct HstsAnalysis {
    pub code: &'static str,
    pub header: Option<String>,
    pub max_age: Option<i64>,
    pub include_subdomains: bool,
    /// The header asks for preloading. Whether the host is on the list is
    /// not known: the Worker has no copy of the preload list.
    pub preload: bool,
}

impl HstsAnalysis {
    pub fn passes(&self) -> bool {
        self.code == "hsts-implemented-max-age-at-least-six-months"
    }
}

/// Like JavaScript's parseInt: optional sign, then leading digits.
fn leading_int(s: &str) -> Option<i64> {
    let s = s.trim_start().trim_start_matches('"');
    let (neg, digits) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let d: String = digits.chars().take_while(|c| c.is_ascii_digit()).take(18).collect();
    let n: i64 = d.parse().ok()?;
    Some(if neg { -n } else { n })
}

/// Parses a Strict-Transport-Security value into (max-age, includeSubDomains, preload);
/// None when invalid (a `,`, i.e. several headers, or no usable max-age).
pub fn parse_hsts(value: &str) -> Option<(i64, bool, bool)> {
    let v = take_chars(value, 1024);
    if v.contains(',') {
        return None;
    }
    let (mut max_age, mut sub, mut pre) = (None, false, false);
    for p in v.split(';').map(|p| p.trim().to_ascii_lowercase()) {
        if let Some(rest) = p.strip_prefix("max-age=") {
            max_age = leading_int(take_chars(rest, 120));
        } else if p == "includesubdomains" {
            sub = true;
        } else if p == "preload" {
            pre = true;
        }
    }
    max_age.map(|m| (m, sub, pre))
}

/// The first https response to judge: the probe when the fetcher made one,
/// else the final response when it came over https. None when unknown.
fn https_headers<'a>(page: &'a Analysis<'_>) -> Option<Result<&'a [Header], &'static str>> {
    match &page.https_probe {
        Some(HttpsProbe::Response { headers, .. }) => Some(Ok(headers.as_slice())),
        Some(HttpsProbe::Unreachable) => Some(Err("hsts-not-implemented-no-https")),
        None if page.final_url.scheme() == "https" => Some(Ok(page.headers.as_slice())),
        None => None,
    }
}

/// The Observatory's HSTS test; None when the page says nothing about https.
pub fn analyze_hsts(page: &Analysis) -> Option<HstsAnalysis> {
    let src = https_headers(page)?;
    let mut a = HstsAnalysis {
        code: "hsts-not-implemented",
        header: None,
        max_age: None,
        include_subdomains: false,
        preload: false,
    };
    match src {
        Err(code) => a.code = code,
        Ok(headers) => {
            if let Some(v) = joined(headers, "strict-transport-security") {
                a.header = Some(take_chars(&v, 1024).to_string());
                match parse_hsts(&v) {
                    Some((m, sub, pre)) => {
                        a.max_age = Some(m);
                        a.include_subdomains = sub;
                        a.preload = pre;
                        a.code = if m < SIX_MONTHS {
                            "hsts-implemented-max-age-less-than-six-months"
                        } else {
                            "hsts-implemented-max-age-at-least-six-months"
                        };
                    }
                    None => a.code = "hsts-header-invalid",
                }
            }
        }
    }
    Some(a)
}

fn hsts_detail(code: &str) -> &'static str {
    match code {
        "hsts-not-implemented" => "No Strict-Transport-Security header on the https response.",
        "hsts-header-invalid" => "The Strict-Transport-Security header cannot be parsed (sent twice, or no max-age).",
        "hsts-not-implemented-no-https" => "The site does not answer over https, so HSTS cannot be set.",
        "hsts-invalid-cert" => "The https certificate does not validate, so HSTS is ignored.",
        "hsts-implemented-max-age-less-than-six-months" => "HSTS max-age is under six months (15552000 s).",
        _ => "HSTS analysed.",
    }
}

fn check_hsts(page: &Analysis) -> Outcome {
    let Some(a) = analyze_hsts(page) else { return Outcome::NotApplicable };
    let ev = vec![dom::header("strict-transport-security", a.header.as_deref())];
    grade::outcome(a.code, hsts_detail(a.code), ev)
}

pub const HSTS_RULE: Rule = Rule {
    id: "strict-transport-security",
    domain: Domain::Security,
    severity: Severity::Medium,
    title: "HTTP Strict Transport Security is set for at least six months",
    description: "Strict-Transport-Security makes browsers use https for the host on every later visit, defeating SSL-stripping. Judged on the first https response.",
    references: &[
        Reference { kind: "cwe", id: "CWE-319", url: "https://cwe.mitre.org/data/definitions/319.html" },
        Reference { kind: "mdn", id: "Strict-Transport-Security", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Strict-Transport-Security" },
        Reference { kind: "observatory", id: "strict-transport-security", url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring" },
    ],
    fix: Fix {
        summary: "Send `Strict-Transport-Security: max-age=63072000; includeSubDomains; preload` on https responses.",
        steps: &[
            "Make sure every subdomain works over https.",
            "Send the header once, with max-age of at least 15552000 (two years is usual).",
            "Optionally submit the domain to hstspreload.org.",
        ],
        estimated_minutes: 15,
    },
    impact: 60,
    effort: 15,
    risk: 30,
    limits: "Without a separate https probe the final https response is judged. The HSTS preload list is not consulted (the Worker has no copy of it), so a preloaded host is judged on its header alone. A certificate error cannot be told from a connection failure.",
    check: check_hsts,
};

/// The chain of URLs the http:// request went through, ending where it landed.
/// Some(empty) when nothing answered over http; None when unknown.
pub fn http_route(page: &Analysis) -> Option<Vec<String>> {
    let (hops, final_url): (Vec<String>, Option<String>) = match &page.http_probe {
        Some(p) => (p.hops.iter().map(|h| h.url.clone()).collect(), p.final_url.clone()),
        None if page.requested_url.scheme() == "http" => {
            (page.redirects.iter().map(|h| h.url.clone()).collect(), Some(page.final_url.to_string()))
        }
        None => return None,
    };
    let mut route = hops;
    if let Some(f) = final_url {
        if route.last() != Some(&f) {
            route.push(f);
        }
    } else if !route.is_empty() {
        // The chain broke after redirecting: it still says where it pointed.
        if let Some(loc) = page.http_probe.as_ref().and_then(|p| p.hops.last()).and_then(|h| h.location.clone()) {
            route.push(loc);
        }
    }
    Some(route)
}

/// The Observatory's redirection result for a route (see [`http_route`]).
pub fn redirection_code(route: &[String]) -> &'static str {
    if route.is_empty() {
        return "redirection-not-needed-no-http";
    }
    let urls: Vec<Option<Url>> = route.iter().map(|u| Url::parse(u).ok()).collect();
    let scheme = |i: usize| urls.get(i).and_then(|u| u.as_ref()).map(|u| u.scheme().to_string());
    let host = |i: usize| urls.get(i).and_then(|u| u.as_ref()).and_then(|u| u.host_str().map(str::to_string));
    if route.len() == 1 {
        "redirection-missing"
    } else if scheme(route.len() - 1).as_deref() != Some("https") {
        "redirection-not-to-https"
    } else if scheme(1).as_deref() == Some("http") {
        "redirection-not-to-https-on-initial-redirection"
    } else if scheme(0).as_deref() == Some("http") && scheme(1).as_deref() == Some("https") && host(0) != host(1) {
        "redirection-off-host-from-http"
    } else {
        "redirection-to-https"
    }
}

fn redirection_detail(code: &str) -> &'static str {
    match code {
        "redirection-missing" => "The http:// URL answers without redirecting to https.",
        "redirection-not-to-https" => "The http:// URL redirects, but never ends on https.",
        "redirection-not-to-https-on-initial-redirection" => {
            "The first redirect from http:// stays on http, so HSTS cannot be set before leaving the host."
        }
        "redirection-off-host-from-http" => {
            "The first redirect from http:// goes to https on another host, so this host never gets its HSTS header."
        }
        _ => "Redirection analysed.",
    }
}

fn check_redirection(page: &Analysis) -> Outcome {
    let Some(route) = http_route(page) else { return Outcome::NotApplicable };
    let code = redirection_code(&route);
    let ev = route.iter().map(|u| Evidence::Item { value: u.clone(), note: "http redirect chain".into() }).collect();
    grade::outcome(code, redirection_detail(code), ev)
}

pub const REDIRECTION_RULE: Rule = Rule {
    id: "redirection",
    domain: Domain::Security,
    severity: Severity::Medium,
    title: "http:// redirects to https on the same host first",
    description: "Visitors who type the bare domain arrive over http. The http:// URL should redirect straight to https on the same host, so that host can set HSTS, before going anywhere else.",
    references: &[
        Reference { kind: "cwe", id: "CWE-319", url: "https://cwe.mitre.org/data/definitions/319.html" },
        Reference { kind: "observatory", id: "redirection", url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring" },
    ],
    fix: Fix {
        summary: "Answer every http:// request with a 301 to the same URL on https on the same host.",
        steps: &[
            "Redirect http://host/path to https://host/path (301 or 308).",
            "Only then redirect to a canonical host (e.g. www) over https.",
        ],
        estimated_minutes: 15,
    },
    impact: 50,
    effort: 10,
    risk: 20,
    limits: "Needs the http:// chain (the fetcher's probe, or a submitted http:// URL). A certificate error on the way cannot be told from a connection failure.",
    check: check_redirection,
};

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use crate::scanner::page::{Hop, HttpProbe};

    fn https_page(hsts: Option<&str>) -> Page {
        {
        let h: Vec<(&str, &str)> = hsts.map(|v| vec![("strict-transport-security", v)]).unwrap_or_default();
        Page::html_at("https://example.com/", &h, "")
        }
    }

    #[test]
    fn hsts_results() {
        let code = |v: Option<&str>| analyze_hsts(&crate::scanner::rules::analysis(&https_page(v))).map(|a| a.code);
        assert_eq!(code(None), Some("hsts-not-implemented"));
        assert_eq!(code(Some("max-age=31536000; includeSubDomains")), Some("hsts-implemented-max-age-at-least-six-months"));
        assert_eq!(code(Some("max-age=86400")), Some("hsts-implemented-max-age-less-than-six-months"));
        assert_eq!(code(Some("includeSubDomains; preload")), Some("hsts-header-invalid"));
        assert_eq!(code(Some("max-age=1, max-age=2")), Some("hsts-header-invalid"));
        assert_eq!(code(Some("max-age=\"31536000\"")), Some("hsts-implemented-max-age-at-least-six-months"));
        let http = Page::html_at("http://example.com/", &[], "");
        assert_eq!(analyze_hsts(&crate::scanner::rules::analysis(&http)), None);
        assert!(matches!(check_hsts(&crate::scanner::rules::analysis(&http)), Outcome::NotApplicable));
        assert!(matches!(check_hsts(&crate::scanner::rules::analysis(&https_page(Some("max-age=31536000")))), Outcome::Pass { .. }));
        assert!(matches!(check_hsts(&crate::scanner::rules::analysis(&https_page(None))), Outcome::Fail(_)));
    }

    #[test]
    fn redirection_results() {
        let r = |v: &[&str]| redirection_code(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(r(&[]), "redirection-not-needed-no-http");
        assert_eq!(r(&["http://a.org/"]), "redirection-missing");
        assert_eq!(r(&["http://a.org/", "http://www.a.org/"]), "redirection-not-to-https");
        assert_eq!(r(&["http://a.org/", "http://www.a.org/", "https://www.a.org/"]), "redirection-not-to-https-on-initial-redirection");
        assert_eq!(r(&["http://a.org/", "https://www.a.org/"]), "redirection-off-host-from-http");
        assert_eq!(r(&["http://a.org/", "https://a.org/", "https://www.a.org/"]), "redirection-to-https");
    }

    #[test]
    fn redirection_rule_uses_probe() {
        let mut p = https_page(None);
        assert!(matches!(check_redirection(&crate::scanner::rules::analysis(&(p))), Outcome::NotApplicable));
        p.http_probe = Some(HttpProbe {
            hops: vec![Hop { url: "http://example.com/".into(), status: 301, location: Some("https://example.com/".into()) }],
            final_url: Some("https://example.com/".into()),
        });
        assert!(matches!(check_redirection(&crate::scanner::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.http_probe = Some(HttpProbe { hops: vec![], final_url: Some("http://example.com/".into()) });
        assert!(matches!(check_redirection(&crate::scanner::rules::analysis(&(p))), Outcome::Fail(_)));
    }
}
