//! Classification of DNS host names that can never be a public website.
//!
//! Only names that are non-public by standard or by universal convention are
//! refused here; anything else is a candidate that the fetcher must still
//! resolve (DoH) and check with `blocked_ip` before connecting.

/// Last labels (TLDs) that never denote a public host.
const BLOCKED_TLDS: &[(&str, &str)] = &[
    ("localhost", "localhost name (RFC 6761)"),
    ("local", "multicast DNS .local name (RFC 6762)"),
    ("internal", "private-use .internal name"),
    ("localdomain", "local .localdomain name"),
    // home.arpa (RFC 8375) and the reverse-DNS trees are all infrastructure.
    ("arpa", "infrastructure .arpa name (reverse DNS, home.arpa RFC 8375)"),
    ("test", "special-use .test name (RFC 6761)"),
    ("invalid", "special-use .invalid name (RFC 6761)"),
    ("example", "special-use .example name (RFC 6761)"),
    ("onion", "Tor .onion name (RFC 7686)"),
    ("alt", "non-DNS .alt name (RFC 9476)"),
];

/// `Some(reason)` when `host` (a lower-case, IDNA-processed name as the `url`
/// crate produces it, with at most its one trailing root dot already removed)
/// is not a public DNS name.
pub(crate) fn blocked_name(host: &str) -> Option<&'static str> {
    if host.is_empty() {
        return Some("empty host name");
    }
    // `localhost..` and `a..b` keep an empty label after the one allowed
    // trailing dot is stripped; such names are not valid DNS names.
    if host.split('.').any(str::is_empty) {
        return Some("host name with an empty label");
    }
    let tld = host.rsplit('.').next().unwrap_or(host);
    if let Some((_, reason)) = BLOCKED_TLDS.iter().find(|(t, _)| *t == tld) {
        return Some(reason);
    }
    // Single-label names (`metadata`, `instance-data`, `rancher-metadata`) are
    // resolved through search domains on internal networks, never publicly.
    if !host.contains('.') {
        return Some("single-label host name (not a public DNS name)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_use_names_blocked() {
        for h in [
            "localhost", "foo.localhost", "a.b.localhost", "printer.local", "x.local",
            "metadata.google.internal", "host.docker.internal", "localhost.localdomain",
            "router.home.arpa", "1.0.0.127.in-addr.arpa", "foo.test", "foo.invalid",
            "foo.example", "abc.onion", "foo.alt",
        ] {
            assert!(blocked_name(h).is_some(), "{h} must be blocked");
        }
    }

    #[test]
    fn malformed_and_single_label_blocked() {
        for h in ["", ".", "localhost.", "a..b", ".example.com", "metadata", "instance-data"] {
            assert!(blocked_name(h).is_some(), "{h:?} must be blocked");
        }
    }

    #[test]
    fn public_names_pass() {
        for h in [
            "example.com", "www.example.org", "localhost.example.com", "local.com",
            "internal.company.io", "xn--bcher-kva.example.net", "nip.io",
            "127.0.0.1.nip.io",
        ] {
            assert_eq!(blocked_name(h), None, "{h} must pass the name check");
        }
    }
}
