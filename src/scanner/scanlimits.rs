//! What one scan may cost and how long it may take: the per-scan subrequest
//! budget, the consumer's concurrency and batch size against the platform's
//! per-invocation limits, and the lease that must outlast the longest scan.
//! Pure: the consumer and the fetcher use these, and the tests below check
//! that the numbers still fit together when someone changes one of them.
//!
//! Platform figures (Cloudflare Workers limits page): an invocation (one
//! queue batch) may make 50 subrequests on Workers Free and 1000 on Workers
//! Paid (the page's current edition lists 10 000 and a `limits.subrequests`
//! setting; we size for 1000). Fetches and DNS-over-HTTPS queries are
//! subrequests; D1 and Queue calls count against the separate 1000-per-
//! invocation limit for Cloudflare services. A Paid invocation has 30 s of
//! CPU by default (`limits.cpu_ms` raises it; Free has 10 ms).
use crate::scanner::fetchpolicy::{AUX_BUDGET_MS, MAX_REDIRECTS, MAX_SUBRESOURCES};
use std::cell::Cell;

/// Subrequests (fetches + DoH queries) one scan may make. The main document
/// always fits (see `MAIN_MAX_SUBREQUESTS`); auxiliary requests that would go
/// past it are skipped, and the scan's summary counts them.
pub const SCAN_SUBREQUESTS: u32 = 40;
/// DoH queries per new hostname: A and AAAA.
pub const DOH_PER_HOST: u32 = 2;
/// The main document at most: every hop (the first request and each
/// redirect) is one fetch plus a DoH pair when it names a new host.
pub const MAIN_MAX_SUBREQUESTS: u32 = (MAX_REDIRECTS as u32 + 1) * (1 + DOH_PER_HOST);
/// Auxiliary requests a scan starts: subresource HEADs, the http:// and
/// https:// probes, the CORS preflight and security.txt. Each costs one fetch
/// when it stays on the page's host; redirects and new hosts cost more.
pub const AUX_REQUESTS: u32 = MAX_SUBRESOURCES as u32 + 4;

/// Messages one consumer invocation works on at once.
pub const CONSUMER_CONCURRENCY: usize = 4;
/// `max_batch_size` of the scan queue in wrangler.scanner.toml (a test
/// checks the file says the same).
pub const MAX_BATCH_SIZE: u32 = 10;
pub const FREE_SUBREQUESTS_PER_INVOCATION: u32 = 50;
pub const PAID_SUBREQUESTS_PER_INVOCATION: u32 = 1000;

/// Largest main-document budget `SCAN_BUDGET_MS` may ask for (the variable
/// is clamped to it, so the lease below holds whatever is configured).
pub const MAX_MAIN_BUDGET_MS: u64 = 30_000;
/// CPU one invocation may use (the Paid default). All the analysis of the
/// scans in one batch happens on one thread inside it, so it bounds how long
/// a scan can be kept waiting by the others as well as its own analysis.
pub const INVOCATION_CPU_MS: u64 = 30_000;
/// D1's limit on one statement or batch (the scan's persist batch).
pub const D1_BATCH_MS: u64 = 30_000;
/// Processing attempts before a transiently failing scan (or one whose lease
/// keeps expiring) is failed for good: the consumer and the cron's recovery share it.
pub const MAX_ATTEMPTS: u32 = 3;

/// How long a consumer owns a running scan before another may take it over.
/// A literal on purpose: `lease_outlasts_the_longest_scan` fails when a
/// budget above grows past it.
pub const LEASE_MS: i64 = 120_000;

/// The longest a claimed scan can run: the main document (DoH included),
/// the auxiliary requests (all concurrent, one shared deadline), all the CPU
/// of the invocation (its own analysis and its neighbours'), and the write.
pub const fn longest_scan_ms() -> u64 {
    MAX_MAIN_BUDGET_MS + AUX_BUDGET_MS + INVOCATION_CPU_MS + D1_BATCH_MS
}

/// A scan's running count of subrequests. Shared by the scan's concurrent
/// requests (one thread: a `Cell` is enough).
#[derive(Debug)]
pub struct SubrequestBudget {
    limit: u32,
    used: Cell<u32>,
    skipped: Cell<u32>,
}

impl SubrequestBudget {
    pub fn new(limit: u32) -> Self {
        SubrequestBudget { limit, used: Cell::new(0), skipped: Cell::new(0) }
    }

    /// Takes `n` subrequests if they fit; all or nothing.
    pub fn try_take(&self, n: u32) -> bool {
        let used = self.used.get();
        match used.checked_add(n) {
            Some(total) if total <= self.limit => {
                self.used.set(total);
                true
            }
            _ => false,
        }
    }

    pub fn used(&self) -> u32 {
        self.used.get()
    }

    pub fn remaining(&self) -> u32 {
        self.limit - self.used.get()
    }

    /// Records an auxiliary request left out (or cut short) for want of budget.
    pub fn note_skipped(&self) {
        self.skipped.set(self.skipped.get() + 1);
    }

    pub fn skipped(&self) -> u32 {
        self.skipped.get()
    }
}

// The main document must always fit, whatever the auxiliary requests need.
const _: () = assert!(MAIN_MAX_SUBREQUESTS <= SCAN_SUBREQUESTS);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::fetchpolicy::MAIN_BUDGET_MS;

    #[test]
    fn budget_accounting_is_all_or_nothing() {
        let b = SubrequestBudget::new(5);
        assert!(b.try_take(2));
        assert!(b.try_take(1));
        assert!(!b.try_take(3), "2 + 1 + 3 > 5");
        assert_eq!(b.used(), 3, "a refused take takes nothing");
        assert!(b.try_take(2));
        assert_eq!(b.remaining(), 0);
        assert!(!b.try_take(1));
        assert!(b.try_take(0));
        assert!(!b.try_take(u32::MAX), "no overflow");
        b.note_skipped();
        assert_eq!((b.used(), b.skipped()), (5, 1));
    }

    #[test]
    fn main_document_and_every_plain_aux_request_fit_one_scan() {
        // Worst main document (6 hops on 6 new hosts) = 18; leaves room for
        // each auxiliary request on the page's host plus some redirects.
        assert_eq!(MAIN_MAX_SUBREQUESTS, 18);
        assert!(MAIN_MAX_SUBREQUESTS + AUX_REQUESTS <= SCAN_SUBREQUESTS, "{} + {} > {}", MAIN_MAX_SUBREQUESTS, AUX_REQUESTS, SCAN_SUBREQUESTS);
        // A typical scan (one hop on a new host, every aux request once, the
        // http:// probe redirected once) is far inside.
        let typical = (1 + DOH_PER_HOST) + AUX_REQUESTS + 1;
        assert!(typical <= SCAN_SUBREQUESTS);
    }

    #[test]
    fn a_full_batch_fits_the_paid_invocation_limit() {
        assert!(MAX_BATCH_SIZE * SCAN_SUBREQUESTS <= PAID_SUBREQUESTS_PER_INVOCATION);
        // On Workers Free one scan per invocation is all that fits.
        assert_eq!(FREE_SUBREQUESTS_PER_INVOCATION / SCAN_SUBREQUESTS, 1);
        assert!(CONSUMER_CONCURRENCY as u32 <= MAX_BATCH_SIZE);
    }

    #[test]
    fn the_scanner_config_matches_these_constants() {
        let toml = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/wrangler.scanner.toml"));
        let sizes: Vec<u32> = toml
            .lines()
            .filter_map(|l| l.trim().strip_prefix("max_batch_size"))
            .filter_map(|rest| rest.trim().strip_prefix('=')?.trim().parse().ok())
            .collect();
        assert!(!sizes.is_empty(), "wrangler.scanner.toml sets max_batch_size");
        assert!(sizes.iter().all(|&n| n == MAX_BATCH_SIZE), "max_batch_size {sizes:?} != {MAX_BATCH_SIZE}");
        // A raised CPU limit lengthens the longest scan past the lease.
        assert!(!toml.lines().any(|l| l.trim().starts_with("cpu_ms")), "raise LEASE_MS with limits.cpu_ms");
    }

    #[test]
    fn lease_outlasts_the_longest_scan() {
        assert!(MAIN_BUDGET_MS <= MAX_MAIN_BUDGET_MS, "the default main budget is within the clamp");
        assert!(
            LEASE_MS as u64 > longest_scan_ms(),
            "LEASE_MS {LEASE_MS} must exceed the longest scan {} ms",
            longest_scan_ms()
        );
    }
}
