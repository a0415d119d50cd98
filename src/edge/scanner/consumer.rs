//! The queue consumer: the scan state machine, and the schedule fan-out's
//! pages. A batch is worked on `CONSUMER_CONCURRENCY` messages at a time;
//! every message is acked or retried individually as soon as it is done;
//! nothing here returns `Err` (that would panic the instance and fail the
//! whole batch).
use crate::edge::config::Config;
use crate::edge::scanner::deliver;
use crate::edge::scanner::housekeeping;
use crate::edge::scanner::run;
use crate::edge::scanner::site;
use crate::domain::site::Scope;
use crate::edge::store;
use crate::scanner::fanout::{self, Job};
use crate::scanner::fetchpolicy::FetchError;
use crate::scanner::scanlimits::{CONSUMER_CONCURRENCY, LEASE_MS, MAX_ATTEMPTS};
use futures::stream::{self, StreamExt};
use serde_json::json;
use worker::{console_error, console_log, Date, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder, RawMessage};

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
    let queue = batch.queue();
    let dead_letter = queue.ends_with("-dlq");
    let (env, cfg, queue) = (&env, &cfg, queue.as_str());
    stream::iter(batch.raw_iter())
        .for_each_concurrent(CONSUMER_CONCURRENCY, |msg| async move {
            let next = handle(env, cfg, queue, dead_letter, &msg).await;
            match next {
                Next::Ack => msg.ack(),
                Next::Retry { delay_secs } => {
                    msg.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay_secs).build())
                }
            }
        })
        .await;
}

async fn handle(env: &Env, cfg: &Config, queue: &str, dead_letter: bool, msg: &RawMessage) -> Next {
    match msg.body().as_string().as_deref().and_then(fanout::parse_job) {
        None => {
            console_error!("{}", json!({ "type": "queue", "event": "malformed_message", "queue": queue }));
            Next::Ack
        }
        Some(Job::Scan(job)) if dead_letter => {
            dead_lettered(env, &job.scan_id).await;
            Next::Ack
        }
        // The slots stay due; the next minute's cron sends the org again.
        Some(Job::SchedulePage(page)) if dead_letter => {
            console_error!("{}", json!({ "type": "schedules", "org": page.org_id, "event": "dead_lettered" }));
            Next::Ack
        }
        Some(Job::WebhookDelivery(d)) if dead_letter => {
            deliver::dead_lettered(env, &d.delivery_id).await;
            Next::Ack
        }
        Some(Job::WebhookDelivery(d)) => match deliver::deliver(env, cfg, &d.delivery_id).await {
            deliver::Next::Ack => Next::Ack,
            deliver::Next::Retry { delay_secs } => Next::Retry { delay_secs },
        },
        Some(Job::Scan(job)) => process(env, cfg, &job.scan_id).await,
        Some(Job::SchedulePage(page)) => schedule_page(env, cfg, &page.org_id).await,
    }
}

async fn schedule_page(env: &Env, cfg: &Config, org: &str) -> Next {
    let started = Date::now().as_millis();
    match housekeeping::schedule_page(env, cfg, org).await {
        Ok(o) => {
            console_log!(
                "{}",
                json!({
                    "type": "schedules", "org": org, "due": o.due, "created": o.created, "skipped_over_cap": o.skipped,
                    "taken_by_other_run": o.lost, "more": o.more, "duration_ms": Date::now().as_millis().saturating_sub(started),
                })
            );
            Next::Ack
        }
        Err(e) => {
            console_error!("{}", json!({ "type": "schedules", "org": org, "event": "infra_error", "error": e.to_string() }));
            Next::Retry { delay_secs: 10 }
        }
    }
}

async fn dead_lettered(env: &Env, scan_id: &str) {
    let now = Date::now().as_millis() as i64;
    let result = async {
        let db = env.d1("DB")?;
        let message = "The scan job exhausted its deliveries.";
        store::scans::fail(&db, scan_id, now, "dead_lettered", message).await?;
        // A site's page that dead-letters still ends its row, so the site completes.
        if let Some(page) = store::scans::get_by_id(&db, scan_id).await? {
            if let Some(parent) = &page.scan.parent_id {
                site::page_failed(env, &Config::from_env(env), &page.scan, parent, "dead_lettered", message).await?;
            }
        }
        Ok::<(), worker::Error>(())
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
        // A duplicate or redelivered message: nothing to scan; a site's page
        // makes sure the crawl recorded its end.
        if let Some(parent) = &stored.scan.parent_id {
            site::resume(env, &stored.scan, parent).await?;
        }
        return Ok(Next::Ack);
    }
    if stored.scan.scope == Scope::Site {
        site::start(env, cfg, &stored.scan).await?;
        return Ok(Next::Ack);
    }
    // A page of a site scan: fetched within the site's origin (its start URL
    // excepted), and what it found goes back to the crawl.
    let in_site = match &stored.scan.parent_id {
        None => None,
        Some(parent) => Some(run::InSite { origin: site::origin_for(&db, parent, &stored.scan).await? }),
    };
    if !store::scans::claim(&db, scan_id, started, LEASE_MS).await? {
        // Another delivery holds a live lease; look again after it expires.
        return Ok(Next::Retry { delay_secs: (LEASE_MS / 1000) as u32 });
    }
    let attempts = stored.attempts + 1;
    let claimed = Date::now().as_millis() as i64;
    let outcome = run::run(cfg, &stored.scan, in_site.as_ref()).await;
    let now = Date::now().as_millis() as i64;
    let mut timings = serde_json::Value::Null;
    let mut end = now;
    let (status, code) = match outcome {
        Ok(done) => {
            let gate = run::persist(&db, &stored.scan, &done, now).await?;
            let persisted = Date::now().as_millis() as i64;
            match &stored.scan.parent_id {
                // A site's pages are announced together, when the site scan completes.
                Some(parent) => site::after_page(env, cfg, &stored.scan, parent, Some(&done)).await?,
                None => run::announce_completed(env, &stored.scan, &done, gate.as_ref(), now).await,
            }
            let finished = Date::now().as_millis() as i64;
            // Every phase of the scan, in order; what they leave of the whole
            // (awaits of other scans in the batch, timers) is shown as such.
            let ms = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_f64).unwrap_or(0.0) as i64;
            let phases = [
                ("claim_ms", claimed - started),
                ("fetch_ms", ms(done.summary.get("total_ms"))),
                ("parse_ms", ms(done.cpu.get("parse_ms"))),
                ("aux_ms", ms(done.cpu.get("aux_ms"))),
                ("rules_ms", ms(done.cpu.get("rules_ms"))),
                ("persist_ms", persisted - now),
                ("announce_ms", finished - persisted),
            ];
            let accounted: i64 = phases.iter().map(|(_, v)| v).sum();
            let mut t = serde_json::Map::new();
            for (name, v) in phases {
                t.insert(name.into(), json!(v));
            }
            t.insert("unaccounted_ms".into(), json!((finished - started - accounted).max(0)));
            t.insert("ttfb_ms".into(), json!(done.summary.get("ttfb_ms")));
            t.insert("decoded_bytes".into(), json!(done.summary.get("decoded_bytes")));
            t.insert("subrequests".into(), json!(done.summary.get("subrequests")));
            t.insert("aux_skipped".into(), json!(done.summary.get("aux_skipped")));
            t.insert("findings".into(), json!(done.observations.len()));
            timings = serde_json::Value::Object(t);
            end = finished;
            ("completed", None)
        }
        Err(FetchError { code, message, transient }) => {
            if transient && attempts < MAX_ATTEMPTS {
                store::scans::requeue(&db, scan_id, now, code, &message).await?;
                log_scan(&stored.scan, "retrying", Some(code), started, now, attempts, &timings);
                return Ok(Next::Retry { delay_secs: backoff_secs(cfg.retry_base_secs, attempts) });
            }
            store::scans::fail(&db, scan_id, now, code, &message).await?;
            match &stored.scan.parent_id {
                Some(parent) => site::page_failed(env, cfg, &stored.scan, parent, code, &message).await?,
                None => run::announce_failed(env, &stored.scan, code, &message, now).await,
            }
            ("failed", Some(code))
        }
    };
    log_scan(&stored.scan, status, code, started, end, attempts, &timings);
    Ok(Next::Ack)
}

/// One structured line per scan outcome.
fn log_scan(scan: &crate::domain::scan::Scan, outcome: &str, code: Option<&str>, started: i64, now: i64, attempts: u32, timings: &serde_json::Value) {
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
