//! The guarded fetcher's policy, without I/O: limits, error codes, redirect
//! resolution (every hop re-validated by the SSRF module), DNS-over-HTTPS
//! answer checking, and which subresources to look at.
use crate::scanner::page::Page;
use crate::domain::ssrf::{self, TargetUrl};
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
/// The foreign Origin sent with the CORS preflight (a reserved name no site owns):
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
    /// A site scan's page redirected to another origin (not followed).
    pub fn off_origin(to: &url::Url) -> Self {
        FetchError { code: "redirect_off_origin", message: format!("Redirected off the site's origin, to {}.", to.origin().ascii_serialization()), transient: false }
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
struct DohRecord {
    #[serde(rename = "type")]
    rtype: u16,
    data: String,
}

#[derive(Deserialize)]
struct DohResponse {
    #[serde(rename = "Status")]
    status: u32,
    #[serde(rename = "TC", default)]
    truncated: bool,
    #[serde(rename = "Answer", default)]
    answer: Vec<DohRecord>,
}

pub const RTYPE_A: u16 = 1;
pub const RTYPE_AAAA: u16 = 28;

/// What one DoH query (A or AAAA) said, once its answer passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DohAnswer {
    /// NOERROR: the A/AAAA addresses (empty: the name has none of this type).
    Addresses(Vec<IpAddr>),
    /// NXDOMAIN without address records: the name does not exist.
    NxDomain,
    /// SERVFAIL: the resolver could not answer this type.
    ServFail,
}

/// Checks one DoH JSON answer and fails closed on anything we cannot trust
/// entirely: a truncated answer (`TC`), an A/AAAA record whose `data` is not
/// an address of that family, NXDOMAIN carrying address records, rcodes
/// other than NOERROR/NXDOMAIN/SERVFAIL, or unparseable JSON. Records of
/// other types (CNAME chains) are skipped; NXDOMAIN with only a CNAME chain
/// is an ordinary dangling alias. All failures are `dns_error`.
pub fn parse_doh(body: &str) -> Result<DohAnswer, FetchError> {
    let r: DohResponse = serde_json::from_str(body).map_err(|_| FetchError::dns("Malformed DNS-over-HTTPS answer."))?;
    if r.truncated {
        return Err(FetchError::dns("Truncated DNS answer (TC): the full address set is unknown."));
    }
    let mut ips = Vec::new();
    for a in &r.answer {
        let data = a.data.trim();
        let ip = match a.rtype {
            RTYPE_A => data.parse::<std::net::Ipv4Addr>().map(IpAddr::V4).ok(),
            RTYPE_AAAA => data.parse::<std::net::Ipv6Addr>().map(IpAddr::V6).ok(),
            _ => continue,
        };
        let Some(ip) = ip else {
            let kind = if a.rtype == RTYPE_A { "A" } else { "AAAA" };
            return Err(FetchError::dns(format!("Unparseable {kind} record in the DNS answer.")));
        };
        ips.push(ip);
    }
    match r.status {
        0 => Ok(DohAnswer::Addresses(ips)),
        3 if ips.is_empty() => Ok(DohAnswer::NxDomain),
        3 => Err(FetchError::dns("NXDOMAIN answer that carries addresses.")),
        2 => Ok(DohAnswer::ServFail),
        s => Err(FetchError::dns(format!("DNS lookup failed (rcode {s})."))),
    }
}

/// Combines the A and AAAA answers into the addresses to check. One family's
/// SERVFAIL next to usable addresses of the other is tolerated (resolvers and
/// authoritative servers that break on AAAA are common); SERVFAIL with
/// nothing usable beside it is `dns_error`.
pub fn combine_answers(a: DohAnswer, aaaa: DohAnswer) -> Result<Vec<IpAddr>, FetchError> {
    let addrs = |x: &DohAnswer| match x {
        DohAnswer::Addresses(v) => v.clone(),
        _ => Vec::new(),
    };
    match (&a, &aaaa) {
        (DohAnswer::ServFail, DohAnswer::ServFail) => Err(FetchError::dns("DNS lookup failed (SERVFAIL).")),
        (DohAnswer::ServFail, other) | (other, DohAnswer::ServFail) => {
            let ips = addrs(other);
            if ips.is_empty() {
                Err(FetchError::dns("DNS lookup failed (SERVFAIL) and no other addresses were found."))
            } else {
                Ok(ips)
            }
        }
        _ => Ok(addrs(&a).into_iter().chain(addrs(&aaaa)).collect()),
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
    let Some(html) = page.document() else { return Vec::new() };
    let base = page.final_url.clone();
    let origin = base.origin();
    let mut out: Vec<(Url, &'static str)> = Vec::new();
    // Compiled once per isolate; a static selector that failed to parse
    // (caught by the tests) is left out rather than panicking.
    static PICKS: std::sync::OnceLock<Vec<(scraper::Selector, &'static str, &'static str)>> = std::sync::OnceLock::new();
    let picks = PICKS.get_or_init(|| {
        [
            ("script[src]", "src", "script"),
            ("link[rel~=stylesheet][href]", "href", "stylesheet"),
            ("link[rel~=preload][as=font][href]", "href", "font"),
            ("img[src]", "src", "image"),
        ]
        .into_iter()
        .filter_map(|(s, attr, kind)| scraper::Selector::parse(s).ok().map(|s| (s, attr, kind)))
        .collect()
    });
    for (selector, attr, kind) in picks {
        for el in html.select(selector) {
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

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn doh_answers() {
        let body = r#"{"Status":0,"Answer":[{"name":"x.","type":5,"TTL":1,"data":"y."},{"name":"y.","type":1,"TTL":1,"data":"93.184.216.34"}]}"#;
        let ips = combine_answers(parse_doh(body).expect("parses"), DohAnswer::Addresses(vec![])).expect("addresses");
        assert_eq!(ips, vec![ip("93.184.216.34")]);
        assert!(check_answers("x", &ips).is_ok());
        let private: Vec<IpAddr> = vec![ip("93.184.216.34"), ip("10.1.2.3")];
        assert_eq!(check_answers("x", &private).map_err(|e| e.code), Err("blocked_target"));
        assert_eq!(check_answers("x", &[]).map_err(|e| e.code), Err("target_unreachable"));
        assert_eq!(parse_doh(r#"{"Status":3}"#), Ok(DohAnswer::NxDomain));
        assert_eq!(parse_doh(r#"{"Status":2}"#), Ok(DohAnswer::ServFail));
        assert_eq!(parse_doh(r#"{"Status":5}"#).map_err(|e| e.code), Err("dns_error"));
        assert_eq!(parse_doh("<html>").map_err(|e| e.code), Err("dns_error"));
        let v6 = r#"{"Status":0,"Answer":[{"type":28,"data":" 2606:2800:220:1::1 "}]}"#;
        assert_eq!(parse_doh(v6), Ok(DohAnswer::Addresses(vec![ip("2606:2800:220:1::1")])));
    }

    #[test]
    fn truncated_answers_fail_closed() {
        for body in [
            r#"{"Status":0,"TC":true,"Answer":[{"type":1,"data":"93.184.216.34"}]}"#,
            r#"{"Status":0,"TC":true}"#,
            r#"{"Status":3,"TC":true}"#,
            r#"{"Status":2,"TC":true}"#,
        ] {
            let e = parse_doh(body).expect_err(body);
            assert_eq!((e.code, e.transient), ("dns_error", true), "{body}");
            assert!(e.message.contains("Truncated"));
        }
        assert!(parse_doh(r#"{"Status":0,"TC":false,"Answer":[{"type":1,"data":"93.184.216.34"}]}"#).is_ok());
    }

    #[test]
    fn address_data_must_parse_as_its_family() {
        for (rtype, data) in [
            (1, "2606:2800:220:1::1"),
            (1, "93.184.216"),
            (1, "093.184.216.34"),
            (1, "0x5d.184.216.34"),
            (1, "example.com."),
            (1, ""),
            (28, "93.184.216.34"),
            (28, "2606:2800:220:1::1%eth0"),
            (28, "[2606:2800:220:1::1]"),
            (28, "not an address"),
        ] {
            let body = format!(r#"{{"Status":0,"Answer":[{{"type":{rtype},"data":"{data}"}},{{"type":1,"data":"93.184.216.34"}}]}}"#);
            assert_eq!(parse_doh(&body).map_err(|e| e.code), Err("dns_error"), "type {rtype} data {data:?}");
        }
        // Other record types carry names, not addresses: skipped.
        let cname = r#"{"Status":0,"Answer":[{"type":5,"data":"not-an-ip.example."},{"type":1,"data":"93.184.216.34"}]}"#;
        assert_eq!(parse_doh(cname), Ok(DohAnswer::Addresses(vec![ip("93.184.216.34")])));
    }

    #[test]
    fn nxdomain_with_addresses_fails_closed() {
        for body in [
            r#"{"Status":3,"Answer":[{"type":1,"data":"93.184.216.34"}]}"#,
            r#"{"Status":3,"Answer":[{"type":5,"data":"y."},{"type":28,"data":"2606:2800:220:1::1"}]}"#,
        ] {
            assert_eq!(parse_doh(body).map_err(|e| e.code), Err("dns_error"), "{body}");
        }
        // A dangling alias (CNAME to a name that does not exist) is plain NXDOMAIN.
        assert_eq!(parse_doh(r#"{"Status":3,"Answer":[{"type":5,"data":"gone.example."}]}"#), Ok(DohAnswer::NxDomain));
    }

    #[test]
    fn one_family_servfail_next_to_good_addresses_is_not_a_failure() {
        let a = DohAnswer::Addresses(vec![ip("93.184.216.34")]);
        let aaaa = DohAnswer::Addresses(vec![ip("2606:2800:220:1::1")]);
        assert_eq!(combine_answers(a.clone(), DohAnswer::ServFail), Ok(vec![ip("93.184.216.34")]));
        assert_eq!(combine_answers(DohAnswer::ServFail, aaaa.clone()), Ok(vec![ip("2606:2800:220:1::1")]));
        assert_eq!(combine_answers(a.clone(), aaaa), Ok(vec![ip("93.184.216.34"), ip("2606:2800:220:1::1")]));
        // The addresses that are used are still checked.
        let private = combine_answers(DohAnswer::Addresses(vec![ip("10.0.0.5")]), DohAnswer::ServFail).expect("combined");
        assert_eq!(check_answers("x", &private).map_err(|e| e.code), Err("blocked_target"));
        // SERVFAIL with nothing usable beside it fails.
        for other in [DohAnswer::ServFail, DohAnswer::NxDomain, DohAnswer::Addresses(vec![])] {
            assert_eq!(combine_answers(DohAnswer::ServFail, other.clone()).map_err(|e| e.code), Err("dns_error"));
            assert_eq!(combine_answers(other, DohAnswer::ServFail).map_err(|e| e.code), Err("dns_error"));
        }
        // No SERVFAIL: the union (NXDOMAIN has none, so the name does not resolve).
        assert_eq!(combine_answers(DohAnswer::NxDomain, DohAnswer::NxDomain), Ok(vec![]));
        assert_eq!(combine_answers(a, DohAnswer::Addresses(vec![])), Ok(vec![ip("93.184.216.34")]));
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
