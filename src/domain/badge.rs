//! README badges: the unguessable token, and the two-part SVG in the
//! familiar shields.io style (label on grey, value on a colour), accessible
//! (`role="img"`, `aria-label`, `<title>`). Pure.
use crate::domain::ids;

/// `bdg_` + 32 base62 characters: 32 × log2(62) ≈ 190 bits of randomness.
pub const TOKEN_PREFIX: &str = "bdg_";
const TOKEN_CHARS: usize = 32;
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A fresh badge token.
pub fn new_token() -> Result<String, String> {
    let mut out = String::from(TOKEN_PREFIX);
    // Rejection sampling keeps every character uniform (248 = 4 × 62).
    while out.len() < TOKEN_PREFIX.len() + TOKEN_CHARS {
        let mut buf = [0u8; 48];
        ids::random_bytes(&mut buf)?;
        for b in buf {
            if b < 248 && out.len() < TOKEN_PREFIX.len() + TOKEN_CHARS {
                out.push(BASE62[(b % 62) as usize] as char);
            }
        }
    }
    Ok(out)
}

/// Whether a path segment can be a token at all (checked before any D1 query).
pub fn is_token(s: &str) -> bool {
    s.strip_prefix(TOKEN_PREFIX).is_some_and(|t| t.len() == TOKEN_CHARS && t.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// What is stored and looked up: the token's SHA-256.
pub fn token_hash(token: &str) -> String {
    ids::sha256_hex(token)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Health,
    Security,
}

impl Metric {
    /// `?metric=`; absent means health.
    pub fn parse(s: Option<&str>) -> Option<Metric> {
        match s {
            None | Some("health") => Some(Metric::Health),
            Some("security") => Some(Metric::Security),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Metric::Health => "audit health",
            Metric::Security => "security",
        }
    }
}

/// Shields' palette for scores and grades.
pub fn health_colour(score: u8) -> &'static str {
    match score {
        90.. => "#4c1",
        75..=89 => "#97ca00",
        60..=74 => "#dfb317",
        40..=59 => "#fe7d37",
        _ => "#e05d44",
    }
}

pub fn grade_colour(grade: &str) -> &'static str {
    match grade.chars().next() {
        Some('A') => "#4c1",
        Some('B') => "#97ca00",
        Some('C') => "#dfb317",
        Some('D') => "#fe7d37",
        Some('F') => "#e05d44",
        _ => "#9f9f9f",
    }
}

/// Approximate Verdana 11px advance widths (shields measures the same font),
/// so the text fits its box without a font-metrics table.
fn text_width(s: &str) -> u32 {
    s.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | '\'' | '|' | '!' => 3,
            'f' | 't' | 'r' | ' ' | '(' | ')' | '-' => 4,
            'm' | 'w' | 'M' | 'W' => 10,
            'A'..='Z' => 8,
            _ => 7,
        })
        .sum()
}

/// The two-part badge: `label | value` on `colour`.
pub fn svg(label: &str, value: &str, colour: &str) -> String {
    let (l, v) = (super::xml::text(label), super::xml::text(value));
    let lw = text_width(label) + 10;
    let vw = text_width(value) + 10;
    let w = lw + vw;
    let (lx, vx) = (lw * 5, lw * 10 + vw * 5); // text x in tenths of a pixel, centred
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{l}: {v}"><title>{l}: {v}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{vw}" height="20" fill="{colour}"/><rect width="{w}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="110"><text aria-hidden="true" x="{lx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)">{l}</text><text x="{lx}" y="140" transform="scale(.1)">{l}</text><text aria-hidden="true" x="{vx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)">{v}</text><text x="{vx}" y="140" transform="scale(.1)">{v}</text></g></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_recognised() {
        let a = new_token().expect("rng");
        let b = new_token().expect("rng");
        assert_ne!(a, b);
        assert!(is_token(&a) && is_token(&b), "{a}");
        assert_eq!(a.len(), 36);
        for bad in ["", "bdg_", "bdg_short", &a[..35], &format!("{a}x"), &a.replace("bdg_", "bdG_"), "bdg_-------------------------------"] {
            assert!(!is_token(bad), "{bad}");
        }
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn metric_defaults_to_health() {
        assert_eq!(Metric::parse(None), Some(Metric::Health));
        assert_eq!(Metric::parse(Some("security")), Some(Metric::Security));
        assert_eq!(Metric::parse(Some("nope")), None);
    }

    #[test]
    fn svg_is_accessible_and_escaped() {
        let s = svg("audit health", "67", health_colour(67));
        assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(s.contains("role=\"img\"") && s.contains("aria-label=\"audit health: 67\"") && s.contains("<title>audit health: 67</title>"));
        assert!(s.contains("#dfb317"));
        let e = svg("a<b", "\"&", "#fff");
        assert!(e.contains("a&lt;b: &quot;&amp;") && !e.contains("a<b"));
        assert_eq!(grade_colour("A+"), "#4c1");
        assert_eq!(grade_colour("F"), "#e05d44");
        assert_eq!(grade_colour("none"), "#9f9f9f");
        assert_eq!(health_colour(100), "#4c1");
        assert_eq!(health_colour(5), "#e05d44");
    }
}
