//! Emitting webhook events: one delivery row per subscribed webhook, written
//! to D1, then one queue message each (the scanner Worker's consumer sends
//! them, see `edge::scanner::deliver`). Used by the scan pipeline, the test
//! endpoint, and (for `gate.failed`) by whatever decides a gate.
use crate::domain::ids;
use crate::domain::time::rfc3339;
use crate::domain::webhook::{self, Event};
use crate::edge::store;
use crate::edge::store::webhooks::NewDelivery;
use serde_json::Value;
use worker::{Date, Env};

/// Emits `event` with `data` to every webhook of the project subscribed to
/// it, and returns the delivery ids. A failure to enqueue leaves the rows
/// `pending` (logged by the caller); nothing is sent twice by this call.
pub async fn emit(env: &Env, org: &str, project: &str, event: Event, data: Value) -> worker::Result<Vec<String>> {
    let db = env.d1("DB")?;
    let hooks: Vec<_> = store::webhooks::list(&db, org, project).await?.into_iter().filter(|h| webhook::subscribed(&h.events, event)).collect();
    emit_to(env, &hooks, event, data).await
}

/// Emits to the given webhooks (the test endpoint names one).
pub async fn emit_to(env: &Env, hooks: &[store::webhooks::Row], event: Event, data: Value) -> worker::Result<Vec<String>> {
    if hooks.is_empty() {
        return Ok(Vec::new());
    }
    let db = env.d1("DB")?;
    let now = Date::now().as_millis() as i64;
    let created_at = rfc3339(now);
    let mut ids_ = Vec::with_capacity(hooks.len());
    let mut bodies = Vec::with_capacity(hooks.len());
    for h in hooks {
        let id = ids::uuid_v4().map_err(worker::Error::RustError)?;
        bodies.push(webhook::payload(&id, event, &h.org_id, &h.project_id, &created_at, data.clone()));
        ids_.push(id);
    }
    let rows: Vec<NewDelivery> = hooks
        .iter()
        .zip(ids_.iter().zip(bodies.iter()))
        .map(|(h, (id, body))| NewDelivery {
            id,
            webhook_id: &h.id,
            org: &h.org_id,
            project: &h.project_id,
            event: event.as_str(),
            payload: body,
            now,
        })
        .collect();
    store::webhooks::insert_deliveries(&db, &rows).await?;
    crate::edge::jobs::enqueue_deliveries(env, &ids_).await?;
    Ok(ids_)
}
