//! The `/health` D1 check.
use worker::{D1Database, Result};

/// One trivial query: D1 answers or it does not.
pub async fn ping(db: &D1Database) -> Result<()> {
    db.prepare("SELECT 1 AS ok").first::<serde_json::Value>(None).await?;
    Ok(())
}
