//! Whether search engines may index the page: `http-status-code`, `meta-description`, `is-crawlable`.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use crate::scanner::rules::performance::{element, html, lh, metric};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Evidence, Fix, Outcome, Reference, Rule, Violation};
use scraper::ElementRef;

// ---------------------------------------------------------------- http-status-code

pub const HTTP_STATUS_CODE: Rule = Rule {
    id: "http-status-code",
    domain: Domain::Performance,
    severity: Severity::High,
    title: "Page has a successful HTTP status code",
    description: "Pages answering 4xx/5xx may not be indexed.",
    references: &[lh("http-status-code", "https://developer.chrome.com/docs/lighthouse/seo/http-status-code/")],
    fix: Fix {
        summary: "Serve the page with a 2xx status, or redirect it to where the content now lives.",
        steps: &["Fix the server error, or restore the content.", "For moved content, answer 301 to the new URL."],
        estimated_minutes: 30,
    },
    impact: 80,
    effort: 30,
    risk: 10,
    limits: "Exact for the status the Worker received; bot protection may answer a scanner differently from a browser.",
    check: check_http_status_code,
};

fn check_http_status_code(page: &Analysis) -> Outcome {
    if (400..=599).contains(&page.status) {
        return Outcome::Fail(
            Violation::new(vec![metric("http-status", page.status as f64, 400.0, "status", None)])
                .severity(if page.status >= 500 { Severity::Critical } else { Severity::High })
                .code(page.status.to_string())
                .detail(format!("The page answered HTTP {}.", page.status)),
        );
    }
    Outcome::Pass { code: Some(page.status.to_string()) }
}

// ---------------------------------------------------------------- meta-description

pub const META_DESCRIPTION: Rule = Rule {
    id: "meta-description",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Document has a meta description",
    description: "Search engines may show the meta description in results; without one they pick arbitrary page text.",
    references: &[lh("meta-description", "https://developer.chrome.com/docs/lighthouse/seo/meta-description/")],
    fix: Fix {
        summary: "Add `<meta name=\"description\" content=\"…\">` with a concise summary of the page.",
        steps: &["Write a unique 1–2 sentence summary per page.", "Put it in a meta description tag in <head>."],
        estimated_minutes: 10,
    },
    impact: 30,
    effort: 10,
    risk: 5,
    limits: "Exact for server-rendered HTML; descriptions injected by JavaScript are not seen.",
    check: check_meta_description,
};

fn meta_named<'a>(page: &'a Analysis, name: &str) -> Option<ElementRef<'a>> {
    dom::select(page, &["meta"], &[], crate::sel!("meta[name]"))
        .into_iter()
        .find(|m| m.value().attr_of("name").map(|n| n.trim().eq_ignore_ascii_case(name)).unwrap_or(false))
}

fn check_meta_description(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let Some(meta) = meta_named(page, "description") else {
        return Outcome::Fail(
            Violation::new(vec![metric("meta-description-tags", 0.0, 1.0, "count", None)])
                .code("missing")
                .detail("The page has no meta description."),
        );
    };
    if meta.value().attr_of("content").unwrap_or("").trim().is_empty() {
        return Outcome::Fail(
            Violation::new(vec![metric("meta-description-length", 0.0, 1.0, "chars", None), element(page, meta)])
                .code("empty")
                .detail("The meta description is empty."),
        );
    }
    Outcome::Pass { code: None }
}

// ---------------------------------------------------------------- is-crawlable

/// Crawlers whose named meta tags / X-Robots-Tag prefixes Lighthouse honours.
const BOTS: &[&str] = &["googlebot", "bingbot", "duckduckbot", "archive.org_bot"];
/// Directives that contain a colon, so a `name:` prefix is not a user agent.
const COLON_DIRECTIVES: &[&str] = &["unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"];

pub const IS_CRAWLABLE: Rule = Rule {
    id: "is-crawlable",
    domain: Domain::Performance,
    severity: Severity::High,
    title: "Page isn't blocked from indexing",
    description: "A `noindex`/`none` robots meta tag or X-Robots-Tag header keeps the page out of search results.",
    references: &[
        lh("is-crawlable", "https://developer.chrome.com/docs/lighthouse/seo/is-crawlable/"),
        Reference { kind: "url", id: "Robots meta tag and X-Robots-Tag", url: "https://developers.google.com/search/docs/crawling-indexing/robots-meta-tag" },
    ],
    fix: Fix {
        summary: "Remove `noindex`/`none` from the robots meta tag and X-Robots-Tag header on pages that should be found.",
        steps: &["Check templates and CDN/header rules for noindex.", "Keep noindex only on staging and private pages."],
        estimated_minutes: 15,
    },
    impact: 90,
    effort: 10,
    risk: 10,
    limits: "robots.txt is not fetched, so a Disallow rule for this URL is not detected. `unavailable_after` is judged against the response's Date header when both dates parse.",
    check: check_is_crawlable,
};

/// True when a comma-separated directive list blocks indexing.
fn blocks_indexing(directives: &str, now: Option<f64>) -> bool {
    directives.split(',').any(|raw| {
        let d = raw.trim().to_ascii_lowercase();
        if d == "noindex" || d == "none" {
            return true;
        }
        if d.starts_with("unavailable_after:") {
            // HTTP dates are case-sensitive: read the date as written.
            let date = raw.trim().get("unavailable_after:".len()..).unwrap_or("");
            if let (Some(t), Some(now)) = (parse_loose_date(date), now) {
                return t < now;
            }
        }
        false
    })
}

/// Unix seconds of an `unavailable_after` date. Google takes "a widely adopted
/// format" (RFC 822, RFC 850, ISO 8601 are named; its own example is
/// `25 Jun 2010 15:00:00 PST`): an HTTP date, else RFC 2822 (obsolete zones
/// included), else RFC 3339, else an ISO 8601 date (midnight UTC).
fn parse_loose_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Some(t) = crate::scanner::rules::performance::network::parse_http_date(s) {
        return Some(t);
    }
    let dt = chrono::DateTime::parse_from_rfc2822(s)
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(s))
        .map(|d| d.timestamp())
        .ok()
        .or_else(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc().timestamp()))?;
    Some(dt as f64)
}

fn check_is_crawlable(page: &Analysis) -> Outcome {
    let now = page.header("date").and_then(crate::scanner::rules::performance::network::parse_http_date);
    let mut ev: Vec<Evidence> = Vec::new();
    for value in page.headers_named("x-robots-tag") {
        // "googlebot: noindex" applies to that bot only; unknown bots don't matter here.
        let applies_and_directives = match value.split_once(':') {
            Some((ua, rest)) if !COLON_DIRECTIVES.contains(&ua.trim().to_ascii_lowercase().as_str()) => {
                let ua = ua.trim().to_ascii_lowercase();
                (BOTS.contains(&ua.as_str()), rest)
            }
            _ => (true, value),
        };
        if applies_and_directives.0 && blocks_indexing(applies_and_directives.1, now) {
            ev.push(dom::header("x-robots-tag", Some(value)));
        }
    }
    if html(page).is_some() {
        for meta in dom::select(page, &["meta"], &[], crate::sel!("meta[name]")) {
            let name = meta.value().attr_of("name").unwrap_or("").trim().to_ascii_lowercase();
            if (name == "robots" || BOTS.contains(&name.as_str())) && blocks_indexing(meta.value().attr_of("content").unwrap_or(""), now) {
                ev.push(element(page, meta));
            }
        }
    }
    if ev.is_empty() {
        return Outcome::Pass { code: None };
    }
    let n = ev.len();
    ev.insert(0, metric("blocking-directives", n as f64, 0.0, "count", None));
    Outcome::Fail(Violation::new(ev).detail(format!("{n} directive(s) block search engines from indexing the page.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;


    #[test]
    fn status_code() {
        let mut pg = p("x");
        assert!(matches!(check_http_status_code(&crate::scanner::rules::analysis(&(pg))), Outcome::Pass { .. }));
        pg.status = 404;
        assert_eq!(code(check_http_status_code(&crate::scanner::rules::analysis(&(pg)))).as_deref(), Some("404"));
    }

    #[test]
    fn meta_description() {
        assert!(matches!(check_meta_description(&crate::scanner::rules::analysis(&p(r#"<meta name="Description" content="About us">"#))), Outcome::Pass { .. }));
        assert_eq!(code(check_meta_description(&crate::scanner::rules::analysis(&p("<title>x</title>")))).as_deref(), Some("missing"));
        assert_eq!(code(check_meta_description(&crate::scanner::rules::analysis(&p(r#"<meta name="description" content="  ">"#)))).as_deref(), Some("empty"));
    }

    #[test]
    fn is_crawlable() {
        assert!(matches!(check_is_crawlable(&crate::scanner::rules::analysis(&p(r#"<meta name="robots" content="index, follow">"#))), Outcome::Pass { .. }));
        assert!(matches!(check_is_crawlable(&crate::scanner::rules::analysis(&ph(&[("x-robots-tag", "otherbot: noindex")], ""))), Outcome::Pass { .. }));
        let o = check_is_crawlable(&crate::scanner::rules::analysis(&ph(&[("x-robots-tag", "none")], r#"<meta name="RoBots" content="nofollow, NOINDEX">"#)));
        assert_eq!(count(&o, "blocking-directives"), 2.0);
        assert!(matches!(check_is_crawlable(&crate::scanner::rules::analysis(&ph(&[("x-robots-tag", "googlebot: noindex")], ""))), Outcome::Fail(_)));
        let past = ph(&[("date", "Wed, 01 Jan 2025 00:00:00 GMT"), ("x-robots-tag", "unavailable_after: 25 Jun 2010 15:00:00 PST")], "");
        assert!(matches!(check_is_crawlable(&crate::scanner::rules::analysis(&past)), Outcome::Fail(_)));
        // 15:00 PST is 23:00 UTC.
        assert_eq!(parse_loose_date("25 Jun 2010 15:00:00 PST"), Some(1277506800.0));
        assert_eq!(parse_loose_date("2010-06-25"), Some(1277424000.0));
        assert_eq!(parse_loose_date("2010-06-25T15:00:00Z"), Some(1277478000.0));
        assert_eq!(parse_loose_date("soon"), None);
    }

}
