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

/// Points of health lost per tenfold increase of the weighted count.
const HEALTH_POINTS_PER_DECADE: f64 = 15.0;
/// The scale of the weighted count (w = 9 × 0.21 costs 15 points); chosen
/// so that the spec's example (11 unresolved, 2 critical → 67) holds.
const HEALTH_SCALE: f64 = 0.21;

/// Health: 100 minus a penalty capped at 95, computed from the unresolved
/// and critical counts. The weighted count w = unresolved + 11 × critical (a
/// critical finding weighs 12) and the penalty is 15 × log10(1 + w / 0.21):
/// it rises with every finding but ever more slowly (each tenfold increase
/// of w costs 15 points), so a few hundred findings and a few thousand still
/// differ; it reaches the cap only at w ≈ 450 000.
/// 11 unresolved of which 2 critical → w = 33 → penalty 32.99 → 67 (the spec).
pub fn health_score(unresolved: u64, critical: u64) -> u8 {
    let w = unresolved.saturating_add(critical.saturating_mul(11)) as f64;
    let penalty = (HEALTH_POINTS_PER_DECADE * (1.0 + w / HEALTH_SCALE).log10()).clamp(0.0, 95.0);
    (100.0 - penalty.round()) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert_eq!(priority_score(80, 20, 90), 88);
        assert_eq!(health_score(11, 2), 67);
        assert_eq!(health_score(0, 0), 100);
    }

    #[test]
    fn health_table() {
        // The README's table of values.
        let table = [
            ((0, 0), 100),
            ((1, 0), 89),
            ((1, 1), 74),
            ((5, 0), 79),
            ((11, 2), 67),
            ((20, 0), 70),
            ((100, 0), 60),
            ((100, 10), 55),
            ((300, 0), 53),
            ((300, 30), 48),
            ((1000, 0), 45),
            ((1000, 100), 40),
            ((3000, 0), 38),
            ((3000, 300), 33),
            ((10_000, 0), 30),
            ((10_000, 1000), 25),
            ((30_000, 3000), 18),
            ((100_000, 0), 15),
            ((100_000, 10_000), 10),
            ((1_000_000, 0), 5),
        ];
        for ((u, c), want) in table {
            assert_eq!(health_score(u, c), want, "health_score({u}, {c})");
        }
    }

    #[test]
    fn health_monotone_distinguishing_and_capped() {
        // Never rises as findings are added, ordinary or critical.
        let mut last = 100;
        for u in 0..20_000u64 {
            let h = health_score(u, 0);
            assert!(h <= last, "{u}");
            assert!(health_score(u, u / 10) <= h);
            assert!(health_score(u + 1, u / 10 + 1) <= health_score(u + 1, u / 10));
            last = h;
        }
        // A few hundred findings and a few thousand differ, with or without critical ones.
        assert!(health_score(300, 0) > health_score(3000, 0));
        assert!(health_score(300, 30) > health_score(3000, 300));
        assert!(health_score(200, 5) > health_score(2000, 50));
        // Two ordinary pages (a few dozen findings, some critical) are far from the floor.
        assert!(health_score(60, 4) > 50);
        // The penalty is capped at 95, reached only for very large counts.
        assert!(health_score(400_000, 0) > 5);
        assert_eq!(health_score(500_000, 0), 5);
        assert_eq!(health_score(u64::MAX, u64::MAX), 5);
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
