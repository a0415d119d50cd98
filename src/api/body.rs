//! Request bodies: refused past [`MAX_BODY`] whether or not a `Content-Length`
//! says so. A chunked body is read as a stream into a [`CappedBody`], which
//! keeps at most `cap + 1` bytes and says "too large" at the first byte past
//! the cap, so the rest of the body is never read.
use crate::domain::error::ApiError;

/// Largest request body we read (64 KiB).
pub const MAX_BODY: usize = 64 * 1024;

/// Refuses a declared `Content-Length` over the cap before anything is read.
pub fn check_declared(content_length: Option<&str>, cap: usize) -> Result<(), ApiError> {
    match content_length.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(n) if n > cap as u64 => Err(ApiError::PayloadTooLarge { limit: cap }),
        _ => Ok(()),
    }
}

/// Bytes of a body arriving in chunks, capped.
#[derive(Debug)]
pub struct CappedBody {
    buf: Vec<u8>,
    cap: usize,
}

impl CappedBody {
    pub fn new(cap: usize) -> Self {
        CappedBody { buf: Vec::new(), cap }
    }

    /// Appends a chunk; `Err` (413) once the body is past the cap. Copies at
    /// most one byte beyond the cap, whatever the chunk's size.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        let room = (self.cap + 1).saturating_sub(self.buf.len());
        self.buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if self.buf.len() > self.cap {
            return Err(ApiError::PayloadTooLarge { limit: self.cap });
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_length() {
        assert!(check_declared(None, 10).is_ok());
        assert!(check_declared(Some("10"), 10).is_ok());
        assert!(check_declared(Some(" 10 "), 10).is_ok());
        assert_eq!(check_declared(Some("11"), 10), Err(ApiError::PayloadTooLarge { limit: 10 }));
        assert!(check_declared(Some("99999999999999999999999"), 10).is_ok(), "unparseable: the stream cap decides");
    }

    #[test]
    fn exactly_the_cap_is_accepted() {
        let mut b = CappedBody::new(MAX_BODY);
        for _ in 0..64 {
            assert!(b.push(&[b'x'; 1024]).is_ok());
        }
        assert_eq!(b.len(), MAX_BODY);
        assert_eq!(b.into_bytes().len(), MAX_BODY);
    }

    #[test]
    fn one_byte_past_the_cap_is_refused_and_nothing_more_is_kept() {
        let mut b = CappedBody::new(MAX_BODY);
        assert!(b.push(&vec![b'x'; MAX_BODY]).is_ok());
        assert_eq!(b.push(b"y"), Err(ApiError::PayloadTooLarge { limit: MAX_BODY }));
        // A huge chunk is cut at cap + 1 before it is copied.
        let mut b = CappedBody::new(MAX_BODY);
        assert!(b.push(&vec![0u8; 1 << 20]).is_err());
        assert_eq!(b.len(), MAX_BODY + 1);
        // Many small chunks: refused at the first byte past the cap.
        let mut b = CappedBody::new(100);
        let mut refused_at = None;
        for i in 0..1000 {
            if b.push(b"abc").is_err() {
                refused_at = Some(i);
                break;
            }
        }
        assert_eq!(refused_at, Some(33));
        assert_eq!(b.len(), 101);
    }

    #[test]
    fn empty_body() {
        let b = CappedBody::new(MAX_BODY);
        assert!(b.is_empty());
        assert!(b.into_bytes().is_empty());
    }
}
