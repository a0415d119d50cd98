//! Response construction: the envelope, request ids, rate-limit headers, and
//! the one place an `ApiError` becomes an HTTP response.
use crate::domain::error::{envelope, ApiError};
use crate::domain::ratelimit::Decision;
use serde_json::{json, Value};
use worker::{Headers, Response, Result};

/// Largest request body we read (the 64 KiB).
pub use crate::api::body::MAX_BODY;

fn json_response(status: u16, body: &Value, request_id: &str) -> Result<Response> {
    raw_json(status, body.to_string(), request_id)
}

/// A JSON response from an already-serialised body (idempotent replays).
pub fn raw_json(status: u16, body: String, request_id: &str) -> Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    headers.set("x-request-id", request_id)?;
    Ok(Response::from_bytes(body.into_bytes())?.with_status(status).with_headers(headers))
}

pub fn set_rate_headers(resp: &mut Response, d: &Decision) -> Result<()> {
    let h = resp.headers_mut();
    h.set("x-ratelimit-limit", &d.limit.to_string())?;
    h.set("x-ratelimit-remaining", &d.remaining.to_string())?;
    h.set("x-ratelimit-reset", &d.reset_secs.to_string())?;
    Ok(())
}

/// A successful envelope.
pub fn ok(status: u16, data: Value, request_id: &str) -> Result<Response> {
    json_response(status, &envelope(data, request_id, None), request_id)
}

/// 201 Created with the new resource's path in `location`.
pub fn created(data: Value, location: &str, request_id: &str) -> Result<Response> {
    let mut resp = ok(201, data, request_id)?;
    resp.headers_mut().set("location", location)?;
    Ok(resp)
}

/// A successful response whose full body the handler built (SARIF).
pub fn ok_body(status: u16, body: &Value, request_id: &str) -> Result<Response> {
    json_response(status, body, request_id)
}

/// A page of a list: the envelope with `meta.next_cursor` (null on the last
/// page), `meta.limit`, and any extra meta.
pub fn page(data: Vec<Value>, next: Option<String>, limit: u32, request_id: &str, extra: &[(&str, Value)]) -> Result<Response> {
    let mut meta = serde_json::Map::new();
    meta.insert("next_cursor".into(), next.map(Value::String).unwrap_or(Value::Null));
    meta.insert("limit".into(), json!(limit));
    for (k, v) in extra {
        meta.insert((*k).into(), v.clone());
    }
    json_response(200, &crate::domain::error::envelope_with_meta(Value::Array(data), request_id, meta), request_id)
}

/// The single mapping from `ApiError` to a response.
pub fn error(err: &ApiError, request_id: &str) -> Result<Response> {
    if let ApiError::RateLimited(d) = err {
        // The spec's 429 body is deliberately not wrapped in the envelope.
        let body = json!({ "error": "Rate limit exceeded", "retry_after": d.retry_after_secs });
        let mut resp = json_response(429, &body, request_id)?;
        resp.headers_mut().set("retry-after", &d.retry_after_secs.to_string())?;
        set_rate_headers(&mut resp, d)?;
        return Ok(resp);
    }
    let mut resp = json_response(err.status(), &envelope(Value::Null, request_id, Some(err)), request_id)?;
    match err {
        ApiError::Unauthorized => {
            resp.headers_mut().set("www-authenticate", "Bearer realm=\"audit\"")?;
        }
        ApiError::InsufficientScope(scope) => {
            resp.headers_mut()
                .set("www-authenticate", &format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\""))?;
        }
        ApiError::MethodNotAllowed(allowed) => {
            resp.headers_mut().set("allow", &allowed.join(", "))?;
        }
        _ => {}
    }
    Ok(resp)
}
