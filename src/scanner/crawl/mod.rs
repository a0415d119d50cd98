//! Site-scan discovery, pure: which URLs a crawl of one origin finds and
//! whether each is scanned. The Worker fetches (`robots.txt`, sitemaps,
//! pages); these functions decide.
//!
//! - `urls`: URL normalisation (the de-duplication key), same-origin, and
//!   the user's include/exclude path patterns.
//! - `robots`: RFC 9309 `robots.txt` (groups, longest match, `Crawl-delay`,
//!   `Sitemap:`).
//! - `sitemap`: `<urlset>` / `<sitemapindex>` (and plain-text) sitemaps.
//! - `links`: the links of a scanned page, from its parsed document.
//! - `frontier`: crawl options and the verdict for each candidate URL.
//!
//! Every function is linear (or bounded by a documented limit) in its input
//! and never panics on it: these read what any website sends.
pub mod frontier;
pub mod links;
pub mod robots;
pub mod sitemap;
pub mod urls;

pub use frontier::{classify, CrawlOptions, Verdict};
pub use robots::Robots;
pub use sitemap::Sitemap;
pub use urls::{normalise, same_origin, PathPatterns};
