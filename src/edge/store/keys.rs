//! API keys: lookup by the hash of the presented secret.
use super::s;
use serde::Deserialize;
use worker::{D1Database, Result};

#[derive(Debug, Clone, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub org_id: String,
    pub scopes: String,
    pub revoked_at: Option<f64>,
}

impl ApiKey {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.split([' ', ',']).any(|s| s == scope)
    }
}

/// The key whose secret hashes to `hash`, if it exists and is not revoked.
pub async fn find_active(db: &D1Database, hash: &str) -> Result<Option<ApiKey>> {
    let key: Option<ApiKey> = db
        .prepare("SELECT id, org_id, scopes, revoked_at FROM api_keys WHERE key_hash = ?1")
        .bind(&[s(hash)])?
        .first(None)
        .await?;
    Ok(key.filter(|k| k.revoked_at.is_none()))
}
