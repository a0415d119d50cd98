//! Edge website-audit API. Pure domain modules compile natively and are unit
//! tested with `cargo test`; the Worker glue lives in `edge` (wasm32 only).
pub mod api;
pub mod domain;
pub mod scanner;

// Old flat paths, kept while branches written against them merge.
pub use api::{body, filters, idempotency, pagination, router, sarif};
pub use domain::{dashboard, error, ids, model, ratelimit, scan, schedule, scoring, ssrf, time, triage};
pub use scanner::{fanout, fetchpolicy, findings, overrides, page, rules, scanlimits};

#[cfg(target_arch = "wasm32")]
mod edge;

// The store's statement builder is pure: compiled natively for its tests
// (bind counts), and into the Worker as `edge::store::sql`.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "edge/store/sql.rs"]
mod store_sql;
