//! The queue consumer: the scan state machine. Every message is acked or
//! retried individually; nothing here returns `Err` (that would panic the
//! instance and fail the whole batch).
use super::config::Config;
use super::jobs::ScanJob;
use super::scanner;
use crate::fetchpolicy::FetchError;
use super::store;
use serde_json::json;
use worker::{console_error, console_log, Date, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

/// How long a consumer owns a running scan before another may take over.
pub const LEASE_MS: i64 = 120_000;
/// Processing attempts before a transiently failing scan is failed for good.
pub const MAX_ATTEMPTS: u32 = 3;

enum Next {
    Ack,
    Retry { delay_secs: u32 },
}

fn backoff_secs(base: u32, attempts: u32) -> u32 {
    // base, 2×base, 4×base… capped at 5 minutes.
    base.saturating_mul(1 << attempts.saturating_sub(1).min(8)).clamp(1, 300)
}

pub async fn consume(batch: MessageBatch<serde_json::Value>, env: Env) {
    let cfg = Config::from_env(&env);
    let dead_letter = batch.queue().ends_with("-dlq");
    for msg in batch.raw_iter() {
        let job: Option<ScanJob> = msg.body().as_string().and_then(|s| serde_json::from_str(&s).ok());
        let next = match job {
            None => {
                console_error!("{}", json!({ "type": "queue", "event": "malformed_message", "queue": batch.queue() }));
                Next::Ack
            }
            Some(job) if dead_letter => {
                dead_lettered(&env, &job.scan_id).await;
                Next::Ack
            }
            Some(job) => process(&env, &cfg, &job.scan_id).await,
        };
        match next {
            Next::Ack => msg.ack(),
            Next::Retry { delay_secs } => {
                msg.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay_secs).build())
            }
        }
    }
}

async fn dead_lettered(env: &Env, scan_id: &str) {
    let now = Date::now().as_millis() as i64;
    let result = async {
        let db = env.d1("DB")?;
        store::scans::fail(&db, scan_id, now, "dead_lettered", "The scan job exhausted its deliveries.").await
    }
    .await;
    if let Err(e) = result {
        console_error!("{}", json!({ "type": "scan", "scan_id": scan_id, "event": "dlq_update_failed", "error": e.to_string() }));
    }
}

async fn process(env: &Env, cfg: &Config, scan_id: &str) -> Next {
    match try_process(env, cfg, scan_id).await {
        Ok(next) => next,
        Err(e) => {
            // D1 or queue trouble: let the platform deliver the message again.
            console_error!("{}", json!({ "type": "scan", "scan_id": scan_id, "event": "infra_error", "error": e.to_string() }));
            Next::Retry { delay_secs: 10 }
        }
    }
}

async fn try_process(env: &Env, cfg: &Config, scan_id: &str) -> worker::Result<Next> {
    let db = env.d1("DB")?;
    let started = Date::now().as_millis() as i64;
    let Some(stored) = store::scans::get_by_id(&db, scan_id).await? else {
        return Ok(Next::Ack); // deleted (retention) or never committed
    };
    if stored.scan.status.is_final() {
        return Ok(Next::Ack); // a duplicate or redelivered message: nothing to do
    }
    if !store::scans::claim(&db, scan_id, started, LEASE_MS).await? {
        // Another delivery holds a live lease; look again after it expires.
        return Ok(Next::Retry { delay_secs: (LEASE_MS / 1000) as u32 });
    }
    let attempts = stored.attempts + 1;
    let outcome = scanner::run(cfg, &stored.scan).await;
    let now = Date::now().as_millis() as i64;
    let mut timings = serde_json::Value::Null;
    let (status, code) = match outcome {
        Ok(done) => {
            scanner::persist(&db, &stored.scan, &done, now).await?;
            timings = json!({
                "ttfb_ms": done.summary.get("ttfb_ms"),
                "fetch_ms": done.summary.get("total_ms"),
                "decoded_bytes": done.summary.get("decoded_bytes"),
                "findings": done.observations.len(),
            });
            ("completed", None)
        }
        Err(FetchError { code, message, transient }) => {
            if transient && attempts < MAX_ATTEMPTS {
                store::scans::requeue(&db, scan_id, now, code, &message).await?;
                log_scan(&stored.scan, "retrying", Some(code), started, now, attempts, &timings);
                return Ok(Next::Retry { delay_secs: backoff_secs(cfg.retry_base_secs, attempts) });
            }
            store::scans::fail(&db, scan_id, now, code, &message).await?;
            ("failed", Some(code))
        }
    };
    log_scan(&stored.scan, status, code, started, now, attempts, &timings);
    Ok(Next::Ack)
}

/// One structured line per scan outcome.
fn log_scan(scan: &crate::scan::Scan, outcome: &str, code: Option<&str>, started: i64, now: i64, attempts: u32, timings: &serde_json::Value) {
    console_log!(
        "{}",
        json!({
            "type": "scan",
            "scan_id": scan.id,
            "org": scan.org_id,
            "project": scan.project_id,
            "trigger": scan.trigger.as_str(),
            "outcome": outcome,
            "error_code": code,
            "attempt": attempts,
            "duration_ms": now - started,
            "queue_wait_ms": started - scan.inserted_at,
            "timings": timings,
        })
    );
}
