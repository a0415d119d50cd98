//! Webhooks, pure: the events, what a subscription accepts, the signing
//! secret, the signature header, the delivery body and the retry schedule.
use crate::domain::error::ApiError;
use crate::domain::ids;
use crate::domain::ssrf::{self, TargetUrl};
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    ScanCompleted,
    ScanFailed,
    GateFailed,
    FindingRegressed,
    /// Sent by `POST …/webhooks/{id}/test` whatever the subscription.
    Test,
}

impl Event {
    /// The events a webhook may subscribe to.
    pub const SUBSCRIBABLE: [Event; 4] = [Event::ScanCompleted, Event::ScanFailed, Event::GateFailed, Event::FindingRegressed];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::ScanCompleted => "scan.completed",
            Event::ScanFailed => "scan.failed",
            Event::GateFailed => "gate.failed",
            Event::FindingRegressed => "finding.regressed",
            Event::Test => "webhook.test",
        }
    }

    pub fn parse(s: &str) -> Option<Event> {
        Self::SUBSCRIBABLE.into_iter().find(|e| e.as_str() == s)
    }
}

/// What a stored `events` column (comma-separated) subscribes to.
pub fn subscribed(events: &str, e: Event) -> bool {
    e == Event::Test || events.split(',').any(|x| x == e.as_str())
}

/// A parsed `POST …/webhooks` body.
#[derive(Debug)]
pub struct NewWebhook {
    pub url: TargetUrl,
    pub events: Vec<Event>,
}

/// Validates `{url, events}`: the URL passes the scan targets' SSRF guard,
/// `events` is a non-empty list of known events (duplicates collapse).
/// Every bad field is reported.
pub fn parse_input(body: &Map<String, Value>) -> Result<NewWebhook, ApiError> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let url = match body.get("url") {
        Some(Value::String(u)) => match ssrf::validate(u) {
            Ok(t) => Some(t),
            Err(r) => {
                errors.push(("url", r.message()));
                None
            }
        },
        _ => {
            errors.push(("url", "is required and must be a string".into()));
            None
        }
    };
    let mut events = Vec::new();
    let allowed = Event::SUBSCRIBABLE.map(Event::as_str).join(", ");
    match body.get("events") {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= 20 => {
            for it in items {
                match it.as_str().and_then(Event::parse) {
                    Some(e) if !events.contains(&e) => events.push(e),
                    Some(_) => {}
                    None => {
                        errors.push(("events", format!("must list events among {allowed}")));
                        break;
                    }
                }
            }
        }
        _ => errors.push(("events", format!("is required: a non-empty array of {allowed}"))),
    }
    match (url, errors.is_empty()) {
        (Some(url), true) => Ok(NewWebhook { url, events }),
        _ => {
            let message = errors.iter().map(|(f, m)| format!("{f} {m}")).collect::<Vec<_>>().join("; ");
            let details = errors.into_iter().map(|(f, m)| (f.to_string(), Value::String(m))).collect();
            Err(ApiError::InvalidParams { message, details })
        }
    }
}

/// `whsec_` + 32 base62 characters (≈ 190 bits).
pub fn new_secret() -> Result<String, String> {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::from("whsec_");
    while out.len() < 38 {
        let mut buf = [0u8; 48];
        ids::random_bytes(&mut buf)?;
        for b in buf.into_iter().filter(|b| *b < 248) {
            if out.len() < 38 {
                out.push(BASE62[(b % 62) as usize] as char);
            }
        }
    }
    Ok(out)
}

/// `x-audit-signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
/// as Stripe signs, so receivers can reuse their verification code and
/// refuse old timestamps (replays).
pub fn signature(secret: &str, unix_secs: u64, body: &str) -> String {
    // HMAC takes a key of any length: new_from_slice cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(unix_secs.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={unix_secs},v1={hex}")
}

/// The JSON body of a delivery (the same bytes on every attempt).
pub fn payload(delivery_id: &str, event: Event, org: &str, project: &str, created_at: &str, data: Value) -> String {
    json!({
        "id": delivery_id,
        "type": event.as_str(),
        "created_at": created_at,
        "org_id": org,
        "project_id": project,
        "data": data,
    })
    .to_string()
}

/// Attempts per delivery before it is marked failed.
pub const MAX_ATTEMPTS: u32 = 5;

/// Delay before attempt `attempt + 1` after `attempt` failed: base, 2×, 4×…
/// capped at an hour.
pub fn backoff_secs(base: u32, attempt: u32) -> u32 {
    base.max(1).saturating_mul(1u32 << attempt.saturating_sub(1).min(12)).min(3600)
}

/// A response status that counts as delivered.
pub fn delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn signature_matches_a_known_hmac() {
        let sig = signature("Jefe", 0, "what do ya want for nothing?");
        assert!(sig.starts_with("t=0,v1="));
        // HMAC-SHA256("Jefe", "0.what do ya want for nothing?"), computed with Python's hmac.
        assert_eq!(sig, "t=0,v1=37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc");
        assert_ne!(signature("Jefe", 1, "x"), signature("Jefe", 2, "x"));
        assert_ne!(signature("a", 1, "x"), signature("b", 1, "x"));
    }

    #[test]
    fn input_is_validated_like_a_scan_target() {
        let ok = parse_input(&obj(json!({"url": "https://hooks.example.com/x", "events": ["scan.completed", "scan.completed", "gate.failed"]})));
        let ok = ok.expect("valid");
        assert_eq!(ok.events, vec![Event::ScanCompleted, Event::GateFailed]);
        for bad in [
            json!({"url": "http://10.0.0.1/", "events": ["scan.completed"]}),
            json!({"url": "http://localhost/", "events": ["scan.completed"]}),
            json!({"url": "ftp://example.com/", "events": ["scan.completed"]}),
            json!({"url": "https://hooks.example.com/", "events": []}),
            json!({"url": "https://hooks.example.com/", "events": ["nope"]}),
            json!({"url": "https://hooks.example.com/"}),
            json!({"events": ["scan.failed"]}),
        ] {
            assert!(parse_input(&obj(bad.clone())).is_err(), "{bad}");
        }
    }

    #[test]
    fn subscriptions_and_backoff() {
        assert!(subscribed("scan.completed,gate.failed", Event::GateFailed));
        assert!(!subscribed("scan.completed", Event::ScanFailed));
        assert!(subscribed("", Event::Test));
        assert_eq!([1, 2, 3, 4].map(|a| backoff_secs(30, a)), [30, 60, 120, 240]);
        assert_eq!(backoff_secs(30, 40), 3600);
        assert!(delivered(204) && !delivered(301) && !delivered(500));
        let secret = new_secret().expect("rng");
        assert!(secret.starts_with("whsec_") && secret.len() == 38);
    }
}
