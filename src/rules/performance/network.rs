//! Rules about the document's delivery: response time, redirects,
//! compression, subresource caching and total bytes.
use super::{header_in, item, kib, lh, metric};
use crate::model::{Domain, Severity};
use crate::rules::dom::Analysis;
use crate::rules::{dom, Fix, Outcome, Reference, Rule, Violation};

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
    for hop in page.redirects.iter().take(crate::rules::MAX_EVIDENCE) {
        let to = hop.location.as_deref().unwrap_or("(no Location header)");
        ev.push(item(hop.url.clone(), format!("{} → {}", hop.status, to)));
    }
    let v = Violation::new(ev).total(1 + page.redirects.len()).detail(format!("The document was reached through {hops} redirect(s)."));
    Outcome::Fail(if hops >= 2 { v.severity(Severity::Medium) } else { v })
}

// ---------------------------------------------------------------- uses-text-compression

/// Lighthouse ignores savings below this (`IGNORE_THRESHOLD_IN_BYTES`).
pub const COMPRESSION_MIN_SAVINGS: f64 = 1400.0;

pub const USES_TEXT_COMPRESSION: Rule = Rule {
    id: "uses-text-compression",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Enable text compression",
    description: "Text responses (HTML, CSS, JavaScript, JSON, SVG) should be served with gzip, Brotli or zstd; it usually removes two thirds of the bytes.",
    references: &[
        lh("uses-text-compression", "https://developer.chrome.com/docs/lighthouse/performance/uses-text-compression/"),
        lh("document-latency-insight (v13; replaces uses-text-compression for the document)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/document-latency-insight.js"),
        Reference { kind: "mdn", id: "Content-Encoding", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Encoding" },
    ],
    fix: Fix {
        summary: "Turn on Brotli or gzip for text content types at the server or CDN.",
        steps: &[
            "Enable compression for text/html, text/css, application/javascript, application/json and image/svg+xml.",
            "Check that a proxy in front of the origin does not strip Content-Encoding.",
        ],
        estimated_minutes: 20,
    },
    impact: 60,
    effort: 15,
    risk: 10,
    limits: "No compressor runs in the Worker: the saving is estimated with Lighthouse 13's per-type ratios (CSS 80 %, HTML/JavaScript 67 %, other text 50 %), not measured. Subresources are judged from HEAD responses, which some servers answer without Content-Encoding even when GET is compressed.",
    check: check_uses_text_compression,
};

/// Estimated fraction of bytes compression removes, by MIME type (Lighthouse 13
/// DocumentLatency estimate). None for types that are not text.
pub fn compression_ratio(content_type: &str) -> Option<f64> {
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match mime.as_str() {
        "text/css" => Some(0.80),
        "text/html" | "application/xhtml+xml" | "text/javascript" | "application/javascript"
        | "application/x-javascript" => Some(0.67),
        m if m.starts_with("text/")
            || m.ends_with("+json")
            || m.ends_with("+xml")
            || m.ends_with("/json")
            || m.ends_with("/xml")
            || m == "image/x-icon"
            || m == "image/vnd.microsoft.icon"
            || m == "font/ttf"
            || m == "font/otf"
            || m == "application/vnd.ms-fontobject" =>
        {
            Some(0.50)
        }
        _ => None,
    }
}

fn is_compressed(encoding: Option<&str>) -> bool {
    encoding
        .map(|e| e.split(',').map(str::trim).any(|t| !t.is_empty() && !t.eq_ignore_ascii_case("identity")))
        .unwrap_or(false)
}

fn check_uses_text_compression(page: &Analysis) -> Outcome {
    let Some(ratio) = page.header("content-type").and_then(compression_ratio) else {
        return Outcome::NotApplicable;
    };
    if page.decoded_bytes == 0 {
        return Outcome::NotApplicable;
    }
    let mut ev = Vec::new();
    let mut total_savings = 0.0;
    let doc_encoding = page.content_encoding.as_deref().or_else(|| page.header("content-encoding"));
    // Fewer bytes on the wire than decoded proves compression even if the header was hidden.
    let wire_smaller = page.transferred_bytes.map(|t| (t as f64) < page.decoded_bytes as f64 * 0.9).unwrap_or(false);
    if !is_compressed(doc_encoding) && !wire_smaller {
        let size = page.transferred_bytes.unwrap_or(page.decoded_bytes) as f64;
        let savings = (size * ratio).round();
        if savings >= COMPRESSION_MIN_SAVINGS {
            total_savings += savings;
            ev.push(metric("document-transfer-bytes", size, size - savings, "bytes", Some(savings)));
            ev.push(dom::header("content-encoding", None));
            ev.push(item(page.final_url.as_str(), format!("served uncompressed: {} (~{} after compression)", kib(size), kib(size - savings))));
        }
    }
    let mut sub_flagged = 0usize;
    let mut unlisted = 0usize;
    for s in &page.subresources {
        if s.status != 200 {
            continue;
        }
        let (Some(bytes), Some(r)) = (s.transferred_bytes, header_in(&s.headers, "content-type").and_then(compression_ratio)) else {
            continue;
        };
        if is_compressed(header_in(&s.headers, "content-encoding")) {
            continue;
        }
        let savings = (bytes as f64 * r).round();
        if savings < COMPRESSION_MIN_SAVINGS {
            continue;
        }
        total_savings += savings;
        sub_flagged += 1;
        if ev.len() < crate::rules::MAX_EVIDENCE {
            ev.push(item(s.url.clone(), format!("{} {}: uncompressed, ~{} saving", s.kind, kib(bytes as f64), kib(savings))));
        } else {
            unlisted += 1;
        }
    }
    if total_savings == 0.0 {
        return Outcome::Pass { code: None };
    }
    if sub_flagged > 0 {
        ev.insert(0, metric("estimated-compression-savings", total_savings, COMPRESSION_MIN_SAVINGS, "bytes", Some(total_savings)));
    }
    // Subresource-only findings rest on HEAD responses, which are less certain.
    let doc_flagged = ev.iter().any(|e| matches!(e, crate::rules::Evidence::Metric { name, .. } if name == "document-transfer-bytes"));
    let total = ev.len() + unlisted;
    let v = Violation::new(ev)
        .total(total)
        .confidence(if doc_flagged { 0.85 } else { 0.6 })
        .detail(format!("About {} could be saved by compressing text responses.", kib(total_savings)));
    Outcome::Fail(if total_savings >= 100.0 * 1024.0 { v.severity(Severity::High) } else if total_savings < 10.0 * 1024.0 { v.severity(Severity::Low) } else { v })
}

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

pub fn cache_lifetime(headers: &[crate::page::Header], fallback_date: Option<&str>) -> CacheLifetime {
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
    ev.extend(flagged.into_iter().take(crate::rules::MAX_EVIDENCE));
    let v = Violation::new(ev).total(total).detail(format!("{n} static resource(s) are cached for less than 30 days."));
    Outcome::Fail(if wasted_total < CACHE_WASTE_P10 { v.severity(Severity::Low) } else { v })
}

// ---------------------------------------------------------------- total-byte-weight

/// Lighthouse's scoring curve: p10 2667 KiB (score 0.9), median 4000 KiB (0.5).
pub const BYTE_WEIGHT_P10: f64 = 2667.0 * 1024.0;
pub const BYTE_WEIGHT_MEDIAN: f64 = 4000.0 * 1024.0;

pub const TOTAL_BYTE_WEIGHT: Rule = Rule {
    id: "total-byte-weight",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Avoid enormous network payloads",
    description: "Large pages cost users money and load slowly; Lighthouse starts flagging above about 2.6 MiB.",
    references: &[lh("total-byte-weight", "https://developer.chrome.com/docs/lighthouse/performance/total-byte-weight/")],
    fix: Fix {
        summary: "Cut the largest downloads: compress and resize images, split and trim JavaScript.",
        steps: &[
            "Serve images in AVIF/WebP at the displayed size; lazy-load below-the-fold images.",
            "Remove unused JavaScript and CSS; split bundles per route.",
            "Enable text compression.",
        ],
        estimated_minutes: 180,
    },
    impact: 40,
    effort: 60,
    risk: 15,
    limits: "Counts the document plus only the subresources the fetcher measured (HEAD Content-Length); resources loaded by JavaScript, lazy images and fonts referenced from CSS are not counted, so the real weight is usually higher.",
    check: check_total_byte_weight,
};

fn check_total_byte_weight(page: &Analysis) -> Outcome {
    let doc = page.transferred_bytes.unwrap_or(page.decoded_bytes) as f64;
    if doc == 0.0 && page.subresources.is_empty() {
        return Outcome::NotApplicable;
    }
    let sub: f64 = page.subresources.iter().filter_map(|s| s.transferred_bytes).map(|b| b as f64).sum();
    let total = doc + sub;
    if total <= BYTE_WEIGHT_P10 {
        return Outcome::Pass { code: None };
    }
    let mut ev = vec![
        metric("total-byte-weight", total, BYTE_WEIGHT_P10, "bytes", Some(total - BYTE_WEIGHT_P10)),
        item(page.final_url.as_str(), format!("document: {}", kib(doc))),
    ];
    let mut subs: Vec<_> = page.subresources.iter().filter_map(|s| s.transferred_bytes.map(|b| (b, s))).collect();
    subs.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (b, s) in subs.into_iter().take(10) {
        ev.push(item(s.url.clone(), format!("{}: {}", s.kind, kib(b as f64))));
    }
    let v = Violation::new(ev)
        .confidence(0.9)
        .detail(format!("The page weighs at least {} (Lighthouse flags above 2667 KiB).", kib(total)));
    Outcome::Fail(if total > BYTE_WEIGHT_MEDIAN { v.severity(Severity::Medium) } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::page::Page;
    use crate::page::{Header, Hop, Subresource};
    use crate::rules::Evidence;

    fn page() -> Page {
        Page::html_at("https://example.com/", &[], "<!doctype html><title>x</title>")
    }
    fn fail(o: Outcome) -> Violation {
        match o {
            Outcome::Fail(v) => v,
            other => panic!("expected fail, got {other:?}"),
        }
    }
    fn metric_of(v: &Violation, n: &str) -> Option<(f64, f64, Option<f64>)> {
        v.evidence.iter().find_map(|e| match e {
            Evidence::Metric { name, observed, threshold, savings, .. } if name == n => Some((*observed, *threshold, *savings)),
            _ => None,
        })
    }
    fn sub(kind: &str, headers: &[(&str, &str)], bytes: Option<u64>) -> Subresource {
        Subresource {
            url: format!("https://example.com/a.{kind}"),
            kind: kind.into(),
            status: 200,
            headers: headers.iter().map(|(n, v)| Header { name: (*n).into(), value: (*v).into() }).collect(),
            transferred_bytes: bytes,
        }
    }

    #[test]
    fn server_response_time_bands() {
        let mut p = page();
        assert_eq!(check_server_response_time(&crate::rules::analysis(&(p))), Outcome::NotApplicable);
        p.timings.ttfb_ms = 350.0;
        assert!(matches!(check_server_response_time(&crate::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.timings.ttfb_ms = 700.0;
        let v = fail(check_server_response_time(&crate::rules::analysis(&(p))));
        assert_eq!(v.severity, Some(Severity::Low));
        assert_eq!(metric_of(&v, "server-response-time"), Some((700.0, 600.0, Some(600.0))));
        p.timings.ttfb_ms = 1000.0;
        assert_eq!(fail(check_server_response_time(&crate::rules::analysis(&(p)))).severity, Some(Severity::Medium));
        p.timings.ttfb_ms = 2500.0;
        let v = fail(check_server_response_time(&crate::rules::analysis(&(p))));
        assert_eq!(v.severity, Some(Severity::High));
        assert_eq!(metric_of(&v, "ttfb-cwv").map(|m| m.1), Some(1800.0));
    }

    #[test]
    fn redirects_pass_and_fail() {
        let mut p = page();
        assert!(matches!(check_redirects(&crate::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.redirects = vec![
            Hop { url: "http://example.com/".into(), status: 301, location: Some("https://example.com".into()) },
            Hop { url: "https://example.com".into(), status: 302, location: Some("https://example.com/".into()) },
        ];
        let v = fail(check_redirects(&crate::rules::analysis(&(p))));
        assert_eq!(v.severity, Some(Severity::Medium));
        assert_eq!(metric_of(&v, "redirects").map(|m| m.0), Some(2.0));
        let mut q = page();
        q.redirects.clear();
        q.requested_url = url::Url::parse("http://example.com/").unwrap();
        assert!(matches!(check_redirects(&crate::rules::analysis(&q)), Outcome::Fail(_)));
    }

    #[test]
    fn text_compression() {
        let body = format!("<!doctype html><p>{}</p>", "hello world ".repeat(1000));
        let mut p = Page::html_at("https://example.com/", &[], &body);
        let v = fail(check_uses_text_compression(&crate::rules::analysis(&(p))));
        let (obs, thr, sav) = metric_of(&v, "document-transfer-bytes").unwrap();
        assert_eq!(obs, body.len() as f64);
        assert!((sav.unwrap() - obs * 0.67).abs() <= 1.0 && (thr - obs * 0.33).abs() <= 1.0);
        p.content_encoding = Some("br".into());
        assert!(matches!(check_uses_text_compression(&crate::rules::analysis(&(p))), Outcome::Pass { .. }));
        // Small documents are below Lighthouse's 1400-byte floor.
        assert!(matches!(check_uses_text_compression(&crate::rules::analysis(&page())), Outcome::Pass { .. }));
        // Uncompressed stylesheet found by HEAD.
        let mut q = page();
        q.subresources.push(sub("stylesheet", &[("content-type", "text/css")], Some(50_000)));
        let v = fail(check_uses_text_compression(&crate::rules::analysis(&q)));
        assert_eq!(metric_of(&v, "estimated-compression-savings").map(|m| m.0), Some(40_000.0));
        q.subresources[0].headers.push(Header { name: "content-encoding".into(), value: "gzip".into() });
        assert!(matches!(check_uses_text_compression(&crate::rules::analysis(&q)), Outcome::Pass { .. }));
        let img = Page::html_at("https://example.com/", &[("content-type", "image/png")], "x");
        assert_eq!(check_uses_text_compression(&crate::rules::analysis(&img)), Outcome::NotApplicable);
    }

    #[test]
    fn cache_ttl() {
        let mut p = page();
        assert_eq!(check_uses_long_cache_ttl(&crate::rules::analysis(&(p))), Outcome::NotApplicable);
        p.subresources = vec![
            sub("script", &[("cache-control", "public, max-age=31536000, immutable")], Some(10_000)),
            sub("image", &[("cache-control", "no-store")], Some(10_000)),
        ];
        assert!(matches!(check_uses_long_cache_ttl(&crate::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.subresources.push(sub("stylesheet", &[("cache-control", "max-age=3600")], Some(100_000)));
        p.subresources.push(sub("font", &[], Some(40_000)));
        let v = fail(check_uses_long_cache_ttl(&crate::rules::analysis(&(p))));
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

    #[test]
    fn byte_weight() {
        let mut p = page();
        assert!(matches!(check_total_byte_weight(&crate::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.subresources.push(sub("image", &[], Some(3_000_000)));
        let v = fail(check_total_byte_weight(&crate::rules::analysis(&(p))));
        assert_eq!(v.severity, None);
        p.subresources.push(sub("script", &[], Some(2_000_000)));
        assert_eq!(fail(check_total_byte_weight(&crate::rules::analysis(&(p)))).severity, Some(Severity::Medium));
    }
}
