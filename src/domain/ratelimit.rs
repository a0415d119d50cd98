//! Sliding-window-log rate limiting arithmetic. Pure: the Durable Object keeps
//! the log of admission times and calls [`decide`]; nothing here does I/O.
//!
//! A request is admitted iff fewer than `limit` requests were admitted in the
//! half-open window `(now - window, now]`. This is a true rolling window: no
//! 60-second span ever holds more than `limit` admissions.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub admitted: bool,
    pub limit: u32,
    /// Requests still admissible right now after this one.
    pub remaining: u32,
    /// Seconds (rounded up) until the oldest admission in the window expires,
    /// i.e. until at least one more request can be admitted; 0 if the window is empty.
    pub reset_secs: u64,
    /// Seconds to wait before retrying (only meaningful when not admitted; ≥ 1).
    pub retry_after_secs: u64,
}

/// A named bucket: its limit per rolling window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    pub limit: u32,
    pub window_ms: u64,
}

impl Bucket {
    /// The spec's strict bucket: 30 requests per rolling 60 s per team.
    pub fn strict() -> Bucket {
        Bucket { name: "strict".into(), limit: 30, window_ms: 60_000 }
    }
    /// Reads: `limit` per rolling 60 s per team (configurable, see README).
    pub fn standard(limit: u32) -> Bucket {
        Bucket { name: "standard".into(), limit: limit.max(1), window_ms: 60_000 }
    }
}

fn ceil_secs(ms: u64) -> u64 {
    ms.div_ceil(1000)
}

/// Decides one request at `now_ms` given the admission times still stored
/// (any order; entries outside the window are ignored). Returns the decision;
/// the caller records `now_ms` when admitted.
pub fn decide(now_ms: u64, log: &[u64], bucket: &Bucket) -> Decision {
    let window_start = now_ms.saturating_sub(bucket.window_ms);
    let mut in_window: Vec<u64> = log.iter().copied().filter(|t| *t > window_start && *t <= now_ms).collect();
    in_window.sort_unstable();
    let used = in_window.len() as u32;
    let admitted = used < bucket.limit;
    if admitted {
        in_window.insert(0, now_ms);
        in_window.sort_unstable();
    }
    let count = in_window.len() as u32;
    let remaining = bucket.limit.saturating_sub(count);
    // The earliest admission that must expire before another request fits.
    let oldest = in_window.first().copied();
    let reset_secs = oldest.map(|t| ceil_secs((t + bucket.window_ms).saturating_sub(now_ms))).unwrap_or(0);
    let retry_after_secs = if admitted {
        0
    } else {
        // Need `count - limit + 1` expiries; with count == limit that's the oldest.
        let idx = (count.saturating_sub(bucket.limit)) as usize;
        let t = in_window.get(idx).copied().unwrap_or(now_ms);
        ceil_secs((t + bucket.window_ms).saturating_sub(now_ms)).max(1)
    };
    Decision { admitted, limit: bucket.limit, remaining, reset_secs, retry_after_secs }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> Bucket {
        Bucket::strict()
    }

    #[test]
    fn admits_up_to_limit_then_refuses() {
        let b = strict();
        let mut log = Vec::new();
        for i in 0..30u64 {
            let d = decide(1_000 + i, &log, &b);
            assert!(d.admitted, "request {i}");
            assert_eq!(d.remaining, 29 - i as u32);
            log.push(1_000 + i);
        }
        let d = decide(1_100, &log, &b);
        assert!(!d.admitted);
        assert_eq!(d.remaining, 0);
        // oldest at 1000 expires at 61000: 59.9 s away -> 60
        assert_eq!(d.retry_after_secs, 60);
    }

    #[test]
    fn window_is_rolling_not_fixed() {
        let b = strict();
        // 30 admissions spread over the first 30 s.
        let log: Vec<u64> = (0..30).map(|i| i * 1_000 + 1).collect();
        // At 60.5 s only the first (t=1) has expired: exactly one slot.
        let d = decide(60_500, &log, &b);
        assert!(d.admitted);
        assert_eq!(d.remaining, 0);
        let mut log2 = log.clone();
        log2.push(60_500);
        assert!(!decide(60_600, &log2, &b).admitted);
    }

    #[test]
    fn decide_never_admits_more_than_limit_in_any_window() {
        // Requests every 137 ms for 5 minutes, recording only what `decide` admits.
        let b = strict();
        let (mut log, mut refused) = (Vec::new(), Vec::new());
        for t in (1..300_000u64).step_by(137) {
            if decide(t, &log, &b).admitted {
                log.push(t);
            } else {
                refused.push(t);
            }
        }
        let in_window = |end: u64| log.iter().filter(|a| **a > end.saturating_sub(60_000) && **a <= end).count();
        // No rolling window ending at an admission holds more than 30 ...
        for a in &log {
            assert!(in_window(*a) <= 30, "window ending at {a} holds {}", in_window(*a));
        }
        // ... and every refusal happened with the window full (not too strict).
        for r in &refused {
            assert_eq!(in_window(*r), 30, "refused at {r} with room left");
        }
        assert_eq!(log.len(), 150, "30 per minute over 5 minutes");
    }

    #[test]
    fn boundary_is_exclusive_of_window_start() {
        let b = Bucket { name: "t".into(), limit: 1, window_ms: 1_000 };
        assert!(!decide(1_999, &[1_000], &b).admitted);
        assert!(decide(2_000, &[1_000], &b).admitted);
    }

    #[test]
    fn empty_window_resets_immediately() {
        let d = decide(5_000, &[], &strict());
        assert!(d.admitted);
        assert_eq!(d.remaining, 29);
        assert_eq!(d.reset_secs, 60);
    }
}
