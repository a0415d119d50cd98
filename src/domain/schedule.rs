//! Schedules: cadences, the next due slot, and parsing of the request body.
//! All times UTC. Pure: the cron handler and the API call these.
use crate::domain::error::ApiError;
use crate::domain::ssrf::{self, TargetUrl};
use crate::domain::time;
use chrono::{Datelike, TimeDelta, Timelike};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// Every hour at `minute`.
    Hourly { minute: u8 },
    /// Every day at `hour:minute`.
    Daily { hour: u8, minute: u8 },
    /// Every week on `weekday` (ISO: 1 = Monday … 7 = Sunday) at `hour:minute`.
    Weekly { weekday: u8, hour: u8, minute: u8 },
}

impl Cadence {
    pub fn name(&self) -> &'static str {
        match self {
            Cadence::Hourly { .. } => "hourly",
            Cadence::Daily { .. } => "daily",
            Cadence::Weekly { .. } => "weekly",
        }
    }

    /// The first slot strictly after `after_ms`. Slots missed while nothing
    /// ran are skipped, so a long outage yields one catch-up run, not a burst.
    pub fn next_after(&self, after_ms: i64) -> i64 {
        let after = time::at_ms(after_ms);
        let day = after.date_naive();
        // The slot in the current hour, day or week, then one period on if it is not later.
        let (slot, period) = match *self {
            Cadence::Hourly { minute } => (day.and_hms_opt(after.hour(), minute.into(), 0), TimeDelta::hours(1)),
            Cadence::Daily { hour, minute } => (day.and_hms_opt(hour.into(), minute.into(), 0), TimeDelta::days(1)),
            Cadence::Weekly { weekday, hour, minute } => {
                let ahead = (i64::from(weekday) - i64::from(after.weekday().number_from_monday())).rem_euclid(7);
                let date = day.checked_add_signed(TimeDelta::days(ahead));
                (date.and_then(|d| d.and_hms_opt(hour.into(), minute.into(), 0)), TimeDelta::weeks(1))
            }
        };
        // Hours and minutes come from validated input; out of range (or past
        // chrono's last day) means "never", not a panic.
        let Some(slot) = slot.map(|s| s.and_utc()) else { return i64::MAX };
        let slot = if slot <= after { slot.checked_add_signed(period) } else { Some(slot) };
        slot.map_or(i64::MAX, |s| s.timestamp_millis())
    }

    pub fn to_json(&self) -> Value {
        match *self {
            Cadence::Hourly { minute } => serde_json::json!({ "cadence": "hourly", "minute": minute }),
            Cadence::Daily { hour, minute } => serde_json::json!({ "cadence": "daily", "hour": hour, "minute": minute }),
            Cadence::Weekly { weekday, hour, minute } => {
                serde_json::json!({ "cadence": "weekly", "weekday": weekday, "hour": hour, "minute": minute })
            }
        }
    }

    /// From stored columns.
    pub fn from_parts(name: &str, weekday: Option<u8>, hour: Option<u8>, minute: u8) -> Option<Cadence> {
        match name {
            "hourly" => Some(Cadence::Hourly { minute }),
            "daily" => Some(Cadence::Daily { hour: hour?, minute }),
            "weekly" => Some(Cadence::Weekly { weekday: weekday?, hour: hour?, minute }),
            _ => None,
        }
    }

    pub fn parts(&self) -> (Option<u8>, Option<u8>, u8) {
        match *self {
            Cadence::Hourly { minute } => (None, None, minute),
            Cadence::Daily { hour, minute } => (None, Some(hour), minute),
            Cadence::Weekly { weekday, hour, minute } => (Some(weekday), Some(hour), minute),
        }
    }
}

/// The URL shown for a schedule: scheme and host only (paths and queries may
/// carry secrets, and scans never echo URLs either).
pub fn masked_url(url: &url::Url) -> String {
    match url.port() {
        Some(p) => format!("{}://{}:{p}", url.scheme(), url.host_str().unwrap_or_default()),
        None => format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default()),
    }
}

/// A validated create or update body. Absent fields are None.
#[derive(Debug)]
pub struct ScheduleInput {
    pub target: Option<TargetUrl>,
    pub cadence: Option<Cadence>,
    pub enabled: Option<bool>,
    pub name: Option<String>,
    /// Set at creation only: a schedule's scope and crawl options stay
    /// what they were (a different crawl is a new schedule).
    pub scope: crate::domain::site::Scope,
    pub site: Option<crate::domain::site::SiteOptions>,
}

fn int_in(body: &Map<String, Value>, field: &str, lo: u64, hi: u64, details: &mut Map<String, Value>) -> Option<u8> {
    match body.get(field) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().filter(|n| (lo..=hi).contains(n)) {
            Some(n) => Some(n as u8),
            None => {
                details.insert(field.into(), format!("must be an integer from {lo} to {hi}").into());
                None
            }
        },
    }
}

/// Parses a schedule body. `create` requires url and cadence.
pub fn parse_input(body: &Map<String, Value>, create: bool) -> Result<ScheduleInput, ApiError> {
    let mut d = Map::new();
    let target = match body.get("url") {
        None | Some(Value::Null) => {
            if create {
                d.insert("url".into(), "is required".into());
            }
            None
        }
        Some(Value::String(s)) => ssrf::validate(s).map_err(|r| d.insert("url".into(), r.message().into())).ok(),
        Some(_) => {
            d.insert("url".into(), "must be a string".into());
            None
        }
    };
    let minute = int_in(body, "minute", 0, 59, &mut d).unwrap_or(0);
    let hour = int_in(body, "hour", 0, 23, &mut d);
    let weekday = int_in(body, "weekday", 1, 7, &mut d);
    let cadence = match body.get("cadence") {
        None | Some(Value::Null) => {
            if create {
                d.insert("cadence".into(), "is required: hourly, daily or weekly".into());
            }
            None
        }
        Some(Value::String(c)) => match c.as_str() {
            "hourly" => Some(Cadence::Hourly { minute }),
            "daily" => Some(Cadence::Daily { hour: hour.unwrap_or(0), minute }),
            "weekly" => {
                if weekday.is_none() && !d.contains_key("weekday") {
                    d.insert("weekday".into(), "is required for weekly (1 = Monday … 7 = Sunday)".into());
                }
                weekday.map(|w| Cadence::Weekly { weekday: w, hour: hour.unwrap_or(0), minute })
            }
            _ => {
                d.insert("cadence".into(), "must be hourly, daily or weekly".into());
                None
            }
        },
        Some(_) => {
            d.insert("cadence".into(), "must be hourly, daily or weekly".into());
            None
        }
    };
    let enabled = match body.get("enabled") {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            d.insert("enabled".into(), "must be a boolean".into());
            None
        }
    };
    let name = match body.get("name") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() <= 200 => Some(s.clone()),
        Some(_) => {
            d.insert("name".into(), "must be a string of at most 200 characters".into());
            None
        }
    };
    let (scope, site) = if create {
        crate::domain::site::parse(body, &mut d)
    } else {
        for k in ["scope", "max_pages", "max_depth", "include", "exclude"] {
            if body.get(k).is_some() {
                d.insert(k.into(), "is set when the schedule is created and cannot be changed".into());
            }
        }
        (crate::domain::site::Scope::Page, None)
    };
    if !create && d.is_empty() && target.is_none() && cadence.is_none() && enabled.is_none() && name.is_none() {
        d.insert("body".into(), "must change url, cadence, enabled or name".into());
    }
    if !d.is_empty() {
        return Err(ApiError::InvalidParams { message: "Invalid request parameters.".into(), details: d });
    }
    Ok(ScheduleInput { target, cadence, enabled, name, scope, site })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::{parse_datetime, rfc3339};
    use serde_json::json;

    fn at(s: &str) -> i64 {
        parse_datetime(s).expect("valid").timestamp_millis()
    }

    #[test]
    fn next_slots() {
        let now = at("2025-06-10T14:30:00Z"); // a Tuesday
        assert_eq!(rfc3339(Cadence::Hourly { minute: 15 }.next_after(now)), "2025-06-10T15:15:00Z");
        assert_eq!(rfc3339(Cadence::Hourly { minute: 45 }.next_after(now)), "2025-06-10T14:45:00Z");
        assert_eq!(rfc3339(Cadence::Daily { hour: 3, minute: 0 }.next_after(now)), "2025-06-11T03:00:00Z");
        assert_eq!(rfc3339(Cadence::Daily { hour: 14, minute: 30 }.next_after(now)), "2025-06-11T14:30:00Z", "strictly after");
        assert_eq!(rfc3339(Cadence::Weekly { weekday: 1, hour: 9, minute: 0 }.next_after(now)), "2025-06-16T09:00:00Z");
        assert_eq!(rfc3339(Cadence::Weekly { weekday: 2, hour: 15, minute: 0 }.next_after(now)), "2025-06-10T15:00:00Z");
        assert_eq!(rfc3339(Cadence::Weekly { weekday: 7, hour: 0, minute: 0 }.next_after(now)), "2025-06-15T00:00:00Z");
    }

    #[test]
    fn missed_slots_collapse_to_one() {
        // Due at 00:00, the cron comes back at 05:20: the slot it advances to is
        // the next future one, not 01:00 (which would replay five missed hours).
        for c in [Cadence::Hourly { minute: 0 }, Cadence::Daily { hour: 0, minute: 0 }, Cadence::Weekly { weekday: 2, hour: 0, minute: 0 }] {
            let due = at("2025-06-10T00:00:00Z");
            assert_eq!(c.next_after(due - 1), due, "{c:?} is due at 00:00");
            let next = c.next_after(at("2025-06-10T05:20:00Z"));
            assert!(next > at("2025-06-10T05:20:00Z"), "{c:?}");
            assert_eq!(c.next_after(next - 1), next, "{c:?}: no slot between the outage's end and the next run");
        }
        assert_eq!(rfc3339(Cadence::Hourly { minute: 0 }.next_after(at("2025-06-10T05:20:00Z"))), "2025-06-10T06:00:00Z");
        assert_eq!(rfc3339(Cadence::Daily { hour: 0, minute: 0 }.next_after(at("2025-06-10T05:20:00Z"))), "2025-06-11T00:00:00Z");
        assert_eq!(rfc3339(Cadence::Weekly { weekday: 2, hour: 0, minute: 0 }.next_after(at("2025-06-10T05:20:00Z"))), "2025-06-17T00:00:00Z");
        // Across a year end and a leap day.
        assert_eq!(rfc3339(Cadence::Weekly { weekday: 4, hour: 9, minute: 5 }.next_after(at("2024-12-30T10:00:00Z"))), "2025-01-02T09:05:00Z");
        assert_eq!(rfc3339(Cadence::Daily { hour: 23, minute: 59 }.next_after(at("2024-02-28T23:59:00.001Z"))), "2024-02-29T23:59:00Z");
    }

    #[test]
    fn parsing() {
        let m = |v: Value| v.as_object().cloned().unwrap_or_default();
        let s = parse_input(&m(json!({"url": "https://example.com/x", "cadence": "weekly", "weekday": 3, "hour": 4})), true).expect("ok");
        assert_eq!(s.cadence, Some(Cadence::Weekly { weekday: 3, hour: 4, minute: 0 }));
        assert!(parse_input(&m(json!({"url": "https://example.com", "cadence": "weekly"})), true).is_err());
        assert!(parse_input(&m(json!({"url": "http://10.0.0.1", "cadence": "daily"})), true).is_err());
        assert!(parse_input(&m(json!({"url": "https://example.com", "cadence": "daily", "hour": 24})), true).is_err());
        assert!(parse_input(&m(json!({"url": "https://example.com", "cadence": "cron"})), true).is_err());
        assert!(parse_input(&m(json!({"enabled": false})), false).is_ok());
        assert!(parse_input(&m(json!({})), false).is_err());
        assert!(parse_input(&m(json!({"enabled": "no"})), false).is_err());
        let u = url::Url::parse("https://user:pw@example.com:8443/secret?token=1").expect("url");
        assert_eq!(masked_url(&u), "https://example.com:8443");
    }
}
