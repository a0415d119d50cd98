//! Crawl options and the frontier's verdict for each URL discovered.
//!
//! Depth: the start URL is depth 0; a link on a page of depth d is d + 1;
//! a URL from a sitemap is [`SITEMAP_DEPTH`] (one step from the start, as
//! if the start page linked it). A URL deeper than `max_depth` is not
//! scanned (`max_depth` 0 scans the start URL only, plus nothing).
//!
//! Precedence, first match wins ([`classify`]):
//! 1. `OtherOrigin`: not the start URL's scheme, host and port (this also
//!    covers a redirect off the origin, when the caller classifies the
//!    redirect target).
//! 2. `Excluded`: the user's include/exclude patterns refuse it (never the
//!    start URL itself: the user asked for it; patterns filter what the
//!    crawl finds).
//! 3. `Disallowed`: robots.txt refuses it for us.
//! 4. `TooDeep`: depth > `max_depth`.
//! 5. `Duplicate`: the caller has seen it in this site scan already (its
//!    check runs only when 1–4 passed).
//! 6. `OverLimit`: `max_pages` pages are already queued.
//! 7. otherwise `Queue`.
//!
//! The cheap checks on the URL alone come first, and the two that depend on
//! the crawl's state last, so that the reason recorded for a URL does not
//! depend on the order in which pages happened to finish. A URL refused by
//! 1–4 is refused again each time it is found: to count each URL once, the
//! caller records refused URLs in its seen-set too (and does not count a
//! URL twice).
use super::robots::Robots;
use super::urls::{normalise, same_origin, PathPatterns};
use serde::Serialize;
use url::Url;

// The options and their bounds are the API's (`domain::site`): one
// definition for Run Scan, schedules and the crawl.
pub use crate::domain::site::{
    SiteOptions as CrawlOptions, DEFAULT_MAX_DEPTH, DEFAULT_MAX_PAGES, MAX_DEPTH_CEILING, MAX_PAGES_CEILING,
};
/// Depth given to URLs found in sitemaps.
pub const SITEMAP_DEPTH: u32 = 1;
/// Sitemap files read per site scan (an index and the sitemaps it names,
/// or the robots.txt ones): past this, further sitemaps are not fetched.
pub const MAX_SITEMAP_FETCHES: usize = 10;

/// The include/exclude patterns of the options, parsed.
pub fn patterns(o: &CrawlOptions) -> Result<PathPatterns, String> {
    PathPatterns::parse(&o.include, &o.exclude)
}

/// What happens to a discovered URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Queue,
    OtherOrigin,
    Excluded,
    Disallowed,
    TooDeep,
    Duplicate,
    OverLimit,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Queue => "queue",
            Verdict::OtherOrigin => "other_origin",
            Verdict::Excluded => "excluded",
            Verdict::Disallowed => "disallowed",
            Verdict::TooDeep => "too_deep",
            Verdict::Duplicate => "duplicate",
            Verdict::OverLimit => "over_limit",
        }
    }
}

/// What [`classify`] needs to know about the crawl.
#[derive(Debug, Clone, Copy)]
pub struct Frontier<'a> {
    /// The start URL (normalised): its origin is the crawl's.
    pub start: &'a Url,
    pub options: &'a CrawlOptions,
    /// `options.patterns()`, parsed once.
    pub patterns: &'a PathPatterns,
    pub robots: &'a Robots,
    /// Pages queued so far in this site scan, the start page included.
    pub queued: u32,
}

/// The verdict for `url` (normalised) found at `depth`, in the precedence
/// the module documents. `seen` answers whether this site scan already
/// has the URL; it is asked only when the URL passes checks 1–4.
pub fn classify(url: &Url, depth: u32, f: &Frontier, seen: impl FnOnce(&Url) -> bool) -> Verdict {
    if !same_origin(url, f.start) {
        return Verdict::OtherOrigin;
    }
    if depth > 0 && url != f.start && !f.patterns.allows(url) {
        return Verdict::Excluded;
    }
    if !f.robots.allowed(url) {
        return Verdict::Disallowed;
    }
    if depth > f.options.max_depth {
        return Verdict::TooDeep;
    }
    if seen(url) {
        return Verdict::Duplicate;
    }
    if f.queued >= f.options.max_pages {
        return Verdict::OverLimit;
    }
    Verdict::Queue
}

/// `/robots.txt` of the start URL's origin.
pub fn robots_url(start: &Url) -> Option<Url> {
    normalise(start, "/robots.txt")
}

/// The sitemaps to read first: the ones robots.txt names (normalised,
/// de-duplicated, in file order), else `/sitemap.xml` of the start URL's
/// origin; at most [`MAX_SITEMAP_FETCHES`]. A named sitemap on another
/// host is kept (sitemaps.org allows it via robots.txt); it passes the
/// SSRF guard like any fetch, and the URLs it lists are classified as usual.
pub fn sitemap_urls(robots: &Robots, start: &Url) -> Vec<Url> {
    let mut out: Vec<Url> = Vec::new();
    for s in robots.sitemaps() {
        if let Some(u) = normalise(start, s) {
            if !out.contains(&u) && out.len() < MAX_SITEMAP_FETCHES {
                out.push(u);
            }
        }
    }
    if out.is_empty() {
        out.extend(normalise(start, "/sitemap.xml"));
    }
    out
}

#[cfg(test)]
#[path = "frontier_tests.rs"]
mod tests;
