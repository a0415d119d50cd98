//! Schedules API handlers.
use crate::edge::api::request::{json_object, Ctx};
use crate::edge::http;
use crate::edge::store::schedules::{self as store, NewSchedule};
use crate::domain::error::ApiError;
use crate::scanner::fanout::MAX_SCHEDULES_PER_PROJECT;
use crate::domain::ids;
use crate::domain::schedule::parse_input;
use serde_json::Value;
use worker::{Date, Request, Response};

fn now() -> i64 {
    Date::now().as_millis() as i64
}

pub async fn create(req: &mut Request, ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let input = parse_input(&json_object(req).await?, true)?;
    if let Some(site) = &input.site {
        crate::scanner::crawl::PathPatterns::parse(&site.include, &site.exclude).map_err(|m| ApiError::invalid("include", m))?;
    }
    let (Some(target), Some(cadence)) = (input.target, input.cadence) else {
        return Err(ApiError::invalid("body", "url and cadence are required"));
    };
    let id = ids::uuid_v4().map_err(ApiError::Internal)?;
    let now = now();
    let db = ctx.env.d1("DB")?;
    let inserted = store::insert(
        &db,
        &NewSchedule {
            id: &id,
            org: ctx.principal.org.as_str(),
            project: ctx.project.as_str(),
            name: input.name.as_deref(),
            url: target.as_str(),
            cadence,
            enabled: input.enabled.unwrap_or(true),
            next_run_at: cadence.next_after(now),
            now,
            scope: input.scope,
            crawl: input.site.as_ref().map(|o| o.to_json()),
        },
        MAX_SCHEDULES_PER_PROJECT,
    )
    .await?;
    if !inserted {
        return Err(ApiError::invalid(
            "project_id",
            format!("This project already has {MAX_SCHEDULES_PER_PROJECT} schedules, the most a project may have; delete or change one instead."),
        ));
    }
    let row = store::get(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id).await?.ok_or(ApiError::NotFound)?;
    Ok(http::created(row.to_json(), &format!("/api/v1/orgs/{}/projects/{}/audit/schedules/{id}", ctx.principal.org.as_str(), ctx.project.as_str()), ctx.request_id)?)
}

pub async fn list(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let db = ctx.env.d1("DB")?;
    let rows = store::list(&db, ctx.principal.org.as_str(), ctx.project.as_str()).await?;
    Ok(http::ok(200, Value::Array(rows.iter().map(store::Row::to_json).collect()), ctx.request_id)?)
}

async fn find(ctx: &Ctx<'_>, id: &str) -> Result<store::Row, ApiError> {
    let id = ids::parse_uuid(id).ok_or(ApiError::NotFound)?;
    let db = ctx.env.d1("DB")?;
    store::get(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id).await?.ok_or(ApiError::NotFound)
}

pub async fn get(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    Ok(http::ok(200, find(ctx, id).await?.to_json(), ctx.request_id)?)
}

pub async fn update(req: &mut Request, ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let input = parse_input(&json_object(req).await?, false)?;
    let mut row = find(ctx, id).await?;
    let now = now();
    let old_cadence = row.cadence().ok_or_else(|| ApiError::Internal("stored cadence is invalid".into()))?;
    let cadence = input.cadence.unwrap_or(old_cadence);
    if let Some(t) = input.target {
        row.url = t.as_str().to_string();
    }
    if let Some(n) = input.name {
        row.name = Some(n);
    }
    let was_enabled = row.enabled != 0.0;
    if let Some(e) = input.enabled {
        row.enabled = if e { 1.0 } else { 0.0 };
    }
    // A new cadence, or re-enabling, starts from the next future slot (no
    // catch-up for time spent disabled).
    if input.cadence.is_some() || (!was_enabled && row.enabled != 0.0) {
        row.next_run_at = cadence.next_after(now) as f64;
    }
    let db = ctx.env.d1("DB")?;
    store::update(&db, &row, cadence, now).await?;
    let row = find(ctx, id).await?;
    Ok(http::ok(200, row.to_json(), ctx.request_id)?)
}

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let id = ids::parse_uuid(id).ok_or(ApiError::NotFound)?;
    let db = ctx.env.d1("DB")?;
    if !store::delete(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(http::ok(200, serde_json::json!({ "id": id, "deleted": true }), ctx.request_id)?)
}
