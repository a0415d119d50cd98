//! Retention: finished scans and findings not seen since a cutoff go, with
//! their sightings and history; webhook deliveries older than the cutoff too.
//! The command-center counts follow by themselves (triggers, migration 0010).
use super::n;
use worker::{D1Database, Result};

/// One bounded round: at most `chunk` scans and `chunk` findings older than
/// `cutoff` (epoch ms), in one batch. Returns (scans, findings) deleted.
pub async fn delete_round(db: &D1Database, cutoff: i64, chunk: i64) -> Result<(usize, usize)> {
    let old_scans = "SELECT id FROM scans WHERE finished_at < ?1 AND status IN ('completed', 'failed') ORDER BY id LIMIT ?2";
    let old_findings = "SELECT id FROM findings WHERE last_seen_at < ?1 ORDER BY id LIMIT ?2";
    let gone_sites = "SELECT scan_id FROM site_scans WHERE created_at < ?1 AND NOT EXISTS (SELECT 1 FROM scans WHERE scans.id = site_scans.scan_id) \
                      ORDER BY created_at LIMIT ?2";
    let binds = [n(cutoff), n(chunk)];
    let res = db
        .batch(vec![
            db.prepare(format!("DELETE FROM scan_findings WHERE scan_id IN ({old_scans})")).bind(&binds)?,
            db.prepare(format!("DELETE FROM scans WHERE id IN ({old_scans})")).bind(&binds)?,
            db.prepare(format!("DELETE FROM finding_events WHERE finding_id IN ({old_findings})")).bind(&binds)?,
            db.prepare(format!("DELETE FROM scan_findings WHERE finding_id IN ({old_findings})")).bind(&binds)?,
            db.prepare(format!("DELETE FROM findings WHERE id IN ({old_findings})")).bind(&binds)?,
            // Counts rows the deletions above emptied (the triggers of
            // migration 0010 kept the counts exact; zero rows only take space).
            db.prepare("DELETE FROM finding_counts_open WHERE n = 0").bind(&[])?,
            db.prepare("DELETE FROM finding_counts_day WHERE created = 0 AND resolved = 0").bind(&[])?,
            // Webhook delivery logs follow the same retention (by creation).
            db.prepare("DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)")
                .bind(&binds)?,
            // A site scan's frontier goes once its scan row has gone.
            db.prepare(format!("DELETE FROM site_pages WHERE site_id IN ({gone_sites})")).bind(&binds)?,
            db.prepare(format!("DELETE FROM site_scans WHERE scan_id IN ({gone_sites})")).bind(&binds)?,
        ])
        .await?;
    Ok((res.get(1).map(super::changes).unwrap_or(0), res.get(4).map(super::changes).unwrap_or(0)))
}
