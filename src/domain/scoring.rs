//! Scores: a finding's priority and a project's health. Documented in the
//! README; both reproduce the spec's examples.
use crate::domain::model::Severity;

/// Priority in 0..=100: the mean of impact and risk, moved by up to ±5 by
/// effort (quick fixes rank a little higher, costly ones a little lower).
/// `priority_score(80, 20, 90) == 88`, the spec's example.
pub fn priority_score(impact: u8, effort: u8, risk: u8) -> u8 {
    let base = (impact.min(100) as f64 + risk.min(100) as f64) / 2.0;
    let effort_adj = (50.0 - effort.min(100) as f64) / 10.0;
    (base + effort_adj).round().clamp(0.0, 100.0) as u8
}

/// The impact a violation carries when it overrides its rule's severity.
pub fn impact_for(severity: Severity) -> u8 {
    match severity {
        Severity::Critical => 90,
        Severity::High => 75,
        Severity::Medium => 55,
        Severity::Low => 35,
        Severity::Info => 15,
    }
}

/// Health penalty: 1 point per unresolved finding plus 11 more per critical
/// one (so a critical finding costs 12), capped at 95.
/// 11 unresolved of which 2 critical → 11 + 22 = 33 → health 67 (the spec).
pub fn health_score(unresolved: u64, critical: u64) -> u8 {
    let penalty = unresolved.saturating_add(critical.saturating_mul(11)).min(95);
    (100 - penalty) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert_eq!(priority_score(80, 20, 90), 88);
        assert_eq!(health_score(11, 2), 67);
        assert_eq!(health_score(0, 0), 100);
        assert_eq!(health_score(1000, 10), 5);
    }

    #[test]
    fn monotone_and_bounded() {
        assert!(priority_score(90, 20, 90) > priority_score(80, 20, 90));
        assert!(priority_score(80, 20, 95) > priority_score(80, 20, 90));
        assert!(priority_score(80, 60, 90) < priority_score(80, 20, 90));
        assert_eq!(priority_score(100, 0, 100), 100);
        assert_eq!(priority_score(0, 100, 0), 0);
        assert_eq!(priority_score(255, 255, 255), 95);
    }
}
