//! Timestamps are epoch milliseconds (what D1 stores and `worker::Date` gives),
//! shown as RFC 3339 UTC with a `Z` at second precision. A thin layer over
//! chrono, built without its clock: "now" always comes from the caller.
use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};

/// The instant `ms` after the epoch. Values past chrono's range (±262 000
/// years; never produced by a clock) clamp to its ends instead of panicking.
pub fn at_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(if ms < 0 { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC })
}

/// `2025-06-10T14:30:00Z` (second precision, as the spec shows).
pub fn rfc3339(ms: i64) -> String {
    at_ms(ms).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The UTC day `ms` falls on.
pub fn utc_day(ms: i64) -> NaiveDate {
    at_ms(ms).date_naive()
}

/// Epoch ms of 00:00:00Z on `day`.
pub fn day_start_ms(day: NaiveDate) -> i64 {
    day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp_millis()
}

/// `now_ms` minus `days` whole days (saturating: a huge setting means "nothing is old").
pub fn days_before(now_ms: i64, days: u32) -> i64 {
    TimeDelta::try_days(i64::from(days)).map_or(i64::MIN, |d| now_ms.saturating_sub(d.num_milliseconds()))
}

/// Exactly `YYYY-MM-DD` (chrono's `%Y` alone would also take signs and other widths).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(n(0..4)? as i32, n(5..7)?, n(8..10)?)
}

/// An RFC 3339 date-time (`2025-06-10T14:30:00Z`; `t` or a space as the
/// separator, fractional seconds and `±hh:mm` offsets allowed) as UTC.
/// ASCII only: chrono would also take U+2212 as the offset's minus sign.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    if !s.is_ascii() {
        return None;
    }
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        parse_datetime(s).expect("parses").timestamp_millis()
    }

    #[test]
    fn formats_spec_example() {
        let t = ms("2025-06-10T14:30:00Z");
        assert_eq!(t, 1_749_565_800_000);
        assert_eq!(rfc3339(t), "2025-06-10T14:30:00Z");
        assert_eq!(rfc3339(t + 999), "2025-06-10T14:30:00Z", "milliseconds are not shown");
        assert_eq!(utc_day(t).to_string(), "2025-06-10");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(day_start_ms(utc_day(t)), 1_749_513_600_000);
        assert_eq!(days_before(t, 90), t - 90 * 86_400_000);
        assert_eq!(rfc3339(i64::MAX), rfc3339(DateTime::<Utc>::MAX_UTC.timestamp_millis()));
    }

    #[test]
    fn parses_offsets_and_fractions() {
        assert_eq!(ms("2025-06-10T16:30:00.5+02:00"), ms("2025-06-10T14:30:00.500Z"));
        assert_eq!(ms("2025-06-10t14:30:00.1239z"), ms("2025-06-10 14:30:00.123Z"));
        assert_eq!(parse_datetime("2025-06-10"), None);
        assert_eq!(parse_datetime("2025-06-10T14:30:00"), None, "an offset is required");
        assert_eq!(parse_datetime("2025-06-10T14:30:00\u{2212}02:00"), None);
        assert_eq!(parse_date("2025-02-29"), None);
        assert!(parse_date("2024-02-29").is_some());
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("+2025-1-01"), None);
        assert_eq!(parse_datetime("2025-06-10T25:00:00Z"), None);
        assert_eq!(parse_datetime("garbage-garbage-garbage"), None);
    }
}
