//! Scans: the record, its states, and parsing of the Run Scan request body.
use crate::domain::error::ApiError;
use crate::domain::gate::Gate;
use crate::domain::site::{self, Scope, SiteOptions};
use crate::domain::ssrf::{self, TargetUrl};
use crate::domain::time::rfc3339;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Manual,
    Scheduled,
    PostDeploy,
}

impl Trigger {
    pub const ALL: [Trigger; 3] = [Trigger::Manual, Trigger::Scheduled, Trigger::PostDeploy];
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Manual => "manual",
            Trigger::Scheduled => "scheduled",
            Trigger::PostDeploy => "post_deploy",
        }
    }
    pub fn parse(s: &str) -> Option<Trigger> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanStatus {
    Queued,
    Running,
    Completed,
    Failed,
}

impl ScanStatus {
    pub const ALL: [ScanStatus; 4] = [ScanStatus::Queued, ScanStatus::Running, ScanStatus::Completed, ScanStatus::Failed];
    pub fn as_str(self) -> &'static str {
        match self {
            ScanStatus::Queued => "queued",
            ScanStatus::Running => "running",
            ScanStatus::Completed => "completed",
            ScanStatus::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<ScanStatus> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
    pub fn is_final(self) -> bool {
        matches!(self, ScanStatus::Completed | ScanStatus::Failed)
    }
}

/// A scan as stored. Times are epoch milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub url: String,
    pub trigger: Trigger,
    pub status: ScanStatus,
    /// JSON object text; `{}` until the scan finishes.
    pub summary: Value,
    pub error: Option<(String, String)>,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub inserted_at: i64,
    pub updated_at: i64,
    /// The gate the Run Scan request asked for (else the project's default
    /// applies at completion).
    pub gate: Option<Gate>,
    /// The gate's verdict (`GateResult::to_json`), set when the scan
    /// completed under a gate; kept as stored.
    pub gate_result: Option<Value>,
    /// `Site` for a site scan; its pages are `Page` scans with `parent_id`.
    pub scope: Scope,
    pub parent_id: Option<String>,
}

impl Scan {
    /// The public shape (the spec's data object). The URL is never echoed.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "org_id": self.org_id,
            "project_id": self.project_id,
            "trigger": self.trigger.as_str(),
            "status": self.status.as_str(),
            "summary": if self.summary.is_object() { self.summary.clone() } else { Value::Object(Map::new()) },
            "started_at": rfc3339(self.started_at),
            "finished_at": self.finished_at.map(rfc3339),
            "inserted_at": rfc3339(self.inserted_at),
            "updated_at": rfc3339(self.updated_at),
        });
        // Page scans keep the spec's data object; a site scan says so, and a
        // site scan's page scans name it.
        if let (Scope::Site, Some(obj)) = (self.scope, v.as_object_mut()) {
            obj.insert("scope".into(), json!("site"));
        }
        if let (Some(parent), Some(obj)) = (&self.parent_id, v.as_object_mut()) {
            obj.insert("parent_id".into(), json!(parent));
        }
        if let (Some((code, message)), Some(obj)) = (&self.error, v.as_object_mut()) {
            obj.insert("error".into(), json!({ "code": code, "message": message }));
        }
        // Once final, a scan shows its gate's verdict, or null when no gate
        // applied (or it failed); queued and running scans keep the spec's shape.
        if let (true, Some(obj)) = (self.status.is_final(), v.as_object_mut()) {
            obj.insert("gate".into(), self.gate_result.clone().unwrap_or(Value::Null));
        }
        v
    }
}

/// A validated Run Scan request.
#[derive(Debug)]
pub struct RunScan {
    pub target: TargetUrl,
    pub trigger: Trigger,
    pub gate: Option<Gate>,
    pub scope: Scope,
    /// Crawl options of a site scan (`scope: "site"`).
    pub site: Option<SiteOptions>,
}

/// Parses the Run Scan body (already known to be a JSON object).
/// Unknown fields are ignored, as a tolerant public API does.
pub fn parse_run_scan(body: &Map<String, Value>) -> Result<RunScan, ApiError> {
    let mut details = Map::new();
    let target = match body.get("url") {
        None | Some(Value::Null) => {
            details.insert("url".into(), "is required".into());
            None
        }
        Some(Value::String(s)) => match ssrf::validate(s) {
            Ok(t) => Some(t),
            Err(r) => {
                details.insert("url".into(), Value::String(r.message()));
                None
            }
        },
        Some(_) => {
            details.insert("url".into(), "must be a string".into());
            None
        }
    };
    let trigger = match body.get("trigger") {
        None | Some(Value::Null) => Some(Trigger::Manual),
        Some(Value::String(s)) => Trigger::parse(s).or_else(|| {
            details.insert("trigger".into(), "must be one of manual, scheduled, post_deploy".into());
            None
        }),
        Some(_) => {
            details.insert("trigger".into(), "must be one of manual, scheduled, post_deploy".into());
            None
        }
    };
    let gate = match body.get("gate") {
        None | Some(Value::Null) => None,
        Some(g) => match Gate::parse(g, "gate.") {
            Ok(g) => Some(g),
            Err(d) => {
                details.extend(d);
                None
            }
        },
    };
    let (scope, site) = site::parse(body, &mut details);
    match (target, trigger) {
        (Some(target), Some(trigger)) if details.is_empty() => Ok(RunScan { target, trigger, gate, scope, site }),
        _ => Err(ApiError::InvalidParams { message: "Invalid request parameters.".into(), details }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn trigger_defaults_to_manual() {
        let r = parse_run_scan(&obj(json!({"url": "https://example.com"}))).expect("valid");
        assert_eq!(r.trigger, Trigger::Manual);
    }

    #[test]
    fn bad_trigger_and_url_are_both_reported() {
        let e = parse_run_scan(&obj(json!({"url": "http://127.0.0.1/", "trigger": "cron"}))).expect_err("invalid");
        match e {
            ApiError::InvalidParams { details, .. } => {
                assert!(details.contains_key("url"));
                assert!(details.contains_key("trigger"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn url_must_be_a_string() {
        assert!(parse_run_scan(&obj(json!({"url": 5}))).is_err());
        assert!(parse_run_scan(&obj(json!({}))).is_err());
    }

    #[test]
    fn json_shape_hides_url() {
        let s = Scan {
            id: "a".into(),
            org_id: "o".into(),
            project_id: "p".into(),
            url: "https://secret.example".into(),
            trigger: Trigger::Manual,
            status: ScanStatus::Queued,
            summary: json!({}),
            error: None,
            started_at: 0,
            finished_at: None,
            inserted_at: 0,
            updated_at: 0,
            gate: None,
            gate_result: None,
            scope: Scope::Page,
            parent_id: None,
        };
        let v = s.to_json();
        assert!(!v.to_string().contains("secret.example"));
        assert_eq!(v["finished_at"], Value::Null);
        assert_eq!(v["summary"], json!({}));
        assert_eq!(v["inserted_at"], "1970-01-01T00:00:00Z");
        assert!(v.get("gate").is_none(), "queued scans keep the spec's shape");
        assert!(v.get("scope").is_none() && v.get("parent_id").is_none(), "page scans keep the spec's shape");
        let site = Scan { scope: Scope::Site, ..s.clone() };
        assert_eq!(site.to_json()["scope"], "site");
        let done = Scan { status: ScanStatus::Completed, ..s };
        assert_eq!(done.to_json()["gate"], Value::Null);
    }

    #[test]
    fn gate_is_parsed_and_reported_per_field() {
        let r = parse_run_scan(&obj(json!({"url": "https://example.com", "gate": {"fail_on": "high", "max_new": 0}}))).expect("valid");
        assert_eq!(r.gate.and_then(|g| g.max_new), Some(0));
        match parse_run_scan(&obj(json!({"url": "https://example.com", "gate": {"fail_on": "severe"}}))) {
            Err(ApiError::InvalidParams { details, .. }) => assert!(details.contains_key("gate.fail_on")),
            other => panic!("unexpected {other:?}"),
        }
        assert!(parse_run_scan(&obj(json!({"url": "https://example.com", "gate": "high"}))).is_err());
        assert!(parse_run_scan(&obj(json!({"url": "https://example.com", "gate": null}))).expect("valid").gate.is_none());
    }
}
