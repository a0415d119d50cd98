//! Cron work: recover scans whose lease expired (the consumer died mid-scan)
//! and re-send jobs for scans that sat queued too long (a lost message).
use super::jobs;
use serde::Deserialize;
use serde_json::json;
use worker::{console_error, console_log, Date, Env};

/// A queued scan untouched this long is assumed to have lost its message.
const QUEUED_STALE_MS: i64 = 10 * 60_000;
const BATCH: i64 = 50;

#[derive(Deserialize)]
struct Id {
    id: String,
}

pub async fn run(env: &Env, cron: &str) {
    match recover_stuck(env).await {
        Ok(n) => console_log!("{}", json!({ "type": "cron", "cron": cron, "recovered_scans": n })),
        Err(e) => console_error!("{}", json!({ "type": "cron", "cron": cron, "error": e.to_string() })),
    }
}

async fn recover_stuck(env: &Env) -> worker::Result<usize> {
    let db = env.d1("DB")?;
    let now = Date::now().as_millis() as i64;
    let rows: Vec<Id> = db
        .prepare(
            "SELECT id FROM scans WHERE (status = 'running' AND lease_until < ?1) \
             OR (status = 'queued' AND updated_at < ?2) ORDER BY updated_at LIMIT ?3",
        )
        .bind(&[(now as f64).into(), ((now - QUEUED_STALE_MS) as f64).into(), (BATCH as f64).into()])?
        .all()
        .await?
        .results()?;
    for r in &rows {
        // Touch updated_at so the same scan is not re-sent every run; the
        // consumer's claim takes over the expired lease.
        db.prepare("UPDATE scans SET updated_at = ?2 WHERE id = ?1").bind(&[r.id.as_str().into(), (now as f64).into()])?.run().await?;
        jobs::enqueue(env, &r.id, 0).await?;
    }
    Ok(rows.len())
}
