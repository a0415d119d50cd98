//! Identifiers as parsed newtypes: an `OrgId` is a UUID, a `ProjectId` a slug.
//! Also the random identifiers we mint (UUID v4, request ids, API keys).
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgId(String);
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectId(String);

/// A UUID in its hyphenated form only (36 characters, any case): the uuid
/// crate also reads the simple, braced and URN forms, which our paths never use.
fn uuid_of(s: &str) -> Option<uuid::Uuid> {
    if s.len() != 36 {
        return None;
    }
    uuid::Uuid::try_parse(s).ok()
}

/// Lower-case hyphenated, the one form we store and show.
fn hyphenated(u: uuid::Uuid) -> String {
    u.hyphenated().to_string()
}

impl OrgId {
    /// Accepts a UUID in any case; stored lower-case so keys and paths compare equal.
    pub fn parse(s: &str) -> Option<OrgId> {
        uuid_of(s).map(|u| OrgId(hyphenated(u)))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ProjectId {
    /// `[a-z0-9][a-z0-9_-]{0,63}`.
    pub fn parse(s: &str) -> Option<ProjectId> {
        let b = s.as_bytes();
        let ok = !b.is_empty()
            && b.len() <= 64
            && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
            && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_' || *c == b'-');
        ok.then(|| ProjectId(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a UUID path segment (scan and finding ids), lower-cased.
pub fn parse_uuid(s: &str) -> Option<String> {
    uuid_of(s).map(hyphenated)
}

/// Fills `buf` with cryptographically secure random bytes (Web Crypto on wasm).
pub fn random_bytes(buf: &mut [u8]) -> Result<(), String> {
    getrandom::fill(buf).map_err(|e| e.to_string())
}

/// A random (version 4) UUID. The bytes come from `random_bytes` rather than
/// `Uuid::new_v4`, which panics when the RNG fails; here that is an error.
pub fn uuid_v4() -> Result<String, String> {
    let mut b = [0u8; 16];
    random_bytes(&mut b)?;
    Ok(uuid_from_bytes(b))
}

/// Sets the version (4) and variant bits of 16 random bytes.
pub fn uuid_from_bytes(b: [u8; 16]) -> String {
    hyphenated(uuid::Builder::from_random_bytes(b).into_uuid())
}

const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// 20 URL-safe characters (120 random bits), like the spec's `F-mxbAQk6m9lXeQAAATj`.
pub fn request_id() -> String {
    let mut b = [0u8; 20];
    if random_bytes(&mut b).is_err() {
        // Randomness failing is not a reason to fail a request: fall back to a
        // recognisable id rather than panicking.
        return "00000000000000000000".into();
    }
    b.iter().map(|x| URL_SAFE[(x & 63) as usize] as char).collect()
}

/// Lower-case hex SHA-256, used to store API keys (they are high-entropy
/// random secrets, so a fast hash is the right tool; no salt or KDF needed).
pub fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(s.as_bytes()).iter().map(|x| format!("{x:02x}")).collect()
}

/// The public prefix of an API key's secret (`kr_live_` and 40 base62 chars).
pub const KEY_PREFIX: &str = "kr_live_";
/// Base62 characters after the prefix (scripts/keylib.mjs mints exactly this many).
pub const KEY_SECRET_LEN: usize = 40;

/// A presented API key secret of exactly our format. Only a value of this type
/// is ever hashed and looked up, so junk is refused without a D1 round trip.
#[derive(Clone, PartialEq, Eq)]
pub struct KeySecret(String);

impl KeySecret {
    pub fn parse(s: &str) -> Option<KeySecret> {
        let rest = s.strip_prefix(KEY_PREFIX)?;
        (rest.len() == KEY_SECRET_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| KeySecret(s.to_string()))
    }
    /// The stored form (lower-case hex SHA-256).
    pub fn hash(&self) -> String {
        sha256_hex(&self.0)
    }
}

// The secret never reaches a log through `{:?}`.
impl std::fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySecret(..)")
    }
}

/// What an `Authorization` header presents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bearer {
    /// No header, or not the Bearer scheme.
    Missing,
    /// A Bearer token that is not of our key format.
    Malformed,
    Key(KeySecret),
}

impl Bearer {
    pub fn parse(header: Option<&str>) -> Bearer {
        let Some((scheme, token)) = header.and_then(|h| h.trim().split_once(' ')) else { return Bearer::Missing };
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Bearer::Missing;
        }
        KeySecret::parse(token.trim()).map_or(Bearer::Malformed, Bearer::Key)
    }
    /// A short label for the request log line.
    pub fn label(&self) -> &'static str {
        match self {
            Bearer::Missing => "missing",
            Bearer::Malformed => "malformed",
            Bearer::Key(_) => "key",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_and_project_parse() {
        assert!(OrgId::parse("11111111-1111-1111-1111-111111111111").is_some());
        assert_eq!(
            OrgId::parse("AAAAAAAA-1111-1111-1111-111111111111").map(|o| o.as_str().to_string()),
            Some("aaaaaaaa-1111-1111-1111-111111111111".to_string())
        );
        assert!(OrgId::parse("not-a-uuid").is_none());
        assert!(OrgId::parse("11111111-1111-1111-1111-11111111111g").is_none());
        // Only the hyphenated form: uuid's simple, braced and URN forms are refused.
        assert!(OrgId::parse("11111111111111111111111111111111").is_none());
        assert!(OrgId::parse("{11111111-1111-1111-1111-111111111111}").is_none());
        assert!(OrgId::parse("urn:uuid:11111111-1111-1111-1111-111111111111").is_none());
        assert!(parse_uuid("11111111-1111-1111-1111-1111111111111").is_none());
        assert!(parse_uuid("1111111-11111-1111-1111-111111111111").is_none());
        assert_eq!(uuid_from_bytes([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_from_bytes([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert!(ProjectId::parse("production-website").is_some());
        assert!(ProjectId::parse("0_a-b").is_some());
        assert!(ProjectId::parse("-x").is_none());
        assert!(ProjectId::parse("Prod").is_none());
        assert!(ProjectId::parse("").is_none());
        assert!(ProjectId::parse(&"a".repeat(64)).is_some());
        assert!(ProjectId::parse(&"a".repeat(65)).is_none());
    }

    #[test]
    fn uuid_v4_has_version_and_variant() {
        let u = uuid_v4().expect("random");
        assert_eq!(parse_uuid(&u).as_deref(), Some(u.as_str()));
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(u, uuid_v4().expect("random"));
    }

    #[test]
    fn request_ids_are_20_url_safe_chars() {
        let r = request_id();
        assert_eq!(r.len(), 20);
        assert!(r.bytes().all(|b| URL_SAFE.contains(&b)));
        assert_ne!(r, request_id());
    }

    #[test]
    fn key_secret_format() {
        let good = format!("kr_live_{}", "a1B2".repeat(10));
        let k = KeySecret::parse(&good).expect("our format");
        assert_eq!(k.hash(), sha256_hex(&good));
        assert_eq!(format!("{k:?}"), "KeySecret(..)");
        // Wrong prefix, wrong length (short, the old loose 32 and 41), non-base62.
        for bad in [
            format!("kr_test_{}", "a1B2".repeat(10)),
            format!("KR_LIVE_{}", "a1B2".repeat(10)),
            format!("kr_live{}", "a1B2".repeat(10)),
            "kr_live_short".to_string(),
            format!("kr_live_{}", "a".repeat(32)),
            format!("kr_live_{}", "a".repeat(39)),
            format!("kr_live_{}", "a".repeat(41)),
            format!("kr_live_{}-", "a".repeat(39)),
            format!("kr_live_{}_", "a".repeat(39)),
            format!("kr_live_{}é", "a".repeat(38)),
            format!(" kr_live_{}", "a".repeat(40)),
            String::new(),
            KEY_PREFIX.to_string(),
        ] {
            assert!(KeySecret::parse(&bad).is_none(), "{bad:?}");
        }
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn bearer_header() {
        let good = format!("kr_live_{}", "Z9".repeat(20));
        let key = KeySecret::parse(&good).expect("good");
        assert_eq!(Bearer::parse(Some(&format!("Bearer {good}"))), Bearer::Key(key.clone()));
        assert_eq!(Bearer::parse(Some(&format!("  bearer   {good} "))), Bearer::Key(key));
        assert_eq!(Bearer::parse(None), Bearer::Missing);
        assert_eq!(Bearer::parse(Some("")), Bearer::Missing);
        assert_eq!(Bearer::parse(Some(&format!("Basic {good}"))), Bearer::Missing);
        assert_eq!(Bearer::parse(Some(&good)), Bearer::Missing);
        assert_eq!(Bearer::parse(Some("Bearer kr_live_abc123def456")), Bearer::Malformed);
        assert_eq!(Bearer::parse(Some(&format!("Bearer {good}x"))), Bearer::Malformed);
        assert_eq!(Bearer::parse(Some(&format!("Bearer Bearer {good}"))), Bearer::Malformed);
        assert_eq!(Bearer::parse(Some("Bearer ")), Bearer::Missing);
    }
}
