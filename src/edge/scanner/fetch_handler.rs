//! HTTP into the scanner Worker. In production it has no public URL and
//! answers only a liveness check: the API lives in the API Worker alone.
//!
//! Development: `wrangler dev -c <api> -c <scanner>` serves only the first
//! Worker on its port, and the cron trigger routes (`/cdn-cgi/local/scheduled`,
//! `--test-scheduled`'s `/__scheduled`) reach only that one. The development
//! configs (scripts/devconfig.mjs) therefore bind the scanner to the API as
//! `DEV_SCANNER`, and the API forwards `/__dev/scanner/<path>` to it. The
//! scanner then answers `/__dev/scheduled?cron=<expr>` by running exactly
//! what its scheduled handler runs. Both ends exist only when
//! ENVIRONMENT=development (and only the development configs have the binding).
use crate::edge::config::Config;
use crate::edge::scanner::housekeeping;
use crate::edge::http;
use crate::domain::error::ApiError;
use crate::domain::ids;
use serde_json::json;
use worker::{Env, Request, Response, Result};

/// The API's development-only prefix for requests to the scanner.
pub const DEV_PREFIX: &str = "/__dev/scanner/";

/// The scanner's fetch handler.
pub async fn handle(req: Request, env: &Env, cfg: &Config) -> Result<Response> {
    let request_id = ids::request_id();
    match req.path().as_str() {
        "/health" => http::ok(200, json!({ "status": "ok", "role": "scanner" }), &request_id),
        "/__dev/scheduled" if cfg.development => {
            let cron = req.url()?.query_pairs().find(|(k, _)| k == "cron").map(|(_, v)| v.into_owned()).unwrap_or_default();
            housekeeping::run(env, &cron).await;
            http::ok(200, json!({ "ran": cron }), &request_id)
        }
        _ => http::error(&ApiError::NotFound, &request_id),
    }
}

/// Development only, in the API Worker: forwards `/__dev/scanner/<path>` to
/// the scanner as `/<path>` (404 without the binding).
pub async fn forward(req: Request, env: &Env) -> Result<Response> {
    let request_id = ids::request_id();
    let Ok(scanner) = env.service("DEV_SCANNER") else {
        return http::error(&ApiError::NotFound, &request_id);
    };
    let mut url = req.url()?;
    let rest = url.path().strip_prefix(DEV_PREFIX).unwrap_or_default().to_string();
    url.set_path(&format!("/{rest}"));
    scanner.fetch(url.to_string(), None).await
}
