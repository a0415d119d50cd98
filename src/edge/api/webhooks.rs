//! Webhooks API handlers: create (the secret shown once), list, get, delete,
//! a test event, and the delivery log.
use crate::api::pagination::{self, Cursor};
use crate::domain::error::ApiError;
use crate::domain::ids;
use crate::domain::time::rfc3339;
use crate::domain::webhook::{self, Event};
use crate::edge::api::request::{json_object, q, Ctx};
use crate::edge::http;
use crate::edge::store::webhooks::{self as store, Row, MAX_PER_PROJECT};
use serde_json::{json, Value};
use worker::{Date, Request, Response};

pub async fn create(req: &mut Request, ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let input = webhook::parse_input(&json_object(req).await?)?;
    let row = Row {
        id: ids::uuid_v4().map_err(ApiError::Internal)?,
        org_id: ctx.principal.org.as_str().to_string(),
        project_id: ctx.project.as_str().to_string(),
        url: input.url.as_str().to_string(),
        events: input.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(","),
        secret: webhook::new_secret().map_err(ApiError::Internal)?,
        created_at: Date::now().as_millis() as f64,
    };
    let db = ctx.env.d1("DB")?;
    if !store::insert(&db, &row).await? {
        return Err(ApiError::invalid("project_id", format!("This project already has {MAX_PER_PROJECT} webhooks, the most a project may have.")));
    }
    let mut data = row.to_json();
    // Shown only here; deliveries are signed with it.
    data["secret"] = json!(row.secret);
    Ok(http::created(data, &format!("/api/v1/orgs/{}/projects/{}/audit/webhooks/{}", row.org_id, row.project_id, row.id), ctx.request_id)?)
}

pub async fn list(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let db = ctx.env.d1("DB")?;
    let rows = store::list(&db, ctx.principal.org.as_str(), ctx.project.as_str()).await?;
    Ok(http::ok(200, Value::Array(rows.iter().map(Row::to_json).collect()), ctx.request_id)?)
}

async fn find(ctx: &Ctx<'_>, id: &str) -> Result<Row, ApiError> {
    let id = ids::parse_uuid(id).ok_or(ApiError::NotFound)?;
    let db = ctx.env.d1("DB")?;
    store::get(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id).await?.ok_or(ApiError::NotFound)
}

pub async fn get(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    Ok(http::ok(200, find(ctx, id).await?.to_json(), ctx.request_id)?)
}

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let id = ids::parse_uuid(id).ok_or(ApiError::NotFound)?;
    let db = ctx.env.d1("DB")?;
    if !store::delete(&db, ctx.principal.org.as_str(), ctx.project.as_str(), &id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(http::ok(200, json!({ "id": id, "deleted": true }), ctx.request_id)?)
}

/// Queues a `webhook.test` delivery to this webhook (whatever it subscribes
/// to); 202 with the delivery id, delivered like any other event.
pub async fn test(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let hook = find(ctx, id).await?;
    let data = json!({ "webhook_id": hook.id, "message": "A test event from the audit API.", "sent_at": rfc3339(Date::now().as_millis() as i64) });
    let ids_ = crate::edge::webhooks::emit_to(ctx.env, std::slice::from_ref(&hook), Event::Test, data).await?;
    Ok(http::ok(202, json!({ "delivery_id": ids_.first(), "event": Event::Test.as_str(), "status": "pending" }), ctx.request_id)?)
}

/// `GET …/webhooks/{id}/deliveries`: newest first, cursor pagination.
pub async fn deliveries(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let hook = find(ctx, id).await?;
    let limit = pagination::parse_limit(q(ctx, "limit"))?;
    let cursor = pagination::parse_cursor(q(ctx, "cursor"))?;
    let db = ctx.env.d1("DB")?;
    let (rows, more) = store::deliveries_page(&db, &hook.id, cursor.as_ref().map(|c| (c.ms, c.id.as_str())), limit).await?;
    let next = if more { rows.last().map(|d| Cursor { ms: d.created_at as i64, id: d.id.clone() }.encode()) } else { None };
    Ok(http::page(rows.iter().map(store::Delivery::to_json).collect(), next, limit, ctx.request_id, &[])?)
}
