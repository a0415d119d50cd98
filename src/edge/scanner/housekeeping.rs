//! Cron work. Every minute: fan due schedules out through the queue (the
//! consumer claims them, see `schedule_page`), recover stuck scans.
//! Hourly (`17 * * * *`): purge expired idempotency keys and apply retention.
use crate::edge::config::Config;
use crate::edge::jobs;
use crate::edge::store::{self, schedules};
use crate::scanner::fanout::{self, DueOrg};
use crate::domain::ids;
use crate::scanner::scanlimits::MAX_ATTEMPTS;
use serde_json::json;
use worker::{console_error, console_log, Date, Env};

/// The hourly maintenance trigger in wrangler.toml.
pub const MAINTENANCE_CRON: &str = "17 * * * *";
/// A queued scan untouched this long is assumed to have lost its message.
const QUEUED_STALE_MS: i64 = 10 * 60_000;
/// Stuck scans recovered per minute.
const BATCH: i64 = 50;
/// Rows deleted per statement, and statements per run, so one run stays
/// well inside D1's limits and the Worker's time.
const DELETE_CHUNK: i64 = 200;
const DELETE_ROUNDS: usize = 10;

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
        let fanned = fan_out_schedules(env).await;
        let recovered = recover_stuck(env).await;
        match (fanned, recovered) {
            (Ok(orgs), Ok(r)) => Ok(json!({ "schedule_pages_sent": orgs, "recovered_scans": r })),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    };
    match outcome {
        Ok(v) => console_log!("{}", json!({ "type": "cron", "cron": cron, "result": v, "duration_ms": now() - started })),
        Err(e) => console_error!("{}", json!({ "type": "cron", "cron": cron, "error": e.to_string() })),
    }
}

/// Fans the due schedules out: one page message per org with due schedules,
/// longest-waiting org first within each listing page. The consumer claims
/// the slots (`schedule_page`). Returns the number of orgs sent.
async fn fan_out_schedules(env: &Env) -> worker::Result<usize> {
    let db = env.d1("DB")?;
    let now = now();
    let mut after = String::new();
    let mut sent = 0;
    loop {
        let rows = schedules::due_orgs(&db, now, &after, fanout::ORG_PAGE).await?;
        let Some(last) = rows.last() else { break };
        after = last.org_id.clone();
        let full = rows.len() as u32 >= fanout::ORG_PAGE;
        let mut orgs: Vec<DueOrg> = rows.into_iter().map(|r| DueOrg { org_id: r.org_id, oldest: r.oldest as i64 }).collect();
        fanout::fanout_order(&mut orgs);
        sent += jobs::enqueue_schedule_pages(env, orgs.iter().map(|o| o.org_id.as_str())).await?;
        if !full {
            break;
        }
    }
    Ok(sent)
}

/// What one schedule page did, for the log.
pub struct PageOutcome {
    pub due: usize,
    pub created: usize,
    pub skipped: usize,
    pub lost: usize,
    pub more: bool,
}

/// Claims one page of an org's due slots: a scan for each slot while the
/// org is under its hourly cap, the rest skipped (advanced, no scan); sends
/// the scans' jobs, and the org's next page to the back of the queue when
/// this one was full.
pub async fn schedule_page(env: &Env, cfg: &Config, org: &str) -> worker::Result<PageOutcome> {
    let db = env.d1("DB")?;
    let now = now();
    let rows = schedules::due_page(&db, org, now, fanout::PAGE).await?;
    let hour_ago = now - 3_600_000;
    let used = if rows.is_empty() { 0 } else { schedules::scheduled_scans_since(&db, org, hour_ago).await? };
    let with_scan = fanout::scans_in_page(rows.len(), used, cfg.scheduled_per_hour);
    let mut claims = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        // A stored cadence that no longer parses is left alone (and logged) rather than retried forever.
        let Some(cadence) = row.cadence() else {
            console_error!("{}", json!({ "type": "cron", "schedule_id": row.id, "event": "invalid_cadence" }));
            continue;
        };
        let scan_id = if i < with_scan { Some(ids::uuid_v4().map_err(worker::Error::RustError)?) } else { None };
        // Skip every missed slot: one run now, then the next future slot.
        claims.push(schedules::Claim { row, next_run_at: cadence.next_after(now), scan_id });
    }
    let results = schedules::claim_page(&db, org, &claims, hour_ago, cfg.scheduled_per_hour, now).await?;
    let mut created = Vec::new();
    let (mut skipped, mut lost) = (0, 0);
    for (c, r) in claims.iter().zip(&results) {
        match (r.won, r.scan, &c.scan_id) {
            (true, true, Some(id)) => created.push(id.clone()),
            (true, _, _) => {
                skipped += 1;
                console_log!("{}", json!({ "type": "cron", "schedule_id": c.row.id, "org": org, "event": "skipped_over_hourly_cap" }));
            }
            (false, _, _) => lost += 1, // another run claimed this slot first
        }
    }
    // If this send fails the scans stay queued and recover_stuck re-sends them.
    if let Err(e) = jobs::enqueue_scans(env, &created).await {
        console_error!("{}", json!({ "type": "cron", "org": org, "event": "enqueue_failed", "scans": created.len(), "error": e.to_string() }));
    }
    let more = fanout::needs_next_page(rows.len(), results.iter().filter(|r| r.won).count());
    if more {
        jobs::enqueue_schedule_pages(env, [org]).await?;
    }
    Ok(PageOutcome { due: rows.len(), created: created.len(), skipped, lost, more })
}

/// Scans whose consumer died (lease expired) or whose message was lost
/// (queued too long) are sent again, or failed once out of attempts.
async fn recover_stuck(env: &Env) -> worker::Result<usize> {
    let db = env.d1("DB")?;
    let now = now();
    let rows = store::scans::stuck(&db, now, now - QUEUED_STALE_MS, BATCH).await?;
    for r in &rows {
        if r.status == "running" && r.attempts as u32 >= MAX_ATTEMPTS {
            store::scans::fail(&db, &r.id, now, "lease_expired", "The scan was interrupted too many times.").await?;
            continue;
        }
        // Touch updated_at so the same scan is not re-sent every run; the
        // consumer's claim takes over the expired lease.
        store::scans::touch(&db, &r.id, now).await?;
        jobs::enqueue(env, &r.id, 0).await?;
    }
    Ok(rows.len())
}

/// Purges idempotency keys past 24 h, then deletes scans and findings past
/// the retention in bounded chunks. Returns (keys, scans, findings) deleted.
async fn maintenance(env: &Env, cfg: &Config) -> worker::Result<(usize, usize, usize)> {
    let db = env.d1("DB")?;
    let now = now();
    let keys = store::idempotency::purge_before(&db, now - crate::api::idempotency::TTL_MS).await?;
    let cutoff = crate::domain::time::days_before(now, cfg.retention_days);
    let (mut scans, mut findings) = (0, 0);
    for _ in 0..DELETE_ROUNDS {
        let (s, f) = store::retention::delete_round(&db, cutoff, DELETE_CHUNK).await?;
        scans += s;
        findings += f;
        if s == 0 && f == 0 {
            break;
        }
    }
    Ok((keys, scans, findings))
}
