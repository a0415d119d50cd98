//! Compare two scans, and a project's default gate (GET/PUT/DELETE …/gate).
use crate::domain::compare::{self, Sighting};
use crate::domain::error::ApiError;
use crate::domain::gate::Gate;
use crate::domain::scan::{Scan, ScanStatus};
use crate::domain::time::rfc3339;
use crate::edge::api::request::{json_object, q, Ctx};
use crate::edge::api::scans::find_scan;
use crate::edge::{http, store};
use serde_json::{json, Value};
use worker::{Date, Request, Response};

/// A scan that can be compared: completed. Queued or running will be, so
/// 409 (retry later); failed never will, so 422 (retrying cannot help).
fn require_completed(scan: &Scan, field: &str) -> Result<(), ApiError> {
    match scan.status {
        ScanStatus::Completed => Ok(()),
        ScanStatus::Failed => Err(ApiError::invalid(field, "names a failed scan; only completed scans can be compared")),
        _ => Err(ApiError::Conflict(format!("The scan named by `{field}` has not completed yet; retry when it has."))),
    }
}

/// The scan and its base: `?base=` if given (same project, completed), else
/// the latest completed scan of the same URL that finished before it.
pub async fn scan_and_base(ctx: &Ctx<'_>, scan: &Scan) -> Result<Option<(Scan, Vec<Sighting>)>, ApiError> {
    let db = ctx.env.d1("DB")?;
    // An empty `?base=` names no scan: malformed, like any bad id (404).
    let base = match q(ctx, "base") {
        Some(b) => {
            let base = find_scan(ctx, b).await?;
            require_completed(&base, "base")?;
            Some(base)
        }
        None => {
            let at = (scan.finished_at.unwrap_or(i64::MAX), scan.id.as_str());
            match store::gates::baseline(&db, &scan.org_id, &scan.project_id, &scan.url, scan.scope, at).await? {
                Some((id, _)) => find_scan(ctx, &id).await.ok(),
                None => None,
            }
        }
    };
    Ok(match base {
        Some(b) => {
            let seen = store::gates::sightings(&db, &b.id).await?;
            Some((b, seen))
        }
        None => None,
    })
}

pub async fn compare(ctx: &Ctx<'_>, scan_id: &str) -> Result<Response, ApiError> {
    let scan = find_scan(ctx, scan_id).await?;
    require_completed(&scan, "scan_id")?;
    let base = scan_and_base(ctx, &scan).await?;
    let db = ctx.env.d1("DB")?;
    let seen = store::gates::sightings(&db, &scan.id).await?;
    let data = compare::to_json(
        &scan.id,
        base.as_ref().map(|(b, _)| b.id.as_str()),
        &seen,
        base.as_ref().map(|(_, s)| s.as_slice()),
        (&scan.summary, base.as_ref().map(|(b, _)| &b.summary)),
    );
    Ok(http::ok(200, data, ctx.request_id)?)
}

fn gate_body(ctx: &Ctx<'_>, gate: Option<(Gate, i64)>) -> Value {
    json!({
        "project_id": ctx.project.as_str(),
        "gate": gate.as_ref().map(|(g, _)| g.to_json()),
        "updated_at": gate.as_ref().map(|(_, at)| rfc3339(*at)),
    })
}

pub async fn get_gate(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let db = ctx.env.d1("DB")?;
    let gate = store::gates::project_gate(&db, ctx.principal.org.as_str(), ctx.project.as_str()).await?;
    Ok(http::ok(200, gate_body(ctx, gate), ctx.request_id)?)
}

pub async fn put_gate(req: &mut Request, ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let body = json_object(req).await?;
    let gate = Gate::parse(&Value::Object(body), "")
        .map_err(|details| ApiError::InvalidParams { message: "Invalid gate.".into(), details })?;
    let now = Date::now().as_millis() as i64;
    let db = ctx.env.d1("DB")?;
    store::gates::put_project_gate(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &gate, now).await?;
    Ok(http::ok(200, gate_body(ctx, Some((gate, now))), ctx.request_id)?)
}

pub async fn delete_gate(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let db = ctx.env.d1("DB")?;
    let deleted = store::gates::delete_project_gate(&db, ctx.principal.org.as_str(), ctx.project.as_str()).await?;
    let mut body = gate_body(ctx, None);
    body["deleted"] = json!(deleted);
    Ok(http::ok(200, body, ctx.request_id)?)
}
