//! The scan path's pure parts, in the order a scan goes through them (the
//! Worker glue is in `edge`): queue messages and the per-scan budget
//! (`fanout`, `scanlimits`); the guarded fetch policy (`fetchpolicy`,
//! `overrides`, `slots`; target validation is `domain::ssrf`); the page model
//! (`page`); the rules (`rules`); findings made from their results
//! (`findings`); site-scan discovery (`crawl`: robots.txt, sitemaps, links,
//! the frontier's verdicts). Imports only `domain`; no stage imports one before it.
pub mod crawl;
pub mod fanout;
pub mod fetchpolicy;
pub mod findings;
pub mod overrides;
pub mod page;
pub mod rules;
pub mod scanlimits;
pub mod slots;
