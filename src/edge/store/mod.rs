//! D1 storage adapters. All SQL lives here; handlers and the consumer call
//! these functions with parsed values.
pub mod badges;
pub mod findings;
pub mod gates;
pub mod dash;
pub mod health;
pub mod idempotency;
pub mod keys;
pub mod retention;
pub mod scans;
pub mod schedules;
pub mod sites;
pub mod sql;
pub mod webhooks;

use wasm_bindgen::JsValue;

pub(crate) fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}
pub(crate) fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

/// Rows a write statement changed.
pub(crate) fn changes(r: &worker::D1Result) -> usize {
    r.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0)
}

/// Prepares a statement built by [`sql`], binding its parameters.
pub(crate) fn prepare(db: &worker::D1Database, stmt: sql::Stmt) -> worker::Result<worker::D1PreparedStatement> {
    let binds: Vec<JsValue> = stmt
        .params
        .iter()
        .map(|p| match p {
            sql::Param::Text(t) => s(t),
            sql::Param::Num(x) => JsValue::from_f64(*x),
        })
        .collect();
    db.prepare(stmt.sql).bind(&binds)
}

/// A statement past D1's parameter limit is a bug (filters are capped before
/// they get here): refuse it as an internal error instead of sending it.
impl From<sql::TooManyBinds> for worker::Error {
    fn from(e: sql::TooManyBinds) -> Self {
        worker::Error::RustError(e.to_string())
    }
}
