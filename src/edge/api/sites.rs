//! Site scan handlers: a scan's pages, and cancelling a scan.
use crate::api::pagination::{self, SeqCursor};
use crate::domain::error::ApiError;
use crate::domain::scan::ScanStatus;
use crate::domain::site::{PageState, Scope};
use crate::edge::api::request::{q, qs, Ctx};
use crate::edge::api::scans::find_scan;
use crate::edge::{http, store};
use serde_json::{json, Value};
use worker::{Date, Response};

/// `GET …/scans/{id}/pages`: each page the site scan found, in discovery
/// order, with its outcome. A page scan's id, summary and error come from
/// its own scan (`GET …/scans/{page scan id}` reads it whole).
pub async fn pages(ctx: &Ctx<'_>, scan_id: &str) -> Result<Response, ApiError> {
    let scan = find_scan(ctx, scan_id).await?;
    let states = qs(ctx, "status", PageState::parse, "pending, queued, scanned, failed, skipped, excluded, cancelled")?;
    let limit = pagination::parse_limit(q(ctx, "limit"))?;
    // Keyset on the discovery order (`ms` stays 0: pages have one key).
    let cursor = pagination::parse_seq_cursor(q(ctx, "cursor"))?;
    let db = ctx.env.d1("DB")?;
    let rows = if scan.scope == Scope::Site {
        store::sites::list_pages(&db, &scan.id, &states, cursor.map(|c| c.seq), limit).await?
    } else {
        Vec::new() // a page scan has no pages of its own: an empty list, not a 404
    };
    let more = rows.len() > limit as usize;
    let next = if more { rows.get(limit as usize - 1).map(|r| SeqCursor { ms: 0, seq: r.seq as i64 }.encode()) } else { None };
    let data = rows
        .iter()
        .take(limit as usize)
        .map(|r| {
            let summary: Option<Value> = r.summary.as_deref().and_then(|s| serde_json::from_str(s).ok());
            json!({
                "url": r.url,
                "status": r.state,
                "reason": r.reason,
                "depth": r.depth as u32,
                "source": r.source,
                "scan_id": r.scan_id,
                "http_status": summary.as_ref().and_then(|s| s.get("http_status")).cloned(),
                "summary": summary.filter(|s| s.get("total").is_some()),
                "error": r.error_code.as_ref().map(|c| json!({ "code": c, "message": r.error_message })),
            })
        })
        .collect();
    Ok(http::page(data, next, limit, ctx.request_id, &[("scan_status", json!(scan.status.as_str()))])?)
}

/// `POST …/scans/{id}/cancel`: a queued or running scan ends `failed` with
/// error code `cancelled`; a site scan's pages not yet started are
/// cancelled (pages already running finish and keep their findings).
/// 409 when the scan already ended.
pub async fn cancel(ctx: &Ctx<'_>, scan_id: &str) -> Result<Response, ApiError> {
    let scan = find_scan(ctx, scan_id).await?;
    if scan.status.is_final() {
        return Err(ApiError::Conflict(format!("The scan already ended ({}).", scan.status.as_str())));
    }
    let db = ctx.env.d1("DB")?;
    let now = Date::now().as_millis() as i64;
    let message = "Cancelled by the API.";
    let stopped = match scan.scope {
        Scope::Site => store::sites::stop(&db, &scan.id, "cancelled", message, now).await?,
        Scope::Page => store::scans::cancel(&db, &scan.id, now, message).await?,
    };
    if !stopped {
        return Err(ApiError::Conflict("The scan ended meanwhile.".into()));
    }
    let scan = find_scan(ctx, scan_id).await?;
    debug_assert_eq!(scan.status, ScanStatus::Failed);
    let data = json!({
        "scan_id": scan.id, "trigger": scan.trigger.as_str(), "status": "failed",
        "error": { "code": "cancelled", "message": message }, "finished_at": scan.finished_at.map(crate::domain::time::rfc3339),
    });
    if let Err(e) = crate::edge::webhooks::emit(ctx.env, &scan.org_id, &scan.project_id, crate::domain::webhook::Event::ScanFailed, data).await {
        worker::console_error!("{}", json!({ "type": "webhook", "scan_id": scan.id, "event": "emit_failed", "error": e.to_string() }));
    }
    Ok(http::ok(200, scan.to_json(), ctx.request_id)?)
}
