//! Edge website-audit API. Pure domain modules compile natively and are unit
//! tested with `cargo test`; the Worker glue lives in `edge` (wasm32 only).
pub mod error;
pub mod fetchpolicy;
pub mod findings;
pub mod ids;
pub mod model;
pub mod overrides;
pub mod page;
pub mod pagination;
pub mod ratelimit;
pub mod router;
pub mod rules;
pub mod scan;
pub mod scoring;
pub mod ssrf;
pub mod time;

#[cfg(target_arch = "wasm32")]
mod edge;
