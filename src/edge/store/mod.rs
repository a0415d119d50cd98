//! D1 storage adapters. All SQL lives here; handlers and the consumer call
//! these functions with parsed values.
pub mod findings;
pub mod idempotency;
pub mod keys;
pub mod scans;
pub mod schedules;

use wasm_bindgen::JsValue;

pub(crate) fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}
pub(crate) fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}
