//! README badges: create, list, revoke (authenticated), and the public SVG.
use crate::domain::badge::{self, Metric};
use crate::domain::dashboard::resolve_period;
use crate::domain::error::ApiError;
use crate::domain::ids;
use crate::domain::scoring::health_score;
use crate::edge::api::request::{json_object, Ctx};
use crate::edge::http;
use crate::edge::store::badges::{self as store, NewBadge};
use crate::edge::store::findings as findings_store;
use crate::domain::model::Severity;
use serde_json::{json, Value};
use worker::{Date, Env, Headers, Request, Response};

fn now() -> i64 {
    Date::now().as_millis() as i64
}

fn svg_url(token: &str) -> String {
    format!("/badge/{token}.svg")
}

pub async fn create(req: &mut Request, ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let body = json_object(req).await?;
    let name = match body.get("name") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= 200 => Some(s.clone()),
        Some(_) => return Err(ApiError::invalid("name", "must be a string of at most 200 characters")),
    };
    let token = badge::new_token().map_err(ApiError::Internal)?;
    let id = ids::uuid_v4().map_err(ApiError::Internal)?;
    let db = ctx.env.d1("DB")?;
    let hash = badge::token_hash(&token);
    store::insert(
        &db,
        &NewBadge {
            id: &id,
            org: ctx.principal.org.as_str(),
            project: ctx.project.as_str(),
            token_hash: &hash,
            prefix: &token[..badge::TOKEN_PREFIX.len() + 4],
            name: name.as_deref(),
            now: now(),
        },
    )
    .await?;
    let row = store::get(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id).await?.ok_or(ApiError::NotFound)?;
    let mut data = row.to_json();
    // The token is shown only here: only its hash is kept.
    data["token"] = json!(token);
    data["url"] = json!(svg_url(&token));
    Ok(http::created(data, &format!("/api/v1/orgs/{}/projects/{}/audit/badges/{id}", ctx.principal.org.as_str(), ctx.project.as_str()), ctx.request_id)?)
}

pub async fn list(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let db = ctx.env.d1("DB")?;
    let rows = store::list(&db, ctx.principal.org.as_str(), ctx.project.as_str()).await?;
    Ok(http::ok(200, Value::Array(rows.iter().map(store::Row::to_json).collect()), ctx.request_id)?)
}

pub async fn get(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let id = ids::parse_uuid(id).ok_or(ApiError::NotFound)?;
    let db = ctx.env.d1("DB")?;
    let row = store::get(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id).await?.ok_or(ApiError::NotFound)?;
    Ok(http::ok(200, row.to_json(), ctx.request_id)?)
}

pub async fn revoke(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let id = ids::parse_uuid(id).ok_or(ApiError::NotFound)?;
    let db = ctx.env.d1("DB")?;
    if !store::revoke(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id, now()).await? {
        return Err(ApiError::NotFound);
    }
    Ok(http::ok(200, json!({ "id": id, "revoked": true }), ctx.request_id)?)
}

/// `GET /badge/{token}.svg?metric=health|security`, no authentication. An
/// unknown, malformed or revoked token is the API's 404 envelope (not an
/// SVG), so a revoked badge shows as broken rather than as a stale value.
pub async fn svg(req: &Request, env: &Env, file: &str) -> Result<Response, ApiError> {
    let token = file.strip_suffix(".svg").filter(|t| badge::is_token(t)).ok_or(ApiError::NotFound)?;
    let metric_raw = req.url().ok().and_then(|u| u.query_pairs().find(|(k, _)| k == "metric").map(|(_, v)| v.into_owned()));
    let metric = Metric::parse(metric_raw.as_deref()).ok_or_else(|| ApiError::invalid("metric", "must be health or security"))?;
    let db = env.d1("DB")?;
    let row = store::by_token_hash(&db, &badge::token_hash(token)).await?.ok_or(ApiError::NotFound)?;
    let (value, colour) = match metric {
        Metric::Health => {
            // The command center's own number over its default period (the last 7 days).
            let now = now();
            let period = resolve_period(None, None, now)?;
            let prev = period.previous();
            let d = findings_store::command_center(
                &db,
                &row.org_id,
                &row.project_id,
                (period.start_ms(), period.end_ms()),
                (prev.start_ms(), prev.end_ms()),
            )
            .await?;
            let unresolved: u64 = d.open_groups.iter().map(|g| g.3).sum();
            let critical: u64 = d.open_groups.iter().filter(|g| g.1 == Severity::Critical).map(|g| g.3).sum();
            let score = health_score(unresolved, critical);
            (score.to_string(), badge::health_colour(score))
        }
        Metric::Security => {
            let summary = store::latest_summary(&db, &row.org_id, &row.project_id).await?;
            let grade = summary.as_ref().and_then(|s| s.get("security_grade")).and_then(Value::as_str).map(str::to_string);
            match grade {
                Some(g) => {
                    let c = badge::grade_colour(&g);
                    (g, c)
                }
                None => ("no scan".to_string(), badge::grade_colour("")),
            }
        }
    };
    let body = badge::svg(metric.label(), &value, colour);
    let headers = Headers::new();
    headers.set("content-type", "image/svg+xml; charset=utf-8")?;
    // Cacheable for a minute, by browsers and by GitHub's image proxy.
    headers.set("cache-control", "public, max-age=60")?;
    headers.set("x-content-type-options", "nosniff")?;
    Ok(Response::from_bytes(body.into_bytes())?.with_status(200).with_headers(headers))
}
