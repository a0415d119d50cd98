//! Vocabulary shared by rules, findings and the API: domains and severities.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    Security,
    Performance,
    Accessibility,
}

impl Domain {
    pub const ALL: [Domain; 3] = [Domain::Security, Domain::Performance, Domain::Accessibility];
    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Security => "security",
            Domain::Performance => "performance",
            Domain::Accessibility => "accessibility",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Ordered from most to least severe, so `Ord` sorts critical first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Where a finding is in its lifecycle (the spec's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingStatus {
    New,
    Acknowledged,
    InProgress,
    Resolved,
    Ignored,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 5] = [
        FindingStatus::New,
        FindingStatus::Acknowledged,
        FindingStatus::InProgress,
        FindingStatus::Resolved,
        FindingStatus::Ignored,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::New => "new",
            FindingStatus::Acknowledged => "acknowledged",
            FindingStatus::InProgress => "in_progress",
            FindingStatus::Resolved => "resolved",
            FindingStatus::Ignored => "ignored",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn is_unresolved(self) -> bool {
        matches!(self, FindingStatus::New | FindingStatus::Acknowledged | FindingStatus::InProgress)
    }
}
