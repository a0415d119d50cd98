//! Messages on the scan queue: creating a scan and enqueueing its job, and
//! the schedule fan-out's page messages. Bodies are JSON text (see
//! `crate::scanner::fanout::parse_job`).
use crate::edge::store;
use crate::domain::error::ApiError;
use crate::scanner::fanout::{ScanJob, SchedulePage, WebhookDelivery, SEND_BATCH_MAX};
use crate::domain::scan::Scan;
use crate::domain::site::SiteOptions;
use serde::Serialize;
use worker::Env;

fn body<T: Serialize>(msg: &T) -> worker::Result<String> {
    serde_json::to_string(msg).map_err(|e| worker::Error::RustError(e.to_string()))
}

pub async fn enqueue(env: &Env, scan_id: &str, delay_secs: u32) -> worker::Result<()> {
    let body = body(&ScanJob { scan_id: scan_id.to_string() })?;
    let queue = env.queue("SCAN_QUEUE")?;
    if delay_secs == 0 {
        queue.send(body).await
    } else {
        queue.send(worker::MessageBuilder::new(body).delay_seconds(delay_secs).build()).await
    }
}

/// Sends many messages with `sendBatch`, at most 100 per call.
async fn send_all(env: &Env, bodies: Vec<String>) -> worker::Result<()> {
    if bodies.is_empty() {
        return Ok(());
    }
    let queue = env.queue("SCAN_QUEUE")?;
    for chunk in bodies.chunks(SEND_BATCH_MAX) {
        queue.send_batch(chunk.to_vec()).await?;
    }
    Ok(())
}

/// One webhook delivery message per id.
pub async fn enqueue_deliveries(env: &Env, delivery_ids: &[String]) -> worker::Result<()> {
    let bodies = delivery_ids.iter().map(|id| body(&WebhookDelivery::new(id))).collect::<worker::Result<_>>()?;
    send_all(env, bodies).await
}

/// One scan job per id.
pub async fn enqueue_scans(env: &Env, scan_ids: &[String]) -> worker::Result<()> {
    let bodies = scan_ids.iter().map(|id| body(&ScanJob { scan_id: id.clone() })).collect::<worker::Result<_>>()?;
    send_all(env, bodies).await
}

/// One scan job per id, delivered after `delay_secs` (a site's politeness delay).
pub async fn enqueue_scans_after(env: &Env, scan_ids: &[String], delay_secs: u32) -> worker::Result<()> {
    if delay_secs == 0 {
        return enqueue_scans(env, scan_ids).await;
    }
    for id in scan_ids {
        enqueue(env, id, delay_secs).await?;
    }
    Ok(())
}

/// One schedule page message per org, in the given order.
pub async fn enqueue_schedule_pages<'a>(env: &Env, orgs: impl IntoIterator<Item = &'a str>) -> worker::Result<usize> {
    let bodies: Vec<String> = orgs.into_iter().map(|org| body(&SchedulePage::new(org))).collect::<worker::Result<_>>()?;
    let n = bodies.len();
    send_all(env, bodies).await?;
    Ok(n)
}

/// Inserts the scan and puts its job on the queue before returning, so a 202
/// always means the job is queued. If the send fails the row is removed.
pub async fn create_and_enqueue(env: &Env, scan: &Scan, site: Option<&SiteOptions>) -> Result<(), ApiError> {
    let db = env.d1("DB")?;
    store::scans::insert(&db, scan, site).await?;
    if let Err(e) = enqueue(env, &scan.id, 0).await {
        let _ = store::scans::delete(&db, &scan.id).await;
        return Err(ApiError::Internal(format!("queue send failed: {e}")));
    }
    Ok(())
}
