//! The page source's start tags, for the source lines of evidence: the n-th
//! `name` element of the tree is taken as the n-th `<name` start tag outside
//! comments (asked through `PageIndex::tag_lines_of`, which keeps the answers).
use std::collections::HashMap;

/// Lines of one tag name's start tags, in source order.
#[derive(Debug, Default, PartialEq)]
pub struct TagLines {
    /// Every `<name` a tag boundary follows (comments included).
    pub all: Vec<u32>,
    /// Those outside comments whose name starts with a letter (the end of
    /// the input counts as a boundary): the parser's elements, in order.
    pub dom: Vec<u32>,
}

/// Every `<` of the body followed by a tag name (`[A-Za-z0-9-]+`), bucketed
/// by the name's first byte and length so that one name's lines are found
/// among few candidates, without hashing a name per tag.
pub(super) struct TagTable {
    /// Per bucket: (byte offset of the name, line | [`TagTable::ALL`] | [`TagTable::DOM`]).
    buckets: Vec<Vec<(u32, u32)>>,
    /// Per bucket: how many names were looked for in it one by one
    /// ([`TagTable::INDEXED`] once it was indexed whole).
    pub(super) scans: std::cell::RefCell<Vec<u8>>,
}

impl TagTable {
    const ALL: u32 = 1 << 31;
    const DOM: u32 = 1 << 30;
    const LONG: usize = 15;
    pub(super) const SCANS: u8 = 4;
    pub(super) const INDEXED: u8 = u8::MAX;

    fn bucket(first: u8, len: usize) -> usize {
        let c = match first.to_ascii_lowercase() {
            c @ b'a'..=b'z' => usize::from(c - b'a'),
            c @ b'0'..=b'9' => 26 + usize::from(c - b'0'),
            _ => 36,
        };
        c * (Self::LONG + 1) + len.min(Self::LONG)
    }

    fn name_byte(c: u8) -> bool {
        c.is_ascii_alphanumeric() || c == b'-'
    }

    /// One pass over the body, eight bytes at a time: a word without `<`
    /// only adds its newlines (tags are some 20 bytes apart, so most words
    /// are skipped whole).
    pub(super) fn scan(body: &str) -> TagTable {
        let bytes = body.as_bytes();
        let mut buckets: Vec<Vec<(u32, u32)>> = (0..37 * (Self::LONG + 1)).map(|_| Vec::new()).collect();
        let mut skip_until = 0usize;
        let mut tag = |at: usize, line: u32| {
            let start = at + 1;
            let rest = bytes.get(start..).unwrap_or(&[]);
            let run = rest.iter().take_while(|c| Self::name_byte(**c)).count();
            let next = rest.get(run).copied();
            let boundary = matches!(next, Some(b' ' | b'>' | b'/' | b'\t' | b'\n' | b'\r' | 0x0c));
            let in_comment = at < skip_until;
            let all = run > 0 && boundary;
            let dom = !in_comment && run > 0 && (boundary || next.is_none()) && rest.first().is_some_and(|c| c.is_ascii_alphabetic());
            if all || dom {
                let flags = if all { Self::ALL } else { 0 } | if dom { Self::DOM } else { 0 };
                let first = rest.first().copied().unwrap_or(0);
                if let (Some(b), Ok(offset)) = (buckets.get_mut(Self::bucket(first, run)), u32::try_from(start)) {
                    // Lines stay below the flag bits (a body that long is far past the fetch limit).
                    b.push((offset, line.min(Self::DOM - 1) | flags));
                }
            }
            if !in_comment && rest.starts_with(b"!--") {
                skip_until = body.get(at..).and_then(|r| r.find("-->")).map(|e| at + e + 3).unwrap_or(bytes.len());
            }
        };
        let mut line = 1u32;
        let mut words = bytes.chunks_exact(8);
        let mut base = 0usize;
        for word in &mut words {
            let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
            let newlines = bytes_equal(w, b'\n');
            let mut opens = bytes_equal(w, b'<');
            while opens != 0 {
                let bit = opens.trailing_zeros();
                let before = newlines & ((1u64 << bit) - 1);
                tag(base + (bit / 8) as usize, line + before.count_ones());
                opens &= opens - 1;
            }
            line += newlines.count_ones();
            base += 8;
        }
        for (k, b) in words.remainder().iter().enumerate() {
            if *b == b'<' {
                tag(base + k, line);
            }
            if *b == b'\n' {
                line += 1;
            }
        }
        let scans = std::cell::RefCell::new(vec![0; buckets.len()]);
        TagTable { buckets, scans }
    }

    /// The bucket of a name the table can hold: `[a-z0-9-]+` (the parser
    /// lower-cases what the table matches case-insensitively).
    pub(super) fn bucket_of(&self, name: &str) -> Option<usize> {
        let n = name.as_bytes();
        let first = *n.first()?;
        n.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-').then(|| Self::bucket(first, n.len()))
    }

    fn add(out: &mut TagLines, tagged: u32) {
        let line = tagged & !(Self::ALL | Self::DOM);
        if tagged & Self::ALL != 0 {
            out.all.push(line);
        }
        if tagged & Self::DOM != 0 {
            out.dom.push(line);
        }
    }

    fn entries(&self, b: usize) -> &[(u32, u32)] {
        self.buckets.get(b).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The lines of `name`'s tags, found among its bucket's.
    pub(super) fn lines_of(&self, body: &str, b: usize, name: &str) -> TagLines {
        let mut out = TagLines::default();
        let (bytes, n) = (body.as_bytes(), name.as_bytes());
        for &(offset, tagged) in self.entries(b) {
            let at = offset as usize;
            if bytes.get(at..at + n.len()).is_some_and(|s| s.eq_ignore_ascii_case(n)) && !bytes.get(at + n.len()).is_some_and(|c| Self::name_byte(*c)) {
                Self::add(&mut out, tagged);
            }
        }
        out
    }

    /// Every name's lines in one bucket (one pass; names from the page go in
    /// a keyed map).
    pub(super) fn index_bucket(&self, body: &str, b: usize) -> HashMap<String, TagLines> {
        let bytes = body.as_bytes();
        let mut out: HashMap<String, TagLines> = HashMap::new();
        for &(offset, tagged) in self.entries(b) {
            let rest = bytes.get(offset as usize..).unwrap_or(&[]);
            let run = rest.iter().take_while(|c| Self::name_byte(**c)).count();
            let name = String::from_utf8_lossy(rest.get(..run).unwrap_or(&[])).to_ascii_lowercase();
            Self::add(out.entry(name).or_default(), tagged);
        }
        out
    }
}

/// The high bit of every byte of `w` that equals `b`, and no other bit (no
/// borrow crosses bytes, unlike the shorter "has zero byte" test).
fn bytes_equal(w: u64, b: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = w ^ (0x0101_0101_0101_0101u64 * u64::from(b));
    !((x & LOW7).wrapping_add(LOW7) | x | LOW7)
}
