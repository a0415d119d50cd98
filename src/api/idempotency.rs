//! `Idempotency-Key` on Run Scan, as Stripe defines it: the same key sent to
//! the same project of the same org within 24 hours replays the original
//! response; the same key with a different body is refused. The same key sent
//! to another project is another request (keys are scoped per org and project).
use crate::domain::error::ApiError;
use crate::domain::ids::sha256_hex;
use serde_json::{Map, Value};

pub const TTL_MS: i64 = 24 * 3_600_000;
pub const MAX_KEY_LEN: usize = 255;

/// A valid key: 1–255 visible ASCII characters.
pub fn parse_key(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        None => Ok(None),
        Some(k) if !k.is_empty() && k.len() <= MAX_KEY_LEN && k.bytes().all(|b| (0x21..=0x7e).contains(&b)) => {
            Ok(Some(k.to_string()))
        }
        Some(_) => Err(ApiError::invalid("idempotency-key", format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"))),
    }
}

/// A fingerprint of the request body. serde_json's map is ordered by key, so
/// the same JSON object in any key order or spacing hashes the same.
pub fn body_hash(body: &Map<String, Value>) -> String {
    sha256_hex(&Value::Object(body.clone()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_and_hashes() {
        assert_eq!(parse_key(Some("deploy-123")).ok().flatten(), Some("deploy-123".into()));
        assert!(parse_key(Some("")).is_err());
        assert!(parse_key(Some("has space")).is_err());
        assert!(parse_key(Some(&"x".repeat(256))).is_err());
        let a: Value = serde_json::from_str(r#"{"url":"https://a.com","trigger":"post_deploy"}"#).expect("json");
        let b: Value = serde_json::from_str(r#"{ "trigger": "post_deploy", "url": "https://a.com" }"#).expect("json");
        let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else { panic!("objects") };
        assert_eq!(body_hash(a), body_hash(b));
        let c = json!({"url": "https://b.com"});
        assert_ne!(body_hash(a), body_hash(c.as_object().expect("object")));
    }
}
