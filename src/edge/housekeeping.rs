//! Cron work. Every minute: enqueue due schedules, recover stuck scans.
//! Hourly (`17 * * * *`): purge expired idempotency keys and apply retention.
use super::config::Config;
use super::consumer::MAX_ATTEMPTS;
use super::jobs;
use super::store::{self, schedules};
use crate::ids;
use serde::Deserialize;
use serde_json::json;
use worker::{console_error, console_log, Date, Env};

/// The hourly maintenance trigger in wrangler.toml.
pub const MAINTENANCE_CRON: &str = "17 * * * *";
/// A queued scan untouched this long is assumed to have lost its message.
const QUEUED_STALE_MS: i64 = 10 * 60_000;
const BATCH: i64 = 50;
/// Rows deleted per statement, and statements per run, so one run stays
/// well inside D1's limits and the Worker's time.
const DELETE_CHUNK: i64 = 200;
const DELETE_ROUNDS: usize = 10;

#[derive(Deserialize)]
struct Stuck {
    id: String,
    attempts: f64,
    status: String,
}

fn now() -> i64 {
    Date::now().as_millis() as i64
}

pub async fn run(env: &Env, cron: &str) {
    let cfg = Config::from_env(env);
    let started = now();
    let outcome = if cron == MAINTENANCE_CRON {
        maintenance(env, &cfg).await.map(|(keys, scans, findings)| {
            json!({ "purged_idempotency_keys": keys, "deleted_scans": scans, "deleted_findings": findings })
        })
    } else {
        let due = run_schedules(env, &cfg).await;
        let recovered = recover_stuck(env).await;
        match (due, recovered) {
            (Ok((created, skipped)), Ok(r)) => Ok(json!({ "scheduled_scans": created, "skipped_over_cap": skipped, "recovered_scans": r })),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    };
    match outcome {
        Ok(v) => console_log!("{}", json!({ "type": "cron", "cron": cron, "result": v, "duration_ms": now() - started })),
        Err(e) => console_error!("{}", json!({ "type": "cron", "cron": cron, "error": e.to_string() })),
    }
}

/// Creates one scan per due slot. Returns (scans created, slots skipped by the cap).
async fn run_schedules(env: &Env, cfg: &Config) -> worker::Result<(u32, u32)> {
    let db = env.d1("DB")?;
    let now = now();
    let (mut created, mut skipped) = (0, 0);
    for row in schedules::due(&db, now, BATCH as u32).await? {
        let Some(cadence) = row.cadence() else { continue };
        // Skip every missed slot: one run now, then the next future slot.
        let next = cadence.next_after(now);
        let over_cap = schedules::scheduled_scans_since(&db, &row.org_id, now - 3_600_000).await? >= cfg.scheduled_per_hour as u64;
        let scan_id = if over_cap { None } else { Some(ids::uuid_v4().map_err(worker::Error::RustError)?) };
        if !schedules::claim_slot(&db, &row, next, scan_id.as_deref(), now).await? {
            continue; // another cron invocation took this slot
        }
        match scan_id {
            Some(id) => {
                // If this send fails the scan stays queued and recover_stuck re-sends it.
                if let Err(e) = jobs::enqueue(env, &id, 0).await {
                    console_error!("{}", json!({ "type": "cron", "scan_id": id, "event": "enqueue_failed", "error": e.to_string() }));
                }
                created += 1;
            }
            None => {
                console_log!("{}", json!({ "type": "cron", "schedule_id": row.id, "org": row.org_id, "event": "skipped_over_hourly_cap" }));
                skipped += 1;
            }
        }
    }
    Ok((created, skipped))
}

/// Scans whose consumer died (lease expired) or whose message was lost
/// (queued too long) are sent again, or failed once out of attempts.
async fn recover_stuck(env: &Env) -> worker::Result<usize> {
    let db = env.d1("DB")?;
    let now = now();
    let rows: Vec<Stuck> = db
        .prepare(
            "SELECT id, attempts, status FROM scans WHERE (status = 'running' AND lease_until < ?1) \
             OR (status = 'queued' AND updated_at < ?2) ORDER BY updated_at LIMIT ?3",
        )
        .bind(&[(now as f64).into(), ((now - QUEUED_STALE_MS) as f64).into(), (BATCH as f64).into()])?
        .all()
        .await?
        .results()?;
    for r in &rows {
        if r.status == "running" && r.attempts as u32 >= MAX_ATTEMPTS {
            store::scans::fail(&db, &r.id, now, "lease_expired", "The scan was interrupted too many times.").await?;
            continue;
        }
        // Touch updated_at so the same scan is not re-sent every run; the
        // consumer's claim takes over the expired lease.
        db.prepare("UPDATE scans SET updated_at = ?2 WHERE id = ?1")
            .bind(&[r.id.as_str().into(), (now as f64).into()])?
            .run()
            .await?;
        jobs::enqueue(env, &r.id, 0).await?;
    }
    Ok(rows.len())
}

fn changes(r: &worker::D1Result) -> usize {
    r.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0)
}

/// Purges idempotency keys past 24 h, then deletes scans and findings past
/// the retention in bounded chunks. Returns (keys, scans, findings) deleted.
async fn maintenance(env: &Env, cfg: &Config) -> worker::Result<(usize, usize, usize)> {
    let db = env.d1("DB")?;
    let now = now();
    let keys = changes(
        &db.prepare("DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at < ?1 LIMIT 1000)")
            .bind(&[((now - crate::idempotency::TTL_MS) as f64).into()])?
            .run()
            .await?,
    );
    let cutoff = wasm_bindgen::JsValue::from_f64((now - cfg.retention_days as i64 * crate::time::DAY_MS) as f64);
    let (mut scans, mut findings) = (0, 0);
    for _ in 0..DELETE_ROUNDS {
        let old_scans = "SELECT id FROM scans WHERE finished_at < ?1 AND status IN ('completed', 'failed') ORDER BY id LIMIT ?2";
        let old_findings = "SELECT id FROM findings WHERE last_seen_at < ?1 ORDER BY id LIMIT ?2";
        let chunk = wasm_bindgen::JsValue::from_f64(DELETE_CHUNK as f64);
        let res = db
            .batch(vec![
                db.prepare(format!("DELETE FROM scan_findings WHERE scan_id IN ({old_scans})")).bind(&[cutoff.clone(), chunk.clone()])?,
                db.prepare(format!("DELETE FROM scans WHERE id IN ({old_scans})")).bind(&[cutoff.clone(), chunk.clone()])?,
                db.prepare(format!("DELETE FROM finding_events WHERE finding_id IN ({old_findings})")).bind(&[cutoff.clone(), chunk.clone()])?,
                db.prepare(format!("DELETE FROM scan_findings WHERE finding_id IN ({old_findings})")).bind(&[cutoff.clone(), chunk.clone()])?,
                db.prepare(format!("DELETE FROM findings WHERE id IN ({old_findings})")).bind(&[cutoff.clone(), chunk.clone()])?,
            ])
            .await?;
        let (s, f) = (res.get(1).map(changes).unwrap_or(0), res.get(4).map(changes).unwrap_or(0));
        scans += s;
        findings += f;
        if s == 0 && f == 0 {
            break;
        }
    }
    Ok((keys, scans, findings))
}
