//! The guarded fetcher's policy, without I/O: limits, error codes, redirect
//! resolution (every hop re-validated by the SSRF module), DNS-over-HTTPS
//! answer checking, and which subresources to look at.
use crate::page::Page;
use crate::rules::dom::sel;
use crate::ssrf::{self, TargetUrl};
use serde::Deserialize;
use std::net::IpAddr;
use url::Url;

pub const MAX_REDIRECTS: usize = 5;
/// Decoded body cap: read as a stream and stop past it.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
/// Wall-clock budget for the main document, redirects included.
pub const MAIN_BUDGET_MS: u64 = 15_000;
/// Budget for each auxiliary request (subresource HEAD, http probe, security.txt).
pub const AUX_BUDGET_MS: u64 = 4_000;
pub const MAX_SUBRESOURCES: usize = 8;
/// The foreign Origin sent with the CORS probe (a reserved name no site owns):
/// a site that echoes it back trusts every origin.
pub const CORS_PROBE_ORIGIN: &str = "https://cors-probe.invalid";
pub const USER_AGENT: &str = "Mozilla/5.0 (compatible; KrafterAudit/1.0; +https://app.krafter.dev/audit-bot)";

/// Why a fetch did not produce a page. `code` ends up on the failed scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub code: &'static str,
    pub message: String,
    /// Worth retrying later (network trouble), as opposed to a verdict.
    pub transient: bool,
}

impl FetchError {
    pub fn blocked(message: impl Into<String>) -> Self {
        FetchError { code: "blocked_target", message: message.into(), transient: false }
    }
    pub fn unreachable(message: impl Into<String>) -> Self {
        FetchError { code: "target_unreachable", message: message.into(), transient: true }
    }
    pub fn timeout(message: impl Into<String>) -> Self {
        FetchError { code: "timeout", message: message.into(), transient: true }
    }
    pub fn too_many_redirects() -> Self {
        FetchError {
            code: "too_many_redirects",
            message: format!("More than {MAX_REDIRECTS} redirects."),
            transient: false,
        }
    }
    pub fn too_large() -> Self {
        FetchError {
            code: "response_too_large",
            message: format!("The response body exceeds {} MiB.", MAX_BODY_BYTES / (1024 * 1024)),
            transient: false,
        }
    }
    pub fn dns(message: impl Into<String>) -> Self {
        FetchError { code: "dns_error", message: message.into(), transient: true }
    }
}

pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Resolves a `Location` against the current URL and validates the result
/// exactly like a submitted URL.
pub fn resolve_redirect(current: &Url, location: &str) -> Result<TargetUrl, FetchError> {
    let next = current
        .join(location.trim())
        .map_err(|_| FetchError::blocked(format!("Unparseable redirect location: {location}")))?;
    ssrf::validate(next.as_str()).map_err(|r| FetchError::blocked(format!("Redirect to a refused target: {}", r.message())))
}

#[derive(Deserialize)]
struct DohAnswer {
    #[serde(rename = "type")]
    rtype: u16,
    data: String,
}

#[derive(Deserialize)]
struct DohResponse {
    #[serde(rename = "Status")]
    status: u32,
    #[serde(rename = "Answer", default)]
    answer: Vec<DohAnswer>,
}

/// Addresses of the A (1) or AAAA (28) records in a DoH JSON answer.
/// NXDOMAIN (status 3) is `Ok(vec![])`; other DNS errors are `Err`.
pub fn parse_doh(body: &str) -> Result<Vec<IpAddr>, FetchError> {
    let r: DohResponse = serde_json::from_str(body).map_err(|_| FetchError::dns("Malformed DNS-over-HTTPS answer."))?;
    match r.status {
        0 | 3 => Ok(r
            .answer
            .iter()
            .filter(|a| a.rtype == 1 || a.rtype == 28)
            .filter_map(|a| a.data.trim().parse::<IpAddr>().ok())
            .collect()),
        s => Err(FetchError::dns(format!("DNS lookup failed (rcode {s})."))),
    }
}

/// Refuses the host if any answer is in a blocked range; an empty answer set
/// means the name does not resolve.
pub fn check_answers(host: &str, ips: &[IpAddr]) -> Result<(), FetchError> {
    if let Some((ip, why)) = ips.iter().find_map(|ip| ssrf::blocked_ip(*ip).map(|w| (ip, w))) {
        return Err(FetchError::blocked(format!("{host} resolves to {ip} ({why}).")));
    }
    if ips.is_empty() {
        return Err(FetchError { code: "target_unreachable", message: format!("{host} does not resolve."), transient: false });
    }
    Ok(())
}

/// Same-origin scripts, stylesheets, images and preloaded fonts referenced by
/// the page, in document order, deduplicated, at most `max`.
pub fn subresource_candidates(page: &Page, max: usize) -> Vec<(Url, &'static str)> {
    let Some(html) = page.html() else { return Vec::new() };
    let base = page.final_url.clone();
    let origin = base.origin();
    let mut out: Vec<(Url, &'static str)> = Vec::new();
    let picks: [(&str, &str, &'static str); 4] = [
        ("script[src]", "src", "script"),
        ("link[rel~=stylesheet][href]", "href", "stylesheet"),
        ("link[rel~=preload][as=font][href]", "href", "font"),
        ("img[src]", "src", "image"),
    ];
    for (selector, attr, kind) in picks {
        for el in html.select(&sel(selector)) {
            let Some(v) = el.value().attr(attr) else { continue };
            let Ok(mut u) = base.join(v.trim()) else { continue };
            u.set_fragment(None);
            if u.origin() != origin || out.iter().any(|(x, _)| *x == u) {
                continue;
            }
            out.push((u, kind));
            if out.len() >= max {
                return out;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_are_revalidated() {
        let cur = Url::parse("https://example.com/a/b").expect("url");
        assert_eq!(resolve_redirect(&cur, "/c").map(|t| t.as_str().to_string()), Ok("https://example.com/c".into()));
        assert_eq!(resolve_redirect(&cur, "http://127.0.0.1/").map_err(|e| e.code), Err("blocked_target"));
        assert_eq!(resolve_redirect(&cur, "http://[::ffff:10.0.0.1]/").map_err(|e| e.code), Err("blocked_target"));
        assert_eq!(resolve_redirect(&cur, "file:///etc/passwd").map_err(|e| e.code), Err("blocked_target"));
    }

    #[test]
    fn doh_answers() {
        let body = r#"{"Status":0,"Answer":[{"name":"x.","type":5,"TTL":1,"data":"y."},{"name":"y.","type":1,"TTL":1,"data":"93.184.216.34"}]}"#;
        let ips = parse_doh(body).expect("parses");
        assert_eq!(ips, vec!["93.184.216.34".parse::<IpAddr>().expect("ip")]);
        assert!(check_answers("x", &ips).is_ok());
        let private: Vec<IpAddr> = vec!["93.184.216.34".parse().expect("ip"), "10.1.2.3".parse().expect("ip")];
        assert_eq!(check_answers("x", &private).map_err(|e| e.code), Err("blocked_target"));
        assert_eq!(check_answers("x", &[]).map_err(|e| e.code), Err("target_unreachable"));
        assert_eq!(parse_doh(r#"{"Status":3}"#), Ok(vec![]));
        assert!(parse_doh(r#"{"Status":2}"#).is_err());
        assert!(parse_doh("<html>").is_err());
    }

    #[test]
    fn picks_same_origin_subresources() {
        let page = Page::html_at(
            "https://example.com/dir/",
            &[],
            r#"<script src="app.js"></script><script src="https://cdn.other.com/x.js"></script>
               <link rel="stylesheet" href="/s.css"><img src="a.png"><img src="a.png#x">"#,
        );
        let got: Vec<String> = subresource_candidates(&page, 10).into_iter().map(|(u, k)| format!("{k} {u}")).collect();
        assert_eq!(
            got,
            vec!["script https://example.com/dir/app.js", "stylesheet https://example.com/s.css", "image https://example.com/dir/a.png"]
        );
        assert_eq!(subresource_candidates(&page, 1).len(), 1);
    }
}
