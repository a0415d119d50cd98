//! Findings triage and the command center: handlers only (parse, call the
//! store and the pure modules, shape the response).
use crate::edge::api::request::{json_object, q, qs, Ctx};
use crate::edge::api::scans::find_scan;
use crate::edge::http;
use crate::edge::store::findings::{self as store, Change};
use crate::domain::dashboard::{self, resolve_period};
use crate::domain::error::ApiError;
use crate::scanner::findings::FindingStatus;
use crate::domain::ids;
use crate::domain::model::{Domain, Severity};
use crate::api::pagination::{self, Cursor, SeqCursor};
use crate::api::sarif;
use crate::domain::scoring::health_score;
use crate::domain::time::rfc3339;
use crate::domain::triage::{parse_patch, transition_allowed};
use serde_json::{json, Map, Value};
use worker::{Date, Request, Response};

pub async fn list_findings(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let statuses = qs(ctx, "status", FindingStatus::parse, "new, acknowledged, in_progress, resolved, ignored")?;
    let severities = qs(ctx, "severity", Severity::parse, "critical, high, medium, low, info")?;
    let domains = qs(ctx, "domain", Domain::parse, "security, performance, accessibility")?;
    let rule_ids = crate::api::filters::values(&ctx.query, "rule_id")?;
    let by_recency = match q(ctx, "sort") {
        None | Some("priority") => false,
        Some("recency") => true,
        Some(_) => return Err(ApiError::invalid("sort", "must be priority or recency")),
    };
    let scan_id = match q(ctx, "scan_id") {
        None => None,
        Some(s) => Some(ids::parse_uuid(s).ok_or_else(|| ApiError::invalid("scan_id", "must be a UUID"))?),
    };
    let limit = pagination::parse_limit(q(ctx, "limit"))?;
    let cursor = pagination::parse_cursor(q(ctx, "cursor"))?;
    let db = ctx.env.d1("DB")?;
    let filter = store::ListFilter {
        org: ctx.principal.org.as_str(),
        project: ctx.project.as_str(),
        statuses,
        severities,
        domains,
        rule_ids,
        scan_id: scan_id.as_deref(),
        owner_id: q(ctx, "owner_id"),
        by_recency,
        after: cursor.map(|c| (c.ms, c.id)),
        limit,
    };
    match q(ctx, "group_by") {
        None => {}
        // Every rule at once (bounded by the rule count): no cursor.
        Some("rule") if cursor_given(ctx) => return Err(ApiError::invalid("cursor", "is not accepted with group_by")),
        Some("rule") => {
            let groups = store::groups(&db, &filter).await?;
            return Ok(http::page(groups, None, limit, ctx.request_id, &[("group_by", json!("rule"))])?);
        }
        Some(_) => return Err(ApiError::invalid("group_by", "must be rule")),
    }
    let (items, more) = store::list(&db, &filter).await?;
    let next = if more {
        items.last().map(|f| Cursor { ms: if by_recency { f.last_seen_at } else { f.obs.score as i64 }, id: f.id.clone() }.encode())
    } else {
        None
    };
    Ok(http::page(items.iter().map(|f| f.to_json()).collect(), next, limit, ctx.request_id, &[])?)
}

fn cursor_given(ctx: &Ctx<'_>) -> bool {
    q(ctx, "cursor").is_some()
}

async fn find(ctx: &Ctx<'_>, finding_id: &str) -> Result<crate::scanner::findings::Finding, ApiError> {
    let id = ids::parse_uuid(finding_id).ok_or(ApiError::NotFound)?;
    let db = ctx.env.d1("DB")?;
    store::get(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id).await?.ok_or(ApiError::NotFound)
}

/// Changes shown inline on a finding; the rest are paged at `…/history`.
pub const INLINE_HISTORY: u32 = 50;

fn event_json(e: &store::Event) -> Value {
    json!({
        "actor": e.actor,
        "field": e.field,
        "from": e.from_value,
        "to": e.to_value,
        "note": e.note,
        "at": rfc3339(e.at as i64),
    })
}

async fn with_history(ctx: &Ctx<'_>, f: &crate::scanner::findings::Finding) -> Result<Value, ApiError> {
    let db = ctx.env.d1("DB")?;
    let (events, older) = store::latest_events(&db, &f.id, INLINE_HISTORY).await?;
    let mut v = f.to_json();
    v["history"] = Value::Array(events.iter().map(event_json).collect());
    v["history_truncated"] = Value::Bool(older);
    Ok(v)
}

/// `GET …/findings/:id/history`: every change, oldest first, cursor-paginated.
pub async fn finding_history(ctx: &Ctx<'_>, finding_id: &str) -> Result<Response, ApiError> {
    let limit = pagination::parse_limit(q(ctx, "limit"))?;
    let cursor = pagination::parse_seq_cursor(q(ctx, "cursor"))?;
    let f = find(ctx, finding_id).await?;
    let db = ctx.env.d1("DB")?;
    let (events, more) = store::events_page(&db, &f.id, cursor.map(|c| (c.ms, c.seq)), limit).await?;
    let next = if more { events.last().map(|e| SeqCursor { ms: e.at as i64, seq: e.seq as i64 }.encode()) } else { None };
    Ok(http::page(events.iter().map(event_json).collect(), next, limit, ctx.request_id, &[])?)
}

pub async fn get_finding(ctx: &Ctx<'_>, finding_id: &str) -> Result<Response, ApiError> {
    let f = find(ctx, finding_id).await?;
    Ok(http::ok(200, with_history(ctx, &f).await?, ctx.request_id)?)
}

pub async fn patch_finding(req: &mut Request, ctx: &Ctx<'_>, finding_id: &str) -> Result<Response, ApiError> {
    let patch = parse_patch(&json_object(req).await?)?;
    let db = ctx.env.d1("DB")?;
    // Read-check-write with the read status as a guard; one retry if a scan
    // changed the finding in between.
    for _ in 0..2 {
        let f = find(ctx, finding_id).await?;
        let to_status = patch.status.unwrap_or(f.status);
        if !transition_allowed(f.status, to_status) {
            return Err(ApiError::invalid("status", format!("cannot move a finding from {} to {}", f.status.as_str(), to_status.as_str())));
        }
        let to_owner: Option<String> = match &patch.owner_id {
            None => f.owner_id.clone(),
            Some(o) => o.clone(),
        };
        let mut changes = Vec::new();
        if to_status != f.status {
            changes.push(Change { field: "status", from: Some(f.status.as_str()), to: Some(to_status.as_str()) });
        }
        if to_owner != f.owner_id {
            changes.push(Change { field: "owner_id", from: f.owner_id.as_deref(), to: to_owner.as_deref() });
        }
        if changes.is_empty() {
            return Ok(http::ok(200, with_history(ctx, &f).await?, ctx.request_id)?);
        }
        let event_ids = changes.iter().map(|_| ids::uuid_v4().map_err(ApiError::Internal)).collect::<Result<Vec<_>, _>>()?;
        // updated_at must move even within one millisecond of a previous change.
        let now = (Date::now().as_millis() as i64).max(f.updated_at + 1);
        let write = store::PatchWrite {
            new_status: to_status,
            new_owner: to_owner.as_deref(),
            changes: &changes,
            actor: &ctx.principal.key_id,
            note: patch.note.as_deref(),
            event_ids: &event_ids,
            now,
        };
        let applied = store::apply_patch(&db, &f, &write).await?;
        if applied {
            let f = find(ctx, finding_id).await?;
            return Ok(http::ok(200, with_history(ctx, &f).await?, ctx.request_id)?);
        }
    }
    Err(ApiError::Conflict("The finding changed while it was being updated; retry.".into()))
}

pub async fn command_center(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let now = Date::now().as_millis() as i64;
    let period = resolve_period(q(ctx, "date_from"), q(ctx, "date_to"), now)?;
    let prev = period.previous();
    let db = ctx.env.d1("DB")?;
    let d = store::command_center(
        &db,
        ctx.principal.org.as_str(),
        ctx.project.as_str(),
        (period.start_ms(), period.end_ms()),
        (prev.start_ms(), prev.end_ms()),
    )
    .await?;
    let unresolved: u64 = d.open_groups.iter().map(|g| g.3).sum();
    let critical: u64 = d.open_groups.iter().filter(|g| g.1 == Severity::Critical).map(|g| g.3).sum();
    let mut by_domain = Map::new();
    for dom in Domain::ALL {
        let mut per = Map::new();
        for sev in Severity::ALL {
            let n: u64 = d.open_groups.iter().filter(|g| g.0 == dom && g.1 == sev).map(|g| g.3).sum();
            per.insert(sev.as_str().into(), json!(n));
        }
        by_domain.insert(dom.as_str().into(), Value::Object(per));
    }
    let daily = crate::edge::api::dash::daily(&period, &d.created_daily, &d.resolved_daily);
    let weighted = |dom: Domain| -> Vec<(Severity, f64, u64)> {
        d.open_groups.iter().filter(|g| g.0 == dom).map(|g| (g.1, g.2, g.3)).collect()
    };
    let data = json!({
        "org_id": ctx.principal.org.as_str(),
        "project_id": ctx.project.as_str(),
        "period": { "from": period.from_str(), "to": period.to_str() },
        "health_score": health_score(unresolved, critical),
        "unresolved_findings": unresolved,
        "critical_findings": critical,
        "top_priorities": d.top.iter().map(|f| f.to_json()).collect::<Vec<_>>(),
        "expected_impact": {
            "cwv_improvement_pct": dashboard::combined_pct(&weighted(Domain::Performance)),
            "security_risk_reduction_pct": dashboard::combined_pct(&weighted(Domain::Security)),
            "regression_risk_pct": dashboard::regression_pct(d.regressed, d.ever_resolved),
        },
        "unresolved_by_domain": by_domain,
        "latest_scan": d.latest_scan.as_ref().map(|(id, status, at)| json!({ "id": id, "status": status, "inserted_at": rfc3339(*at as i64) })),
        "trend": {
            "previous_period": { "from": prev.from_str(), "to": prev.to_str() },
            "new_findings": { "current": d.created_current, "previous": d.created_previous },
            "resolved_findings": { "current": d.resolved_current, "previous": d.resolved_previous },
            "daily": daily,
        },
    });
    Ok(http::ok(200, data, ctx.request_id)?)
}

pub async fn scan_sarif(ctx: &Ctx<'_>, scan_id: &str) -> Result<Response, ApiError> {
    let scan = find_scan(ctx, scan_id).await?;
    let db = ctx.env.d1("DB")?;
    let mut all = Vec::new();
    let mut after = None;
    // A scan sees at most one finding per rule; a few pages cover it.
    loop {
        let (items, more) = store::for_scan(&db, &scan.id, after.clone(), 100).await?;
        after = items.last().map(|f| (f.obs.score as i64, f.id.clone()));
        all.extend(items);
        if !more {
            break;
        }
    }
    // baselineState against the scan's baseline (or `?base=`), as compare does.
    let body = if scan.status == crate::domain::scan::ScanStatus::Completed {
        let base = crate::edge::api::gates::scan_and_base(ctx, &scan).await?;
        let seen = crate::edge::store::gates::sightings(&db, &scan.id).await?;
        let baseline = sarif::Baseline {
            base_scan_id: base.as_ref().map(|(b, _)| b.id.as_str()).unwrap_or_default(),
            scan: &seen,
            base: base.as_ref().map(|(_, s)| s.as_slice()),
            base_asset: base.as_ref().map(|(b, _)| b.url.as_str()).unwrap_or_default(),
        };
        sarif::to_sarif_with_baseline(&all, env!("CARGO_PKG_VERSION"), Some(&baseline))
    } else {
        sarif::to_sarif(&all, env!("CARGO_PKG_VERSION"))
    };
    let mut resp = http::ok_body(200, &body, ctx.request_id)?;
    resp.headers_mut().set("content-type", "application/sarif+json")?;
    Ok(resp)
}
