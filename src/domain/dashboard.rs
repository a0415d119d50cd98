//! The command center's arithmetic: the period, and the projection model
//! behind `expected_impact`. Pure; the store supplies the counts.
use crate::domain::error::ApiError;
use crate::domain::model::Severity;
use crate::domain::time::{day_start_ms, parse_date, parse_datetime, utc_day};
use chrono::{Days, NaiveDate};

/// Longest period one request may ask for.
pub const MAX_PERIOD_DAYS: i64 = 366;
/// Default period: the last 7 days, today included.
pub const DEFAULT_DAYS: u64 = 7;

/// A period of whole UTC days, `from` and `to` inclusive; `[start_ms, end_ms]`
/// covers every millisecond in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn start_ms(&self) -> i64 {
        day_start_ms(self.from)
    }
    pub fn end_ms(&self) -> i64 {
        day_start_ms(self.to) + 86_400_000 - 1
    }
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
    /// The period of equal length just before this one.
    pub fn previous(&self) -> Period {
        let len = Days::new(self.days().unsigned_abs());
        // Parsed dates have 4-digit years, so stepping back a year stays in range.
        let back = |d: NaiveDate| d.checked_sub_days(len).unwrap_or(NaiveDate::MIN);
        Period { from: back(self.from), to: back(self.to) }
    }
    pub fn from_str(&self) -> String {
        self.from.to_string()
    }
    pub fn to_str(&self) -> String {
        self.to.to_string()
    }
}

fn day_of(field: &str, s: &str) -> Result<NaiveDate, ApiError> {
    parse_date(s)
        .or_else(|| parse_datetime(s).map(|t| t.date_naive()))
        .ok_or_else(|| ApiError::invalid(field, "must be an ISO 8601 date (2025-06-10) or date-time (2025-06-10T14:30:00Z)"))
}

/// Resolves `date_from`/`date_to` (dates or date-times, taken as the UTC day
/// they fall on). Both omitted: the last 7 days including today. Only
/// `date_from`: from it through today (a future start fails the order
/// check). Only `date_to`: the 7 days ending on it.
pub fn resolve_period(date_from: Option<&str>, date_to: Option<&str>, now_ms: i64) -> Result<Period, ApiError> {
    let today = utc_day(now_ms);
    let week_before = |d: NaiveDate| d.checked_sub_days(Days::new(DEFAULT_DAYS - 1)).unwrap_or(NaiveDate::MIN);
    let (from, to) = match (date_from, date_to) {
        (None, None) => (week_before(today), today),
        (Some(f), None) => (day_of("date_from", f)?, today),
        (None, Some(t)) => {
            let t = day_of("date_to", t)?;
            (week_before(t), t)
        }
        (Some(f), Some(t)) => (day_of("date_from", f)?, day_of("date_to", t)?),
    };
    if from > to {
        return Err(ApiError::invalid("date_from", "must not be after date_to"));
    }
    let p = Period { from, to };
    if p.days() > MAX_PERIOD_DAYS {
        return Err(ApiError::invalid("date_to", format!("the period may span at most {MAX_PERIOD_DAYS} days")));
    }
    Ok(p)
}

/// Share of the remaining problem a single finding of this severity is
/// assumed to represent when fixed (see README, "expected impact").
pub fn severity_weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 0.25,
        Severity::High => 0.15,
        Severity::Medium => 0.08,
        Severity::Low => 0.03,
        Severity::Info => 0.01,
    }
}

/// 100 × (1 − Π(1 − w·c̄)ⁿ) over the open findings of one domain, grouped by
/// severity (n findings of mean confidence c̄ each): the chance that fixing
/// them removes "a problem that matters", treating each finding as an
/// independent contributor weighted by severity and confidence. It rises with
/// every finding, never reaches 100, and is 0 with none.
pub fn combined_pct(groups: &[(Severity, f64, u64)]) -> u8 {
    let keep: f64 = groups
        .iter()
        .map(|(s, c, n)| (1.0 - severity_weight(*s) * c.clamp(0.0, 1.0)).powf(*n as f64))
        .product();
    ((1.0 - keep) * 100.0).round().clamp(0.0, 100.0) as u8
}

/// The project's observed regression rate: of the findings that were ever
/// resolved, the share that came back. With no history, 0.
pub fn regression_pct(regressed: u64, ever_resolved: u64) -> u8 {
    if ever_resolved == 0 {
        return 0;
    }
    ((regressed as f64 / ever_resolved as f64) * 100.0).round().clamp(0.0, 100.0) as u8
}

/// One row of the command center's daily trend: the UTC day, findings first
/// seen (created) that day and findings resolved that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    pub date: String,
    pub new_findings: u64,
    pub resolved_findings: u64,
}

/// Every day of `period` in order, with the counts the store found keyed by
/// epoch day (ms / 86 400 000); days without any count are 0, so a chart
/// has one point per day.
pub fn daily_series(period: &Period, created: &[(i64, u64)], resolved: &[(i64, u64)]) -> Vec<DayCount> {
    let first = period.start_ms().div_euclid(86_400_000);
    let days = period.days().clamp(0, MAX_PERIOD_DAYS);
    let at = |rows: &[(i64, u64)], day: i64| rows.iter().filter(|(d, _)| *d == day).map(|(_, n)| *n).sum();
    (0..days)
        .filter_map(|i| {
            let date = period.from.checked_add_days(Days::new(i.unsigned_abs()))?;
            Some(DayCount { date: date.to_string(), new_findings: at(created, first + i), resolved_findings: at(resolved, first + i) })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_749_565_800_000; // 2025-06-10T14:30:00Z

    #[test]
    fn default_is_last_seven_days_including_today() {
        let p = resolve_period(None, None, NOW).expect("ok");
        assert_eq!((p.from_str().as_str(), p.to_str().as_str()), ("2025-06-04", "2025-06-10"));
        assert_eq!(p.days(), 7);
        assert_eq!(p.previous().to_str(), "2025-06-03");
        assert_eq!(p.previous().from_str(), "2025-05-28");
        assert_eq!((p.start_ms(), p.end_ms()), (1_748_995_200_000, 1_749_599_999_999));
    }

    #[test]
    fn spec_example_and_one_sided() {
        let p = resolve_period(Some("2025-06-01T00:00:00Z"), Some("2025-06-10T23:59:59Z"), NOW).expect("ok");
        assert_eq!((p.from_str().as_str(), p.to_str().as_str()), ("2025-06-01", "2025-06-10"));
        let p = resolve_period(Some("2025-06-08"), None, NOW).expect("ok");
        assert_eq!((p.from_str().as_str(), p.to_str().as_str()), ("2025-06-08", "2025-06-10"));
        let p = resolve_period(None, Some("2025-05-31"), NOW).expect("ok");
        assert_eq!((p.from_str().as_str(), p.to_str().as_str()), ("2025-05-25", "2025-05-31"));
    }

    #[test]
    fn refusals() {
        assert!(resolve_period(Some("yesterday"), None, NOW).is_err());
        assert!(resolve_period(Some("2025-06-10"), Some("2025-06-01"), NOW).is_err());
        assert!(resolve_period(Some("2020-01-01"), Some("2025-01-01"), NOW).is_err());
        assert!(resolve_period(Some("2025-02-30"), None, NOW).is_err());
        assert!(resolve_period(Some("2024-06-10"), Some("2025-06-10"), NOW).is_ok(), "366 days");
        assert!(resolve_period(Some("2024-06-09"), Some("2025-06-10"), NOW).is_err(), "367 days");
    }

    #[test]
    fn projection_model() {
        assert_eq!(combined_pct(&[]), 0);
        assert_eq!(combined_pct(&[(Severity::Critical, 1.0, 1)]), 25);
        assert_eq!(combined_pct(&[(Severity::Critical, 1.0, 2)]), 44);
        assert!(combined_pct(&[(Severity::Critical, 1.0, 1), (Severity::Low, 1.0, 1)]) > 25);
        assert!(combined_pct(&[(Severity::Critical, 1.0, 1000)]) <= 100);
        assert_eq!(regression_pct(0, 0), 0);
        assert_eq!(regression_pct(1, 4), 25);
    }

    #[test]
    fn daily_series_has_one_row_per_day_with_counts_on_their_day() {
        let p = resolve_period(Some("2025-06-08"), Some("2025-06-10"), NOW).expect("ok");
        let day = |s: &str| crate::domain::time::day_start_ms(parse_date(s).expect("date")) / 86_400_000;
        let rows = daily_series(&p, &[(day("2025-06-08"), 3), (day("2025-06-10"), 1)], &[(day("2025-06-09"), 2)]);
        let got: Vec<(&str, u64, u64)> = rows.iter().map(|r| (r.date.as_str(), r.new_findings, r.resolved_findings)).collect();
        assert_eq!(got, vec![("2025-06-08", 3, 0), ("2025-06-09", 0, 2), ("2025-06-10", 1, 0)]);
        // Counts outside the period are not shown.
        assert!(daily_series(&p, &[(day("2025-06-07"), 5)], &[]).iter().all(|r| r.new_findings == 0));
    }
}
