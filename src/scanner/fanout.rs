//! Queue messages, and how the minute cron fans due schedules out through
//! the queue fairly across orgs. Pure: the cron, the consumer and the tests
//! use the same decisions.
//!
//! The cron does not claim schedules itself. It lists the orgs that have due
//! schedules and sends one `SchedulePage` message per org. The consumer
//! claims up to `PAGE` of that org's due schedules in one D1 batch, sends
//! their scan jobs, and when the page was full sends the org's next page to
//! the back of the queue. Every org with due work therefore gets a page
//! before any org gets its second one (round-robin by org, in pages), and no
//! single invocation handles more than one page per message.
use serde::{Deserialize, Serialize};

/// Due schedules of one org claimed per page message: with a scan, a claim
/// is two statements (insert, advance), so a page is one D1 batch of at most
/// 100 statements, each binding at most 7 parameters.
pub const PAGE: usize = 50;
/// Orgs listed per cron query (keyset pages by org id).
pub const ORG_PAGE: u32 = 500;
/// Queue `sendBatch` takes at most 100 messages.
pub const SEND_BATCH_MAX: usize = 100;
/// Schedules one project may have. Every schedule is one scan per slot; the
/// cap keeps one project from owning the org's hourly scheduled-scan budget
/// with hundreds of near-identical schedules.
pub const MAX_SCHEDULES_PER_PROJECT: u64 = 50;

/// A scan job. Only the id travels; the consumer reads the rest (including
/// the URL) from D1, so a message can never disagree with the row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanJob {
    pub scan_id: String,
}

/// Claim the next page of one org's due schedules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulePage {
    pub kind: PageKind,
    pub org_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageKind {
    #[serde(rename = "schedule_page")]
    SchedulePage,
}

impl SchedulePage {
    pub fn new(org_id: &str) -> Self {
        SchedulePage { kind: PageKind::SchedulePage, org_id: org_id.to_string() }
    }
}

/// Send (or retry) one webhook delivery. Only the id travels: the body,
/// URL and secret are read from D1 at each attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub kind: DeliveryKind,
    pub delivery_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryKind {
    #[serde(rename = "webhook_delivery")]
    WebhookDelivery,
}

impl WebhookDelivery {
    pub fn new(delivery_id: &str) -> Self {
        WebhookDelivery { kind: DeliveryKind::WebhookDelivery, delivery_id: delivery_id.to_string() }
    }
}

/// A message on the scan queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Scan(ScanJob),
    SchedulePage(SchedulePage),
    WebhookDelivery(WebhookDelivery),
}

/// Parses a message body (JSON text). Scan jobs carry no `kind`, as before
/// the fan-out existed, so messages already queued keep working.
pub fn parse_job(body: &str) -> Option<Job> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    match v.get("kind").and_then(|k| k.as_str()) {
        Some("webhook_delivery") => serde_json::from_value(v).ok().map(Job::WebhookDelivery),
        Some(_) => serde_json::from_value(v).ok().map(Job::SchedulePage),
        None if v.get("kind").is_some() => None,
        None => serde_json::from_value(v).ok().map(Job::Scan),
    }
}

/// An org with due schedules, as the cron lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueOrg {
    pub org_id: String,
    /// The oldest due slot (epoch ms).
    pub oldest: i64,
}

/// The order the cron sends one listing's org pages in: the longest-waiting
/// org first (then by id, so the order is total).
pub fn fanout_order(orgs: &mut [DueOrg]) {
    orgs.sort_by(|a, b| a.oldest.cmp(&b.oldest).then_with(|| a.org_id.cmp(&b.org_id)));
}

/// How many rows of a page (already in due order) get a scan, given the
/// org's scheduled scans in the last hour and its hourly cap; the rest are
/// skipped (advanced to their next slot without a scan).
pub fn scans_in_page(rows: usize, scans_last_hour: u64, cap: u32) -> usize {
    let room = (cap as u64).saturating_sub(scans_last_hour);
    rows.min(room.min(usize::MAX as u64) as usize)
}

/// Whether to send the org's next page: this one was full, and claimed at
/// least one slot (a page whose slots all went to another run leaves the
/// rest to that run, so two chains never chase each other forever).
pub fn needs_next_page(rows: usize, claimed: usize) -> bool {
    rows >= PAGE && claimed > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    #[test]
    fn messages_round_trip_and_old_scan_jobs_still_parse() {
        assert_eq!(parse_job(r#"{"scan_id":"a"}"#), Some(Job::Scan(ScanJob { scan_id: "a".into() })));
        let page = serde_json::to_string(&SchedulePage::new("o")).expect("serialises");
        assert_eq!(page, r#"{"kind":"schedule_page","org_id":"o"}"#);
        assert_eq!(parse_job(&page), Some(Job::SchedulePage(SchedulePage::new("o"))));
        let hook = serde_json::to_string(&WebhookDelivery::new("d")).expect("serialises");
        assert_eq!(hook, r#"{"kind":"webhook_delivery","delivery_id":"d"}"#);
        assert_eq!(parse_job(&hook), Some(Job::WebhookDelivery(WebhookDelivery::new("d"))));
        for bad in ["", "[]", "{}", r#"{"kind":"nope","org_id":"o"}"#, r#"{"kind":"schedule_page"}"#, r#"{"scan_id":5}"#, r#"{"kind":"webhook_delivery"}"#, r#"{"kind":5,"scan_id":"a"}"#] {
            assert_eq!(parse_job(bad), None, "{bad}");
        }
    }

    #[test]
    fn longest_waiting_org_goes_first() {
        let mut orgs = vec![
            DueOrg { org_id: "b".into(), oldest: 5 },
            DueOrg { org_id: "c".into(), oldest: 1 },
            DueOrg { org_id: "a".into(), oldest: 5 },
        ];
        fanout_order(&mut orgs);
        let ids: Vec<&str> = orgs.iter().map(|o| o.org_id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
    }

    #[test]
    fn the_hourly_cap_splits_a_page() {
        assert_eq!(scans_in_page(50, 0, 60), 50);
        assert_eq!(scans_in_page(50, 30, 60), 30);
        assert_eq!(scans_in_page(50, 60, 60), 0);
        assert_eq!(scans_in_page(50, 99, 60), 0);
        assert_eq!(scans_in_page(3, 0, 60), 3);
        assert_eq!(scans_in_page(5, 0, 3), 3);
    }

    /// Plays the cron and the consumer against a FIFO queue: the order in
    /// which schedules get claimed is round-robin by org, a page at a time.
    #[test]
    fn pages_interleave_orgs_through_the_queue() {
        let mut due: Vec<(String, usize)> = vec![("big".into(), 120), ("small".into(), 7), ("mid".into(), 60)];
        let mut orgs: Vec<DueOrg> = due.iter().enumerate().map(|(i, (o, _))| DueOrg { org_id: o.clone(), oldest: i as i64 }).collect();
        fanout_order(&mut orgs);
        let mut queue: VecDeque<SchedulePage> = orgs.iter().map(|o| SchedulePage::new(&o.org_id)).collect();
        let mut claimed: Vec<(String, usize)> = Vec::new();
        while let Some(msg) = queue.pop_front() {
            let Some(entry) = due.iter_mut().find(|(o, _)| *o == msg.org_id) else { continue };
            let rows = entry.1.min(PAGE);
            entry.1 -= rows;
            claimed.push((msg.org_id.clone(), rows));
            if needs_next_page(rows, rows) {
                queue.push_back(SchedulePage::new(&msg.org_id));
            }
        }
        let got: Vec<(&str, usize)> = claimed.iter().map(|(o, n)| (o.as_str(), *n)).collect();
        assert_eq!(
            got,
            [("big", 50), ("small", 7), ("mid", 50), ("big", 50), ("mid", 10), ("big", 20)],
            "every org gets a page before any gets its second"
        );
        assert!(due.iter().all(|(_, n)| *n == 0), "every due schedule claimed");
        assert!(!needs_next_page(PAGE, 0), "a page another run took ends this chain");
        assert!(!needs_next_page(PAGE - 1, PAGE - 1));
    }
}
