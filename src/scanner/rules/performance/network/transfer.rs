//! How many bytes cross the network: `uses-text-compression`, `total-byte-weight`.
use crate::scanner::rules::performance::{header_in, item, kib, lh, metric};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Fix, Outcome, Reference, Rule, Violation};

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
        if ev.len() < crate::scanner::rules::MAX_EVIDENCE {
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
    let doc_flagged = ev.iter().any(|e| matches!(e, crate::scanner::rules::Evidence::Metric { name, .. } if name == "document-transfer-bytes"));
    let total = ev.len() + unlisted;
    let v = Violation::new(ev)
        .total(total)
        .confidence(if doc_flagged { 0.85 } else { 0.6 })
        .detail(format!("About {} could be saved by compressing text responses.", kib(total_savings)));
    Outcome::Fail(if total_savings >= 100.0 * 1024.0 { v.severity(Severity::High) } else if total_savings < 10.0 * 1024.0 { v.severity(Severity::Low) } else { v })
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
    use super::super::test_support::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use crate::scanner::page::Header;
    


    #[test]
    fn text_compression() {
        let body = format!("<!doctype html><p>{}</p>", "hello world ".repeat(1000));
        let mut p = Page::html_at("https://example.com/", &[], &body);
        let v = fail(check_uses_text_compression(&crate::scanner::rules::analysis(&(p))));
        let (obs, thr, sav) = metric_of(&v, "document-transfer-bytes").unwrap();
        assert_eq!(obs, body.len() as f64);
        assert!((sav.unwrap() - obs * 0.67).abs() <= 1.0 && (thr - obs * 0.33).abs() <= 1.0);
        p.content_encoding = Some("br".into());
        assert!(matches!(check_uses_text_compression(&crate::scanner::rules::analysis(&(p))), Outcome::Pass { .. }));
        // Small documents are below Lighthouse's 1400-byte floor.
        assert!(matches!(check_uses_text_compression(&crate::scanner::rules::analysis(&page())), Outcome::Pass { .. }));
        // Uncompressed stylesheet found by HEAD.
        let mut q = page();
        q.subresources.push(sub("stylesheet", &[("content-type", "text/css")], Some(50_000)));
        let v = fail(check_uses_text_compression(&crate::scanner::rules::analysis(&q)));
        assert_eq!(metric_of(&v, "estimated-compression-savings").map(|m| m.0), Some(40_000.0));
        q.subresources[0].headers.push(Header { name: "content-encoding".into(), value: "gzip".into() });
        assert!(matches!(check_uses_text_compression(&crate::scanner::rules::analysis(&q)), Outcome::Pass { .. }));
        let img = Page::html_at("https://example.com/", &[("content-type", "image/png")], "x");
        assert_eq!(check_uses_text_compression(&crate::scanner::rules::analysis(&img)), Outcome::NotApplicable);
    }

    #[test]
    fn byte_weight() {
        let mut p = page();
        assert!(matches!(check_total_byte_weight(&crate::scanner::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.subresources.push(sub("image", &[], Some(3_000_000)));
        let v = fail(check_total_byte_weight(&crate::scanner::rules::analysis(&(p))));
        assert_eq!(v.severity, None);
        p.subresources.push(sub("script", &[], Some(2_000_000)));
        assert_eq!(fail(check_total_byte_weight(&crate::scanner::rules::analysis(&(p)))).severity, Some(Severity::Medium));
    }
}
