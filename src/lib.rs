//! Edge website-audit API. The pure modules compile natively and are unit
//! tested with `cargo test`: `domain` (shared by both paths), `api` (the
//! request path's pure parts) and `scanner` (the scan path's). The Worker
//! glue lives in `edge` (wasm32 only), in the same two paths.
pub mod api;
pub mod domain;
pub mod scanner;

#[cfg(target_arch = "wasm32")]
mod edge;

// The store's statement builder is pure: compiled natively for its tests
// (bind counts), and into the Worker as `edge::store::sql`.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "edge/store/sql.rs"]
mod store_sql;
