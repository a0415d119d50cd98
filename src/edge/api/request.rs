//! What every handler shares: the admitted request's context, and reading
//! its body and query. Handlers import this; nothing here imports a handler.
use crate::edge::http::MAX_BODY;
use crate::domain::error::ApiError;
use crate::domain::ids::{OrgId, ProjectId};
use serde_json::{Map, Value};
use worker::{Env, Request};

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

/// The authenticated caller.
pub struct Principal {
    pub key_id: String,
    pub org: OrgId,
}

/// A request that passed auth, authorization and the rate limiter.
pub struct Ctx<'a> {
    pub env: &'a Env,
    pub request_id: &'a str,
    pub principal: Principal,
    pub project: ProjectId,
    /// Query parameters in order (repeated names kept).
    pub query: Vec<(String, String)>,
}

/// Reads a JSON object body of at most [`MAX_BODY`] bytes. The body is read
/// as a stream (chunked bodies have no Content-Length) and reading stops at
/// the first byte past the cap.
pub async fn json_object(req: &mut Request) -> Result<Map<String, Value>, ApiError> {
    use futures::StreamExt;
    crate::api::body::check_declared(req.headers().get("content-length").ok().flatten().as_deref(), MAX_BODY)?;
    let unreadable = || ApiError::invalid("body", "could not be read");
    let mut body = crate::api::body::CappedBody::new(MAX_BODY);
    // No body at all reads as empty (then "is not valid JSON", as before).
    if req.inner().body().is_some() {
        let mut stream = req.stream().map_err(|_| unreadable())?;
        while let Some(chunk) = stream.next().await {
            body.push(&chunk.map_err(|_| unreadable())?)?;
        }
    }
    match serde_json::from_slice::<Value>(&body.into_bytes()) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::invalid("body", "must be a JSON object")),
        Err(_) => Err(ApiError::invalid("body", "is not valid JSON")),
    }
}

/// The first value of a query parameter.
pub fn q<'a>(ctx: &'a Ctx<'_>, name: &str) -> Option<&'a str> {
    ctx.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Every distinct value of a multi-value filter (at most 20), parsed.
pub fn qs<T>(ctx: &Ctx<'_>, name: &str, parse: fn(&str) -> Option<T>, allowed: &str) -> Result<Vec<T>, ApiError> {
    crate::api::filters::parse_values(&ctx.query, name, parse, allowed)
}
