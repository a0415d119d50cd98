//! Edge website-audit API. Pure domain modules compile natively and are unit
//! tested with `cargo test`; the Worker glue lives in `worker_glue` (wasm32 only).
pub mod model;
pub mod page;
pub mod rules;
pub mod ssrf;
