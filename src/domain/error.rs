//! The one error type of the API, and its mapping to the spec's envelope.
//! Handlers return `ApiError`; only `http::envelope` turns it into a response.
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No, malformed, unknown or revoked key.
    Unauthorized,
    /// The key belongs to another org than the path names.
    Forbidden,
    /// The key lacks the scope the route needs.
    InsufficientScope(&'static str),
    NotFound,
    MethodNotAllowed(Vec<&'static str>),
    PayloadTooLarge { limit: usize },
    /// Input that fails validation: a message and per-field details.
    InvalidParams { message: String, details: Map<String, Value> },
    /// Rate limit exceeded; rendered with the spec's unwrapped body.
    RateLimited(crate::domain::ratelimit::Decision),
    /// Same Idempotency-Key reused while the first request is still in flight.
    Conflict(String),
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut details = Map::new();
        details.insert(field.to_string(), Value::String(message.clone()));
        ApiError::InvalidParams { message, details }
    }

    pub fn status(&self) -> u16 {
        match self {
            ApiError::Unauthorized => 401,
            ApiError::Forbidden | ApiError::InsufficientScope(_) => 403,
            ApiError::NotFound => 404,
            ApiError::MethodNotAllowed(_) => 405,
            ApiError::Conflict(_) => 409,
            ApiError::PayloadTooLarge { .. } => 413,
            ApiError::InvalidParams { .. } => 422,
            ApiError::RateLimited(_) => 429,
            ApiError::Internal(_) => 500,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::InsufficientScope(_) => "insufficient_scope",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::InvalidParams { .. } => "invalid_params",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The `error` object of the envelope. Internal details are never shown
    /// to the caller (they go to the log line instead).
    pub fn body(&self) -> Value {
        let mut e = json!({ "code": self.code() });
        let message: Option<String> = match self {
            ApiError::Unauthorized => Some("A valid API key is required (Authorization: Bearer <key>).".into()),
            ApiError::Forbidden => Some("This key may not access this organization.".into()),
            ApiError::InsufficientScope(s) => Some(format!("This key lacks the `{s}` scope.")),
            ApiError::NotFound => Some("Not found.".into()),
            ApiError::MethodNotAllowed(m) => Some(format!("Method not allowed; allowed: {}.", m.join(", "))),
            ApiError::Conflict(m) => Some(m.clone()),
            ApiError::PayloadTooLarge { limit } => Some(format!("Request body exceeds {limit} bytes.")),
            ApiError::InvalidParams { message, .. } => Some(message.clone()),
            ApiError::RateLimited(_) => Some("Rate limit exceeded.".into()),
            ApiError::Internal(_) => Some("Internal error.".into()),
        };
        if let (Some(m), Some(obj)) = (message, e.as_object_mut()) {
            obj.insert("message".into(), Value::String(m));
        }
        if let (ApiError::InvalidParams { details, .. }, Some(obj)) = (self, e.as_object_mut()) {
            if !details.is_empty() {
                obj.insert("details".into(), Value::Object(details.clone()));
            }
        }
        if let (ApiError::InsufficientScope(s), Some(obj)) = (self, e.as_object_mut()) {
            obj.insert("details".into(), json!({ "required_scope": s }));
        }
        e
    }
}

/// The spec's envelope: `{data, meta: {request_id}, error}`.
pub fn envelope(data: Value, request_id: &str, error: Option<&ApiError>) -> Value {
    json!({
        "data": data,
        "meta": { "request_id": request_id },
        "error": error.map(ApiError::body),
    })
}

/// A successful envelope with extra meta (e.g. pagination cursors).
pub fn envelope_with_meta(data: Value, request_id: &str, extra_meta: Map<String, Value>) -> Value {
    let mut meta = extra_meta;
    meta.insert("request_id".into(), Value::String(request_id.to_string()));
    json!({ "data": data, "meta": meta, "error": null })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_are_stable() {
        let cases = [
            (ApiError::Unauthorized, 401, "unauthorized"),
            (ApiError::Forbidden, 403, "forbidden"),
            (ApiError::InsufficientScope("audit:write"), 403, "insufficient_scope"),
            (ApiError::NotFound, 404, "not_found"),
            (ApiError::MethodNotAllowed(vec!["POST"]), 405, "method_not_allowed"),
            (ApiError::PayloadTooLarge { limit: 65536 }, 413, "payload_too_large"),
            (ApiError::invalid("url", "bad"), 422, "invalid_params"),
            (ApiError::Internal("db down".into()), 500, "internal"),
        ];
        for (e, status, code) in cases {
            assert_eq!(e.status(), status);
            assert_eq!(e.code(), code);
            assert_eq!(e.body()["code"], code);
        }
    }

    #[test]
    fn internal_details_are_not_leaked() {
        let body = ApiError::Internal("secret sql".into()).body();
        assert!(!body.to_string().contains("secret"));
    }

    #[test]
    fn envelope_has_spec_shape() {
        let v = envelope(Value::Null, "F-mxbAQk6m9lXeQAAATj", Some(&ApiError::invalid("url", "nope")));
        assert_eq!(v["data"], Value::Null);
        assert_eq!(v["meta"]["request_id"], "F-mxbAQk6m9lXeQAAATj");
        assert_eq!(v["error"]["code"], "invalid_params");
        assert_eq!(v["error"]["details"]["url"], "nope");
    }
}
