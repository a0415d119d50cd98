//! Scan API handlers: run a scan, list and read scans, a scan's findings.
use crate::edge::http;
use crate::edge::api::request::{json_object, q, qs, Ctx};
use crate::edge::config::Config;
use crate::edge::store;
use crate::domain::error::ApiError;
use crate::domain::ids;
use crate::api::pagination::{self, Cursor};
use crate::domain::scan::{self, Scan, ScanStatus, Trigger};
use serde_json::json;
use worker::{Date, Request, Response};

pub async fn run(req: &mut Request, ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let idem_key = crate::api::idempotency::parse_key(req.headers().get("idempotency-key").ok().flatten().as_deref())?;
    let body = json_object(req).await?;
    let run = scan::parse_run_scan(&body)?;
    if let Some(site) = &run.site {
        crate::scanner::crawl::PathPatterns::parse(&site.include, &site.exclude).map_err(|m| ApiError::invalid("include", m))?;
    }
    let org = ctx.principal.org.as_str();
    let db = ctx.env.d1("DB")?;
    let now = Date::now().as_millis() as i64;
    let project = ctx.project.as_str();
    let scope = idem_key.as_deref().map(|key| store::idempotency::Scope { org, project, key });
    if let Some(scope) = scope {
        use store::idempotency::Reservation;
        match store::idempotency::reserve(&db, scope, &crate::api::idempotency::body_hash(&body), now).await? {
            Reservation::New => {}
            Reservation::Replay { status, body } => {
                let mut resp = http::raw_json(status, body, ctx.request_id)?;
                resp.headers_mut().set("idempotent-replayed", "true")?;
                return Ok(resp);
            }
            Reservation::Mismatch => {
                return Err(ApiError::invalid("idempotency-key", "was already used with a different request body"))
            }
            Reservation::InFlight => {
                return Err(ApiError::Conflict("A request with this Idempotency-Key is still in progress.".into()))
            }
        }
    }
    let created = async {
        let scan = Scan {
            id: ids::uuid_v4().map_err(ApiError::Internal)?,
            org_id: org.to_string(),
            project_id: project.to_string(),
            url: run.target.as_str().to_string(),
            trigger: run.trigger,
            status: ScanStatus::Queued,
            summary: json!({}),
            error: None,
            started_at: now,
            finished_at: None,
            inserted_at: now,
            updated_at: now,
            gate: run.gate.clone(),
            gate_result: None,
            scope: run.scope,
            parent_id: None,
        };
        if let Some(site) = &run.site {
            check_site_budget(ctx, site.max_pages, now).await?;
        }
        crate::edge::jobs::create_and_enqueue(ctx.env, &scan, run.site.as_ref()).await?;
        Ok::<Scan, ApiError>(scan)
    }
    .await;
    match (created, scope) {
        (Ok(scan), Some(scope)) => {
            let body = crate::domain::error::envelope(scan.to_json(), ctx.request_id, None).to_string();
            store::idempotency::complete(&db, scope, 202, &body).await?;
            Ok(http::raw_json(202, body, ctx.request_id)?)
        }
        (Ok(scan), None) => Ok(http::ok(202, scan.to_json(), ctx.request_id)?),
        (Err(e), Some(scope)) => {
            let _ = store::idempotency::release(&db, scope).await;
            Err(e)
        }
        (Err(e), None) => Err(e),
    }
}

/// The per-org hourly page budget of site scans, charged with `max_pages`
/// when a site scan is accepted: past it, a 429 whose Retry-After is when
/// the oldest charge of the hour expires (a lower bound: that may not free
/// enough).
async fn check_site_budget(ctx: &Ctx<'_>, max_pages: u32, now: i64) -> Result<(), ApiError> {
    let budget = Config::from_env(ctx.env).site_pages_per_hour;
    let db = ctx.env.d1("DB")?;
    let (used, oldest) = store::sites::pages_reserved_since(&db, ctx.principal.org.as_str(), now - HOUR_MS).await?;
    if used + max_pages as u64 <= budget as u64 {
        return Ok(());
    }
    let wait = oldest.map_or(HOUR_MS, |o| (o + HOUR_MS - now).max(1000));
    let secs = (wait as u64).div_ceil(1000);
    Err(ApiError::RateLimited(crate::domain::ratelimit::Decision {
        admitted: false,
        limit: budget,
        remaining: budget.saturating_sub(used.min(u32::MAX as u64) as u32),
        reset_secs: secs,
        retry_after_secs: secs,
    }))
}

const HOUR_MS: i64 = 3_600_000;

pub async fn list(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let statuses = qs(ctx, "status", ScanStatus::parse, "queued, running, completed, failed")?;
    let triggers = qs(ctx, "trigger", Trigger::parse, "manual, scheduled, post_deploy")?;
    let limit = pagination::parse_limit(q(ctx, "limit"))?;
    let cursor = pagination::parse_cursor(q(ctx, "cursor"))?;
    let db = ctx.env.d1("DB")?;
    let filter = store::scans::ListFilter {
        org: ctx.principal.org.as_str(),
        project: ctx.project.as_str(),
        statuses,
        triggers,
        cursor,
        limit,
    };
    let (scans, more) = store::scans::list(&db, &filter).await?;
    let next = if more { scans.last().map(|s| Cursor { ms: s.inserted_at, id: s.id.clone() }.encode()) } else { None };
    Ok(http::page(scans.iter().map(Scan::to_json).collect(), next, limit, ctx.request_id, &[])?)
}

pub async fn find_scan(ctx: &Ctx<'_>, scan_id: &str) -> Result<Scan, ApiError> {
    let id = ids::parse_uuid(scan_id).ok_or(ApiError::NotFound)?;
    let db = ctx.env.d1("DB")?;
    store::scans::get(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id)
        .await?
        .map(|s| s.scan)
        .ok_or(ApiError::NotFound)
}

pub async fn get(ctx: &Ctx<'_>, scan_id: &str) -> Result<Response, ApiError> {
    let scan = find_scan(ctx, scan_id).await?;
    Ok(http::ok(200, scan.to_json(), ctx.request_id)?)
}

pub async fn findings(ctx: &Ctx<'_>, scan_id: &str) -> Result<Response, ApiError> {
    let scan = find_scan(ctx, scan_id).await?;
    let limit = pagination::parse_limit(q(ctx, "limit"))?;
    let cursor = pagination::parse_cursor(q(ctx, "cursor"))?;
    let db = ctx.env.d1("DB")?;
    let (items, more) = store::findings::for_scan(&db, &scan.id, cursor.map(|c| (c.ms, c.id)), limit).await?;
    let next = if more { items.last().map(|f| Cursor { ms: f.obs.score as i64, id: f.id.clone() }.encode()) } else { None };
    let data = items.iter().map(|f| f.to_json()).collect();
    Ok(http::page(data, next, limit, ctx.request_id, &[("scan_status", json!(scan.status.as_str()))])?)
}
