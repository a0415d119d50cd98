//! Cursor pagination parameters. Cursors are opaque to clients: they encode
//! the sort key of the last item returned (`<epoch ms>.<id>`), so pages stay
//! stable while new rows arrive.
use crate::domain::error::ApiError;

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub ms: i64,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.ms, self.id)
    }
    pub fn decode(s: &str) -> Option<Cursor> {
        let (ms, id) = s.split_once('.')?;
        let ms: i64 = ms.parse().ok()?;
        let id = crate::domain::ids::parse_uuid(id)?;
        Some(Cursor { ms, id })
    }
}

/// A cursor over an append-only log ordered by (time, sequence number), such
/// as a finding's history: `<epoch ms>.<sequence>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqCursor {
    pub ms: i64,
    pub seq: i64,
}

impl SeqCursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.ms, self.seq)
    }
    pub fn decode(s: &str) -> Option<SeqCursor> {
        let (ms, seq) = s.split_once('.')?;
        let digits = |x: &str| !x.is_empty() && x.len() <= 18 && x.bytes().all(|b| b.is_ascii_digit());
        (digits(ms) && digits(seq)).then_some(())?;
        Some(SeqCursor { ms: ms.parse().ok()?, seq: seq.parse().ok()? })
    }
}

pub fn parse_seq_cursor(v: Option<&str>) -> Result<Option<SeqCursor>, ApiError> {
    match v {
        None | Some("") => Ok(None),
        Some(s) => SeqCursor::decode(s).map(Some).ok_or_else(|| ApiError::invalid("cursor", "is not a valid cursor")),
    }
}

pub fn parse_limit(v: Option<&str>) -> Result<u32, ApiError> {
    match v {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid("limit", format!("must be an integer from 1 to {MAX_LIMIT}"))),
        },
    }
}

pub fn parse_cursor(v: Option<&str>) -> Result<Option<Cursor>, ApiError> {
    match v {
        None | Some("") => Ok(None),
        Some(s) => Cursor::decode(s).map(Some).ok_or_else(|| ApiError::invalid("cursor", "is not a valid cursor")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_bounds() {
        assert_eq!(parse_limit(None), Ok(20));
        assert_eq!(parse_limit(Some("100")), Ok(100));
        assert!(parse_limit(Some("101")).is_err());
        assert!(parse_limit(Some("0")).is_err());
        assert!(parse_limit(Some("x")).is_err());
    }

    #[test]
    fn cursor_round_trip() {
        let c = Cursor { ms: 1749565800000, id: "a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d".into() };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert!(parse_cursor(Some("junk")).is_err());
        assert_eq!(parse_cursor(Some("")), Ok(None));
    }

    #[test]
    fn seq_cursor_round_trip() {
        let c = SeqCursor { ms: 1749565800000, seq: 42 };
        assert_eq!(SeqCursor::decode(&c.encode()), Some(c));
        assert_eq!(parse_seq_cursor(Some("1.2")), Ok(Some(SeqCursor { ms: 1, seq: 2 })));
        for bad in ["junk", "1", "1.", ".2", "-1.2", "1.-2", "1.2.3", "1.+2", "1.a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d", "9999999999999999999.1"] {
            assert!(parse_seq_cursor(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(parse_seq_cursor(None), Ok(None));
    }
}
