//! Triage: which status changes a team may make by hand, and parsing of the
//! PATCH body. The pipeline's own changes (resolved by a scan, reopened on a
//! regression) follow `findings`' lifecycle rules instead.
//!
//! Allowed by hand:
//! - between the open states `new`, `acknowledged`, `in_progress`, freely;
//! - from any open state to `resolved` or `ignored`;
//! - `resolved` or `ignored` back to `new` or `acknowledged` (reopen).
//!
//! Setting the current status again is a no-op, not an error.
use crate::domain::error::ApiError;
use crate::domain::model::FindingStatus;
use serde_json::{Map, Value};

pub fn transition_allowed(from: FindingStatus, to: FindingStatus) -> bool {
    use FindingStatus::*;
    match (from, to) {
        (a, b) if a == b => true,
        (New | Acknowledged | InProgress, _) => true,
        (Resolved | Ignored, New | Acknowledged) => true,
        _ => false,
    }
}

/// A validated PATCH: each field is None when absent; `owner_id: Some(None)` clears it.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub status: Option<FindingStatus>,
    pub owner_id: Option<Option<String>>,
    pub note: Option<String>,
}

pub const MAX_OWNER_LEN: usize = 128;
pub const MAX_NOTE_LEN: usize = 2000;

pub fn parse_patch(body: &Map<String, Value>) -> Result<Patch, ApiError> {
    let mut details = Map::new();
    let status = match body.get("status") {
        None => None,
        Some(Value::String(s)) => FindingStatus::parse(s).or_else(|| {
            details.insert("status".into(), "must be one of new, acknowledged, in_progress, resolved, ignored".into());
            None
        }),
        Some(_) => {
            details.insert("status".into(), "must be a string".into());
            None
        }
    };
    let owner_id = match body.get("owner_id") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= MAX_OWNER_LEN && !s.chars().any(char::is_control) => {
            Some(Some(s.trim().to_string()))
        }
        Some(_) => {
            details.insert("owner_id".into(), format!("must be null or a non-empty string of at most {MAX_OWNER_LEN} characters").into());
            None
        }
    };
    let note = match body.get("note") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() <= MAX_NOTE_LEN => Some(s.clone()),
        Some(_) => {
            details.insert("note".into(), format!("must be a string of at most {MAX_NOTE_LEN} characters").into());
            None
        }
    };
    if details.is_empty() && status.is_none() && owner_id.is_none() {
        details.insert("body".into(), "must set status and/or owner_id".into());
    }
    if !details.is_empty() {
        return Err(ApiError::InvalidParams { message: "Invalid request parameters.".into(), details });
    }
    Ok(Patch { status, owner_id, note })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use FindingStatus::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn transitions() {
        assert!(transition_allowed(New, InProgress));
        assert!(transition_allowed(InProgress, Acknowledged));
        assert!(transition_allowed(Acknowledged, Resolved));
        assert!(transition_allowed(New, Ignored));
        assert!(transition_allowed(Resolved, New));
        assert!(transition_allowed(Ignored, Acknowledged));
        assert!(!transition_allowed(Resolved, InProgress));
        assert!(!transition_allowed(Ignored, Resolved));
        assert!(!transition_allowed(Resolved, Ignored));
        assert!(transition_allowed(Resolved, Resolved));
    }

    #[test]
    fn patch_parsing() {
        let p = parse_patch(&obj(json!({"status": "in_progress", "owner_id": "alice", "note": "on it"}))).expect("valid");
        assert_eq!(p.status, Some(InProgress));
        assert_eq!(p.owner_id, Some(Some("alice".into())));
        assert_eq!(parse_patch(&obj(json!({"owner_id": null}))).expect("valid").owner_id, Some(None));
        assert!(parse_patch(&obj(json!({"status": "done"}))).is_err());
        assert!(parse_patch(&obj(json!({"owner_id": ""}))).is_err());
        assert!(parse_patch(&obj(json!({"note": "only a note"}))).is_err());
        assert!(parse_patch(&obj(json!({}))).is_err());
    }
}
