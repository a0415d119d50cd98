//! Sends one webhook delivery (a queue message): signs the stored body,
//! POSTs it through the guarded fetcher (the URL re-validated and its name
//! re-checked over DNS-over-HTTPS at every attempt, no redirect followed),
//! records the attempt, and retries with exponential backoff. At least once:
//! a redelivered message for a delivered delivery is acked without sending,
//! and receivers de-duplicate on `x-audit-delivery`.
use crate::domain::ssrf;
use crate::domain::webhook::{self, MAX_ATTEMPTS};
use crate::edge::config::Config;
use crate::edge::scanner::fetcher::Fetcher;
use crate::edge::store;
use crate::edge::store::webhooks::Attempt;
use serde_json::json;
use worker::{console_error, console_log, Date, Env};

/// Time for one delivery attempt, DNS check included.
const DELIVERY_BUDGET_MS: u64 = 10_000;

pub enum Next {
    Ack,
    Retry { delay_secs: u32 },
}

pub async fn deliver(env: &Env, cfg: &Config, delivery_id: &str) -> Next {
    match try_deliver(env, cfg, delivery_id).await {
        Ok(n) => n,
        Err(e) => {
            console_error!("{}", json!({ "type": "webhook", "delivery_id": delivery_id, "event": "infra_error", "error": e.to_string() }));
            Next::Retry { delay_secs: 10 }
        }
    }
}

/// The queue gave up on the message (dead-letter queue).
pub async fn dead_lettered(env: &Env, delivery_id: &str) {
    let now = Date::now().as_millis() as i64;
    let r = async { store::webhooks::give_up(&env.d1("DB")?, delivery_id, "dead_lettered", now).await }.await;
    if let Err(e) = r {
        console_error!("{}", json!({ "type": "webhook", "delivery_id": delivery_id, "event": "dlq_update_failed", "error": e.to_string() }));
    }
}

async fn try_deliver(env: &Env, cfg: &Config, delivery_id: &str) -> worker::Result<Next> {
    let db = env.d1("DB")?;
    let Some(d) = store::webhooks::delivery(&db, delivery_id).await? else { return Ok(Next::Ack) };
    if d.status == "delivered" || d.status == "failed" {
        return Ok(Next::Ack); // redelivered message: already final
    }
    let now = || Date::now().as_millis() as i64;
    let Some(hook) = store::webhooks::by_id(&db, &d.webhook_id).await? else {
        store::webhooks::give_up(&db, delivery_id, "webhook_deleted", now()).await?;
        return Ok(Next::Ack);
    };
    let attempt = d.attempts as u32 + 1;
    let started = now();
    let unix = (started / 1000).max(0) as u64;
    let signature = webhook::signature(&hook.secret, unix, &d.payload);
    let headers = [
        ("content-type", "application/json"),
        ("x-audit-signature", signature.as_str()),
        ("x-audit-delivery", d.id.as_str()),
        ("x-audit-event", d.event.as_str()),
    ];
    // Validated at creation; validated again so a tightened guard applies.
    let outcome: Result<u16, Failed> = match ssrf::validate(&hook.url) {
        Err(r) => Err(Failed { code: "blocked_target", message: r.message(), status: None, retry: false }),
        Ok(target) => match Fetcher::new(cfg).post(&target, &headers, &d.payload, DELIVERY_BUDGET_MS).await {
            Ok((status, _)) if webhook::delivered(status) => Ok(status),
            // Redirects are not followed (a moved receiver must be registered
            // again): a failed delivery, not retried.
            Ok((status, location)) if crate::scanner::fetchpolicy::is_redirect(status) => Err(Failed {
                code: "redirect_not_followed",
                message: format!("Answered {status} with a redirect to {}; redirects are not followed.", location.unwrap_or_default()),
                status: Some(status),
                retry: false,
            }),
            Ok((status, _)) => Err(Failed { code: "http_error", message: format!("Answered {status}."), status: Some(status), retry: true }),
            // A refused address is a verdict; network trouble is retried.
            Err(e) => Err(Failed { code: e.code, message: e.message, status: None, retry: e.transient }),
        },
    };
    let finished = now();
    let duration_ms = finished.saturating_sub(started).max(0) as u64;
    let (state, code, error, retry) = match outcome {
        Ok(status) => ("delivered", Some(status), None, false),
        Err(f) => {
            let retry = f.retry && attempt < MAX_ATTEMPTS;
            (if retry { "retrying" } else { "failed" }, f.status, Some(format!("{}: {}", f.code, f.message)), retry)
        }
    };
    store::webhooks::record_attempt(&db, delivery_id, &Attempt { attempt, status_code: code, error: error.as_deref(), duration_ms, state, now: finished }).await?;
    console_log!(
        "{}",
        json!({
            "type": "webhook", "delivery_id": delivery_id, "webhook_id": hook.id, "org": hook.org_id, "project": hook.project_id,
            "event": d.event, "attempt": attempt, "outcome": state, "status_code": code, "error": error, "duration_ms": duration_ms,
        })
    );
    Ok(if retry { Next::Retry { delay_secs: webhook::backoff_secs(cfg.webhook_retry_base_secs, attempt) } } else { Next::Ack })
}

/// Why an attempt failed.
struct Failed {
    code: &'static str,
    message: String,
    status: Option<u16>,
    retry: bool,
}
