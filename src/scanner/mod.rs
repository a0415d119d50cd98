//! The scan path's pure parts, in the order a scan goes through them (the
//! Worker glue is in `edge`): queue messages and the per-scan budget
//! (`fanout`, `scanlimits`); the guarded fetch (`ssrf`, `overrides`,
//! `fetchpolicy`); the page model (`page`); the rules (`rules`). Findings are
//! made from rule results in `domain::findings`. Imports only `domain`, and
//! each stage only the stages after it.
pub mod fanout;
pub mod fetchpolicy;
pub mod overrides;
pub mod page;
pub mod rules;
pub mod scanlimits;
pub mod ssrf;
