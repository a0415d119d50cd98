//! How long the document took to arrive: `server-response-time`, `redirects`.
use crate::scanner::rules::performance::{item, lh, metric};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{Fix, Outcome, Reference, Rule, Violation};

// ---------------------------------------------------------------- server-response-time

/// Lighthouse's `TOO_SLOW_THRESHOLD_MS` for the main document.
pub const SERVER_RESPONSE_MS: f64 = 600.0;
/// Lighthouse's savings target (savings = observed − target).
pub const SERVER_RESPONSE_TARGET_MS: f64 = 100.0;
/// Core Web Vitals TTFB bands (web-vitals `TTFBThresholds`).
pub const TTFB_GOOD_MS: f64 = 800.0;
pub const TTFB_POOR_MS: f64 = 1800.0;

pub const SERVER_RESPONSE_TIME: Rule = Rule {
    id: "server-response-time",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Initial server response time is short",
    description: "The document's time to first byte should stay under 600 ms (Lighthouse) and under 800 ms (Core Web Vitals 'good' TTFB); everything on the page waits for it.",
    references: &[
        lh("server-response-time", "https://developer.chrome.com/docs/lighthouse/performance/time-to-first-byte/"),
        lh("document-latency-insight (v13; replaces server-response-time)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/document-latency-insight.js"),
        Reference { kind: "url", id: "web.dev TTFB (good ≤ 800 ms, poor > 1800 ms)", url: "https://web.dev/articles/ttfb" },
    ],
    fix: Fix {
        summary: "Serve the HTML faster: cache it at the edge, or speed up the origin.",
        steps: &[
            "Cache the rendered HTML at a CDN/edge (even for a few seconds with stale-while-revalidate).",
            "Profile the origin: slow database queries, cold starts and blocking upstream calls dominate TTFB.",
            "Avoid redirects before the document (they add full round trips).",
        ],
        estimated_minutes: 240,
    },
    impact: 70,
    effort: 60,
    risk: 20,
    limits: "A single sample measured from the edge, from request start to response headers; it includes DNS/TCP/TLS and any redirect hops, so it is closer to field TTFB than to Lighthouse's 'waiting' time. Repeat scans vary.",
    check: check_server_response_time,
};

fn check_server_response_time(page: &Analysis) -> Outcome {
    let t = page.timings.ttfb_ms;
    // Zero means the fetcher did not record it (tests, or a failed timer).
    if !(t.is_finite() && t > 0.0) {
        return Outcome::NotApplicable;
    }
    if t <= SERVER_RESPONSE_MS {
        return Outcome::Pass { code: None };
    }
    let (severity, band, band_threshold) = if t > TTFB_POOR_MS {
        (Severity::High, "poor", TTFB_POOR_MS)
    } else if t > TTFB_GOOD_MS {
        (Severity::Medium, "needs improvement", TTFB_GOOD_MS)
    } else {
        (Severity::Low, "good", TTFB_GOOD_MS)
    };
    let mut ev = vec![
        metric("server-response-time", t, SERVER_RESPONSE_MS, "ms", Some(t - SERVER_RESPONSE_TARGET_MS)),
        metric("ttfb-cwv", t, band_threshold, "ms", if t > TTFB_GOOD_MS { Some(t - TTFB_GOOD_MS) } else { None }),
    ];
    if !page.redirects.is_empty() {
        ev.push(item(page.final_url.as_str(), format!("measured time includes {} redirect hop(s)", page.redirects.len())));
    }
    Outcome::Fail(
        Violation::new(ev)
            .severity(severity)
            .confidence(0.8)
            .detail(format!(
                "Time to first byte was {t:.0} ms (Lighthouse flags > {SERVER_RESPONSE_MS:.0} ms); Core Web Vitals rating: {band} (good ≤ {TTFB_GOOD_MS:.0} ms, poor > {TTFB_POOR_MS:.0} ms)."
            )),
    )
}

// ---------------------------------------------------------------- redirects

pub const REDIRECTS: Rule = Rule {
    id: "redirects",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Avoid multiple page redirects",
    description: "Each redirect of the main document costs a full round trip before anything can load.",
    references: &[
        lh("redirects", "https://developer.chrome.com/docs/lighthouse/performance/redirects/"),
        lh("document-latency-insight (v13; replaces redirects)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/document-latency-insight.js"),
    ],
    fix: Fix {
        summary: "Link to the final URL directly and collapse redirect chains into one hop.",
        steps: &[
            "Update links, sitemaps and canonical URLs to point at the final URL.",
            "Make http→https and host normalisation (www/apex, trailing slash) a single redirect.",
        ],
        estimated_minutes: 30,
    },
    impact: 40,
    effort: 20,
    risk: 10,
    limits: "Per-hop durations are not recorded, so the saving is given in hops, not milliseconds. JavaScript and meta-refresh redirects are not followed.",
    check: check_redirects,
};

fn check_redirects(page: &Analysis) -> Outcome {
    let hops = page.redirects.len();
    if hops == 0 {
        // The fetcher may not have recorded hops; a changed URL still proves a redirect.
        if page.requested_url == page.final_url {
            return Outcome::Pass { code: None };
        }
        return Outcome::Fail(
            Violation::new(vec![
                metric("redirects", 1.0, 0.0, "count", Some(1.0)),
                item(page.requested_url.as_str(), format!("redirected to {}", page.final_url)),
            ])
            .confidence(0.9)
            .detail("The requested URL redirected before the document was served."),
        );
    }
    let mut ev = vec![metric("redirects", hops as f64, 0.0, "count", Some(hops as f64))];
    for hop in page.redirects.iter().take(crate::scanner::rules::MAX_EVIDENCE) {
        let to = hop.location.as_deref().unwrap_or("(no Location header)");
        ev.push(item(hop.url.clone(), format!("{} → {}", hop.status, to)));
    }
    let v = Violation::new(ev).total(1 + page.redirects.len()).detail(format!("The document was reached through {hops} redirect(s)."));
    Outcome::Fail(if hops >= 2 { v.severity(Severity::Medium) } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use crate::scanner::page::Hop;
    


    #[test]
    fn server_response_time_bands() {
        let mut p = page();
        assert_eq!(check_server_response_time(&crate::scanner::rules::analysis(&(p))), Outcome::NotApplicable);
        p.timings.ttfb_ms = 350.0;
        assert!(matches!(check_server_response_time(&crate::scanner::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.timings.ttfb_ms = 700.0;
        let v = fail(check_server_response_time(&crate::scanner::rules::analysis(&(p))));
        assert_eq!(v.severity, Some(Severity::Low));
        assert_eq!(metric_of(&v, "server-response-time"), Some((700.0, 600.0, Some(600.0))));
        p.timings.ttfb_ms = 1000.0;
        assert_eq!(fail(check_server_response_time(&crate::scanner::rules::analysis(&(p)))).severity, Some(Severity::Medium));
        p.timings.ttfb_ms = 2500.0;
        let v = fail(check_server_response_time(&crate::scanner::rules::analysis(&(p))));
        assert_eq!(v.severity, Some(Severity::High));
        assert_eq!(metric_of(&v, "ttfb-cwv").map(|m| m.1), Some(1800.0));
    }

    #[test]
    fn redirects_pass_and_fail() {
        let mut p = page();
        assert!(matches!(check_redirects(&crate::scanner::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.redirects = vec![
            Hop { url: "http://example.com/".into(), status: 301, location: Some("https://example.com".into()) },
            Hop { url: "https://example.com".into(), status: 302, location: Some("https://example.com/".into()) },
        ];
        let v = fail(check_redirects(&crate::scanner::rules::analysis(&(p))));
        assert_eq!(v.severity, Some(Severity::Medium));
        assert_eq!(metric_of(&v, "redirects").map(|m| m.0), Some(2.0));
        let mut q = page();
        q.redirects.clear();
        q.requested_url = url::Url::parse("http://example.com/").unwrap();
        assert!(matches!(check_redirects(&crate::scanner::rules::analysis(&q)), Outcome::Fail(_)));
    }

}
