//! Edge website-audit API. Pure domain modules compile natively and are unit
//! tested with `cargo test`; the Worker glue lives in `edge` (wasm32 only).
pub mod body;
pub mod dashboard;
pub mod error;
pub mod fanout;
pub mod fetchpolicy;
pub mod filters;
pub mod findings;
pub mod idempotency;
pub mod ids;
pub mod model;
pub mod overrides;
pub mod page;
pub mod pagination;
pub mod ratelimit;
pub mod router;
pub mod rules;
pub mod sarif;
pub mod scan;
pub mod scanlimits;
pub mod schedule;
pub mod scoring;
pub mod ssrf;
pub mod time;
pub mod triage;

#[cfg(target_arch = "wasm32")]
mod edge;

// The store's statement builder is pure: compiled natively for its tests
// (bind counts), and into the Worker as `edge::store::sql`.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "edge/store/sql.rs"]
mod store_sql;
