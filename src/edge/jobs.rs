//! Scan jobs on the queue: creating a scan and enqueueing its job.
use super::store;
use crate::error::ApiError;
use crate::scan::Scan;
use serde::{Deserialize, Serialize};
use worker::Env;

/// The queue message. Only the id travels; the consumer reads the rest
/// (including the URL) from D1, so a message can never disagree with the row.
#[derive(Debug, Serialize, Deserialize)]
pub struct ScanJob {
    pub scan_id: String,
}

pub async fn enqueue(env: &Env, scan_id: &str, delay_secs: u32) -> worker::Result<()> {
    let body = serde_json::to_string(&ScanJob { scan_id: scan_id.to_string() })
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let queue = env.queue("SCAN_QUEUE")?;
    if delay_secs == 0 {
        queue.send(body).await
    } else {
        queue.send(worker::MessageBuilder::new(body).delay_seconds(delay_secs).build()).await
    }
}

/// Inserts the scan and puts its job on the queue before returning, so a 202
/// always means the job is queued. If the send fails the row is removed.
pub async fn create_and_enqueue(env: &Env, scan: &Scan) -> Result<(), ApiError> {
    let db = env.d1("DB")?;
    store::scans::insert(&db, scan).await?;
    if let Err(e) = enqueue(env, &scan.id, 0).await {
        let _ = store::scans::delete(&db, &scan.id).await;
        return Err(ApiError::Internal(format!("queue send failed: {e}")));
    }
    Ok(())
}
