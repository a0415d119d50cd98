//! What the dashboard needs besides the project routes: who the presented key is, the projects an org has
//! scanned, and the command center's daily trend.
use crate::domain::dashboard::{daily_series, Period};
use crate::domain::error::ApiError;
use crate::domain::time::rfc3339;
use crate::edge::api::request::Principal;
use crate::edge::{http, store};
use serde_json::{json, Value};
use worker::{Env, Response};

/// `GET /api/v1/key`: the key's own record (id, org, name, prefix, scopes), so
/// a client can show who is signed in and what it may do.
pub async fn whoami(env: &Env, principal: &Principal, request_id: &str) -> Result<Response, ApiError> {
    let db = env.d1("DB")?;
    let k = store::dash::key(&db, &principal.key_id).await?.ok_or(ApiError::Unauthorized)?;
    let scopes: Vec<&str> = k.scopes.split([' ', ',']).filter(|s| !s.is_empty()).collect();
    let data = json!({
        "id": k.id,
        "org_id": k.org_id,
        "name": k.name,
        "prefix": k.prefix,
        "scopes": scopes,
        "created_at": rfc3339(k.created_at as i64),
    });
    Ok(http::ok(200, data, request_id)?)
}

/// `GET /api/v1/orgs/:org_id/projects`: projects with at least one scan.
pub async fn projects(env: &Env, principal: &Principal, request_id: &str) -> Result<Response, ApiError> {
    let db = env.d1("DB")?;
    let rows = store::dash::projects(&db, principal.org.as_str()).await?;
    let data: Vec<Value> = rows
        .iter()
        .map(|r| json!({ "project_id": r.project_id, "scans": r.scans as u64, "last_scan_at": rfc3339(r.last_scan_at as i64) }))
        .collect();
    Ok(http::ok(200, Value::Array(data), request_id)?)
}

/// The command center's `trend.daily`: one row per day of the period, from
/// the (epoch day, count) rows the command center's batch read.
pub fn daily(period: &Period, created: &[(i64, u64)], resolved: &[(i64, u64)]) -> Value {
    let rows = daily_series(period, created, resolved);
    Value::Array(
        rows.into_iter()
            .map(|r| json!({ "date": r.date, "new_findings": r.new_findings, "resolved_findings": r.resolved_findings }))
            .collect(),
    )
}
