//! How long responses may be reused: `uses-long-cache-ttl`, and the HTTP-date and Cache-Control reading it needs.
use crate::scanner::rules::performance::{header_in, item, kib, lh, metric};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{Fix, Outcome, Reference, Rule, Violation};

// ---------------------------------------------------------------- uses-long-cache-ttl

/// Lighthouse 13 cache insight: lifetimes of 30 days or more are not flagged.
pub const CACHE_TTL_MIN_S: f64 = 30.0 * 24.0 * 3600.0;
/// Lighthouse's wasted-bytes scoring curve points (p10 28 KiB, median 128 KiB).
const CACHE_WASTE_P10: f64 = 28.0 * 1024.0;

pub const USES_LONG_CACHE_TTL: Rule = Rule {
    id: "uses-long-cache-ttl",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Serve static assets with an efficient cache policy",
    description: "Scripts, stylesheets, images and fonts should be cacheable for a long time (at least 30 days) so repeat visits do not download them again.",
    references: &[
        lh("uses-long-cache-ttl", "https://developer.chrome.com/docs/lighthouse/performance/uses-long-cache-ttl/"),
        lh("cache-insight (v13; replaces uses-long-cache-ttl)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/cache-insight.js"),
        Reference { kind: "mdn", id: "Cache-Control", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cache-Control" },
    ],
    fix: Fix {
        summary: "Fingerprint static file names and serve them with a long max-age.",
        steps: &[
            "Put a content hash in static asset file names (app.3f9a1c.js).",
            "Serve them with `Cache-Control: public, max-age=31536000, immutable`.",
            "Keep short lifetimes only for the HTML that references them.",
        ],
        estimated_minutes: 60,
    },
    impact: 45,
    effort: 35,
    risk: 15,
    limits: "Only the few subresources the fetcher sent HEAD requests to are judged. Third-party assets are reported but may be outside your control. Service-worker caching is invisible.",
    check: check_uses_long_cache_ttl,
};

const STATIC_KINDS: &[&str] = &["script", "stylesheet", "image", "font", "media"];

/// Probability that a resource of this age is still cached, interpolated on
/// Lighthouse's decile table of resource ages in hours.
pub fn cache_hit_probability(ttl_s: f64) -> f64 {
    const DECILES_H: [f64; 11] = [0.0, 0.2, 1.0, 3.0, 8.0, 12.0, 24.0, 48.0, 72.0, 168.0, 8760.0];
    let hours = ttl_s / 3600.0;
    let mut prev = 0.0f64;
    for (i, &d) in DECILES_H.iter().enumerate() {
        if hours <= d {
            if i == 0 {
                return 0.0;
            }
            let lo = (i - 1) as f64 / 10.0;
            let span = d - prev;
            let frac = if span > 0.0 { (hours - prev) / span } else { 1.0 };
            return lo + frac * 0.1;
        }
        prev = d;
    }
    1.0
}

/// What the headers say about a cache lifetime.
#[derive(Debug, PartialEq)]
pub enum CacheLifetime {
    /// Not meant to be cached (no-store, no-cache, private…): Lighthouse skips these.
    Uncacheable,
    /// An explicit lifetime in seconds (may be ≤ 0).
    Explicit(f64),
    /// No lifetime given.
    Missing,
}

pub fn cache_lifetime(headers: &[crate::scanner::page::Header], fallback_date: Option<&str>) -> CacheLifetime {
    let cc = header_in(headers, "cache-control").map(str::to_ascii_lowercase);
    if let Some(cc) = cc.as_deref() {
        let mut max_age: Option<f64> = None;
        for d in cc.split(',') {
            let d = d.trim();
            let (k, v) = d.split_once('=').map(|(k, v)| (k.trim(), Some(v.trim().trim_matches('"')))).unwrap_or((d, None));
            match k {
                "no-cache" | "no-store" | "must-revalidate" | "private" => return CacheLifetime::Uncacheable,
                "max-age" => max_age = v.and_then(|v| v.parse::<f64>().ok()),
                _ => {}
            }
        }
        if let Some(m) = max_age {
            return CacheLifetime::Explicit(m);
        }
    } else if header_in(headers, "pragma").map(|p| p.to_ascii_lowercase().contains("no-cache")).unwrap_or(false) {
        return CacheLifetime::Uncacheable;
    }
    if let Some(exp) = header_in(headers, "expires") {
        let now = header_in(headers, "date").or(fallback_date).and_then(parse_http_date);
        return match (parse_http_date(exp), now) {
            (Some(e), Some(n)) => CacheLifetime::Explicit(e - n),
            // An invalid Expires means "already expired" (RFC 9111 §5.3).
            (None, _) => CacheLifetime::Explicit(0.0),
            // No clock to compare against: treat as unknown rather than guess.
            (Some(_), None) => CacheLifetime::Uncacheable,
        };
    }
    CacheLifetime::Missing
}

/// Unix seconds of an HTTP date: IMF-fixdate, RFC 850 or asctime (RFC 9110
/// §5.6.7), as the `httpdate` crate reads them. Anything else is None, which
/// for `Expires` means "already expired" (RFC 9111 §5.3).
pub fn parse_http_date(s: &str) -> Option<f64> {
    let t = httpdate::parse_http_date(s.trim()).ok()?;
    t.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs() as f64)
}

fn human_ttl(s: f64) -> String {
    if s <= 0.0 {
        "none".into()
    } else if s < 3600.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 86400.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} d", s / 86400.0)
    }
}

fn check_uses_long_cache_ttl(page: &Analysis) -> Outcome {
    let candidates: Vec<_> = page
        .subresources
        .iter()
        .filter(|s| STATIC_KINDS.contains(&s.kind.as_str()) && matches!(s.status, 200 | 203 | 206))
        .collect();
    if candidates.is_empty() {
        return Outcome::NotApplicable;
    }
    let page_date = page.header("date");
    let page_host = page.final_url.host_str().unwrap_or("");
    let mut flagged = Vec::new();
    let mut wasted_total = 0.0;
    let mut min_ttl = f64::INFINITY;
    for s in candidates {
        let ttl = match cache_lifetime(&s.headers, page_date) {
            CacheLifetime::Uncacheable => continue,
            CacheLifetime::Explicit(t) if t <= 0.0 => continue,
            CacheLifetime::Explicit(t) => t,
            CacheLifetime::Missing => 0.0,
        };
        if ttl >= CACHE_TTL_MIN_S {
            continue;
        }
        let p = cache_hit_probability(ttl);
        let wasted = s.transferred_bytes.map(|b| (1.0 - p) * b as f64).unwrap_or(0.0);
        wasted_total += wasted;
        min_ttl = min_ttl.min(ttl);
        let third = url::Url::parse(&s.url).ok().and_then(|u| u.host_str().map(|h| h != page_host)).unwrap_or(false);
        let cc = header_in(&s.headers, "cache-control").unwrap_or("(no Cache-Control)");
        flagged.push(item(
            s.url.clone(),
            format!(
                "{}{}: cache lifetime {} (< 30 d), `{}`; ~{} re-downloaded on repeat visits",
                s.kind,
                if third { " (third-party)" } else { "" },
                human_ttl(ttl),
                cc,
                kib(wasted)
            ),
        ));
    }
    if flagged.is_empty() {
        return Outcome::Pass { code: None };
    }
    let n = flagged.len();
    let mut ev = vec![
        metric("min-cache-ttl", min_ttl, CACHE_TTL_MIN_S, "s", None),
        metric("cache-wasted-bytes", wasted_total.round(), 0.0, "bytes", Some(wasted_total.round())),
    ];
    let total = ev.len() + n;
    ev.extend(flagged.into_iter().take(crate::scanner::rules::MAX_EVIDENCE));
    let v = Violation::new(ev).total(total).detail(format!("{n} static resource(s) are cached for less than 30 days."));
    Outcome::Fail(if wasted_total < CACHE_WASTE_P10 { v.severity(Severity::Low) } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use crate::scanner::page::Header;
    use crate::scanner::rules::Evidence;


    #[test]
    fn cache_ttl() {
        let mut p = page();
        assert_eq!(check_uses_long_cache_ttl(&crate::scanner::rules::analysis(&(p))), Outcome::NotApplicable);
        p.subresources = vec![
            sub("script", &[("cache-control", "public, max-age=31536000, immutable")], Some(10_000)),
            sub("image", &[("cache-control", "no-store")], Some(10_000)),
        ];
        assert!(matches!(check_uses_long_cache_ttl(&crate::scanner::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.subresources.push(sub("stylesheet", &[("cache-control", "max-age=3600")], Some(100_000)));
        p.subresources.push(sub("font", &[], Some(40_000)));
        let v = fail(check_uses_long_cache_ttl(&crate::scanner::rules::analysis(&(p))));
        assert_eq!(metric_of(&v, "min-cache-ttl").map(|m| m.0), Some(0.0));
        let wasted = metric_of(&v, "cache-wasted-bytes").unwrap().0;
        // 1 h → 20 % hit probability; missing TTL → 0 %.
        assert!((wasted - (0.8 * 100_000.0 + 40_000.0)).abs() < 1.0, "{wasted}");
        assert_eq!(v.evidence.iter().filter(|e| matches!(e, Evidence::Item { .. })).count(), 2);
    }

    #[test]
    fn cache_lifetime_from_expires() {
        let h = |v: &[(&str, &str)]| v.iter().map(|(n, v)| Header { name: (*n).into(), value: (*v).into() }).collect::<Vec<_>>();
        assert_eq!(
            cache_lifetime(&h(&[("expires", "Thu, 02 Jan 2025 00:00:00 GMT"), ("date", "Wed, 01 Jan 2025 00:00:00 GMT")]), None),
            CacheLifetime::Explicit(86400.0)
        );
        assert_eq!(cache_lifetime(&h(&[("expires", "0")]), None), CacheLifetime::Explicit(0.0));
        assert_eq!(cache_lifetime(&h(&[("pragma", "no-cache")]), None), CacheLifetime::Uncacheable);
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"));
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(784111777.0));
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 99999999999999:49:37 GMT"), None);
        // Not an HTTP date: a weekday that does not match, a zone other than GMT.
        assert_eq!(parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"), None);
        assert_eq!(cache_hit_probability(0.0), 0.0);
        assert!((cache_hit_probability(3600.0) - 0.2).abs() < 1e-9);
        assert_eq!(cache_hit_probability(1e12), 1.0);
    }

}
