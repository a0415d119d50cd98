//! Timestamps as epoch milliseconds, formatted as RFC 3339 UTC with a `Z`.
//! Pure civil-calendar arithmetic so it works on wasm (no SystemTime there).

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) for days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub const DAY_MS: i64 = 86_400_000;

/// `2025-06-10T14:30:00Z` (second precision, as the spec shows).
pub fn rfc3339(ms: i64) -> String {
    let days = ms.div_euclid(DAY_MS);
    let rem = ms.rem_euclid(DAY_MS) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, (rem / 60) % 60, rem % 60)
}

/// `2025-06-10`.
pub fn date_string(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DD` into epoch ms at 00:00:00Z.
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = num(&s[0..4])?;
    let m = num(&s[5..7])? as u32;
    let d = num(&s[8..10])? as u32;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * DAY_MS)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parses an ISO 8601 / RFC 3339 date-time (`2025-06-10T14:30:00Z`,
/// fractional seconds and `±hh:mm` offsets allowed) into epoch ms.
pub fn parse_datetime(s: &str) -> Option<i64> {
    if s.len() < 20 || !s.is_ascii() {
        return None;
    }
    let day = parse_date(&s[0..10])?;
    let sep = s.as_bytes()[10];
    if sep != b'T' && sep != b't' && sep != b' ' {
        return None;
    }
    let t = &s[11..];
    if t.len() < 9 || t.as_bytes()[2] != b':' || t.as_bytes()[5] != b':' {
        return None;
    }
    let hh = num(&t[0..2])?;
    let mi = num(&t[3..5])?;
    let ss = num(&t[6..8])?;
    if hh > 23 || mi > 59 || ss > 60 {
        return None;
    }
    let mut rest = &t[8..];
    let mut frac_ms = 0i64;
    if let Some(r) = rest.strip_prefix('.') {
        let digits: String = r.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            return None;
        }
        let ms3: String = digits.chars().chain("000".chars()).take(3).collect();
        frac_ms = num(&ms3)?;
        rest = &r[digits.len()..];
    }
    let offset_ms = match rest {
        "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && o.as_bytes()[3] == b':' => {
            let h = num(&o[1..3])?;
            let m = num(&o[4..6])?;
            if h > 23 || m > 59 {
                return None;
            }
            let v = (h * 60 + m) * 60_000;
            if o.starts_with('-') { -v } else { v }
        }
        _ => return None,
    };
    Some(day + ((hh * 60 + mi) * 60 + ss.min(59)) * 1000 + frac_ms - offset_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_spec_example() {
        let ms = parse_datetime("2025-06-10T14:30:00Z").expect("parses");
        assert_eq!(rfc3339(ms), "2025-06-10T14:30:00Z");
        assert_eq!(date_string(ms), "2025-06-10");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn round_trips_many_days() {
        for d in (-800_000..800_000).step_by(997) {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn parses_offsets_and_fractions() {
        assert_eq!(parse_datetime("2025-06-10T16:30:00.5+02:00"), parse_datetime("2025-06-10T14:30:00.500Z"));
        assert_eq!(parse_datetime("2025-06-10"), None);
        assert_eq!(parse_date("2025-02-29"), None);
        assert!(parse_date("2024-02-29").is_some());
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_datetime("2025-06-10T25:00:00Z"), None);
        assert_eq!(parse_datetime("garbage-garbage-garbage"), None);
    }
}
