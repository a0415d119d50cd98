//! Edge website-audit API. Pure domain modules compile natively and are unit
//! tested with `cargo test`; the Worker glue lives in `edge` (wasm32 only).
pub mod dashboard;
pub mod error;
pub mod fanout;
pub mod fetchpolicy;
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
