//! SSRF-safe validation of scan targets. Pure: no I/O.
//!
//! `validate` turns user input (or an absolute redirect `Location`, already
//! resolved against the current URL by the fetcher) into a [`TargetUrl`], the
//! only type the fetcher accepts. It decides everything that can be decided
//! from the URL alone; host *names* that pass must still be resolved (DoH) and
//! every A/AAAA answer checked with [`blocked_ip`] before connecting, and every
//! redirect hop must go through `validate` again.
//!
//! Policy decisions:
//! * **Parsing** is WHATWG (`url` crate), the same parser the runtime uses, so
//!   decimal/octal/hex/short IPv4 forms, percent-encoded and full-width hosts
//!   are normalised before the checks (`0x7f.1`, `2130706433`, `１２７．０．０．１`
//!   all become 127.0.0.1). No hand-written host parsing.
//! * **Whitespace and control characters**: the WHATWG parser silently drops
//!   ASCII tab/CR/LF anywhere and C0/space at the edges. Input containing any
//!   ASCII control character, or leading/trailing whitespace, is refused as
//!   malformed instead of being repaired, so what is validated is exactly what
//!   was submitted.
//! * **Schemes**: only `http` and `https`.
//! * **Length**: more than [`MAX_URL_LEN`] characters of input, or a serialised
//!   URL longer than that, is refused.
//! * **Ports**: any explicit port 1–65535 is allowed on a public host (audits of
//!   staging servers on odd ports are legitimate; the host check is what keeps
//!   the fetch off internal networks). Port 0 is refused.
//! * **Userinfo** is not a reason to refuse (the parsed host is what counts, so
//!   `http://127.0.0.1%2523@evil.com/` targets evil.com), but it is stripped from
//!   the validated URL so credentials are never sent.
//! * **Fragments** are dropped; they are never sent to a server.
//! * **IP literals**: see [`blocked_ip`]. IPv6 is allowed only in 2000::/3 minus
//!   special-purpose blocks; IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4
//!   (2002::/16) are judged by the embedded IPv4 address; IPv4-compatible
//!   (::/96), local-use NAT64 (64:ff9b:1::/48) and Teredo (2001::/32, inside
//!   2001::/23) are refused outright.
//! * **Names**: one trailing root dot is stripped (`localhost.` is `localhost`;
//!   `localhost..` is refused). Refused: `localhost` and `*.localhost`, names
//!   under `.local`, `.internal`, `.localdomain`, `.arpa` (incl. `home.arpa` and
//!   reverse-DNS names), `.test`, `.invalid`, `.example`, `.onion`, `.alt`, and
//!   single-label names (`metadata`, `instance-data`), which only resolve via
//!   internal search domains. Unofficial private TLDs such as `.lan`, `.corp`
//!   or `.home` are not listed: they are not delegated in the public root, so
//!   the DoH step fails to resolve them and the scan is refused there.

mod ip;
mod name;

pub use ip::blocked_ip;

use std::fmt;
use std::net::IpAddr;
use url::{Host, Url};

/// Longest accepted URL, in characters of input and bytes of serialisation.
pub const MAX_URL_LEN: usize = 2048;

/// A URL that passed [`validate`]: http(s), public-looking host, no userinfo,
/// no fragment, no trailing root dot. Only obtainable from `validate`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TargetUrl(Url);

impl TargetUrl {
    pub fn as_url(&self) -> &Url {
        &self.0
    }
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
    /// The host as serialised in the URL (IPv6 literals keep their brackets).
    pub fn host_str(&self) -> &str {
        self.0.host_str().unwrap_or("")
    }
    /// The DNS name to resolve and check before fetching; `None` for IP
    /// literals, which `validate` has already checked.
    pub fn domain(&self) -> Option<&str> {
        self.0.domain()
    }
    /// The literal address when the host is an IP literal.
    pub fn ip(&self) -> Option<IpAddr> {
        match self.0.host() {
            Some(Host::Ipv4(a)) => Some(IpAddr::V4(a)),
            Some(Host::Ipv6(a)) => Some(IpAddr::V6(a)),
            _ => None,
        }
    }
    pub fn into_url(self) -> Url {
        self.0
    }
}

impl fmt::Display for TargetUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a URL was refused. Every variant maps to 422 `invalid_params`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Empty or whitespace only.
    Empty,
    /// Longer than [`MAX_URL_LEN`].
    TooLong,
    /// Not a parseable absolute URL, or contains control characters or
    /// surrounding whitespace.
    Malformed,
    /// Scheme other than http/https.
    Scheme,
    /// Port 0.
    Port,
    /// The host is not public; the reason names the range or special name.
    BlockedHost(&'static str),
}

impl Rejection {
    /// A human message for the API's `error.details`.
    pub fn message(&self) -> String {
        match self {
            Rejection::Empty => "url is empty".to_string(),
            Rejection::TooLong => format!("url is longer than {MAX_URL_LEN} characters"),
            Rejection::Malformed => "url is not a valid absolute URL (control characters and \
                                     leading or trailing whitespace are not allowed)"
                .to_string(),
            Rejection::Scheme => "url must use the http or https scheme".to_string(),
            Rejection::Port => "url port must be between 1 and 65535".to_string(),
            Rejection::BlockedHost(reason) => {
                format!("url must target a public host; refused: {reason}")
            }
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Rejection {}

/// Syntactic, literal-IP and special-name validation of a scan target or an
/// absolute redirect target.
pub fn validate(input: &str) -> Result<TargetUrl, Rejection> {
    if input.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    if input.chars().count() > MAX_URL_LEN {
        return Err(Rejection::TooLong);
    }
    // Refuse what the WHATWG parser would silently repair (see module docs).
    if input.trim() != input || input.chars().any(|c| c.is_ascii_control()) {
        return Err(Rejection::Malformed);
    }
    let mut url = Url::parse(input).map_err(|_| Rejection::Malformed)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Rejection::Scheme);
    }
    if url.port() == Some(0) {
        return Err(Rejection::Port);
    }

    let stripped_name = match url.host() {
        None => return Err(Rejection::Malformed),
        Some(Host::Ipv4(a)) => {
            check_ip(IpAddr::V4(a))?;
            None
        }
        Some(Host::Ipv6(a)) => {
            check_ip(IpAddr::V6(a))?;
            None
        }
        Some(Host::Domain(d)) => {
            let bare = d.strip_suffix('.');
            let checked = bare.unwrap_or(d);
            if let Some(reason) = name::blocked_name(checked) {
                return Err(Rejection::BlockedHost(reason));
            }
            bare.map(str::to_owned)
        }
    };
    if let Some(bare) = stripped_name {
        // Canonical host without the root dot, so Host headers and TLS SNI
        // carry the ordinary name.
        url.set_host(Some(&bare)).map_err(|_| Rejection::Malformed)?;
        if url.domain() != Some(bare.as_str()) {
            return Err(Rejection::Malformed);
        }
    }

    // Credentials are never forwarded to the target.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Rejection::Malformed);
    }
    url.set_fragment(None);

    if url.as_str().len() > MAX_URL_LEN {
        return Err(Rejection::TooLong);
    }
    Ok(TargetUrl(url))
}

fn check_ip(ip: IpAddr) -> Result<(), Rejection> {
    match blocked_ip(ip) {
        Some(reason) => Err(Rejection::BlockedHost(reason)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(u: &str) -> Rejection {
        match validate(u) {
            Ok(t) => panic!("{u:?} must be rejected, got {}", t.as_str()),
            Err(r) => r,
        }
    }
    fn accepted(u: &str) -> TargetUrl {
        match validate(u) {
            Ok(t) => t,
            Err(r) => panic!("{u:?} must be accepted, got {r:?}"),
        }
    }
    fn blocked(u: &str) {
        assert!(
            matches!(rejected(u), Rejection::BlockedHost(_)),
            "{u:?} must be BlockedHost, got {:?}",
            validate(u)
        );
    }

    #[test]
    fn spec_list_is_refused() {
        for u in [
            "http://localhost/", "http://127.0.0.1/", "http://[::1]/", "http://0.0.0.0/",
            "http://printer.local/", "http://metadata.google.internal/", "http://10.1.2.3/",
            "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.0.1/",
            "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/",
            "http://[fe80::1]/",
        ] {
            blocked(u);
        }
    }

    #[test]
    fn whatwg_ipv4_forms_are_normalised_then_refused() {
        for u in [
            "http://0x7f.1/", "http://2130706433/", "http://017700000001/", "http://127.1/",
            "http://127.0.1/", "http://0x7f000001/", "http://0177.0.0.1/", "http://0/",
            "http://0x7f.0x0.0x0.0x1/", "http://%31%32%37.0.0.1/", "http://127%2E0%2E0%2E1/",
            "http://１２７．０．０．１/", "http://127。0。0。1/", "http://127.0.0.1./",
            "http://0xA9FEA9FE/", "http://2852039166/", "http://100.100.100.200/",
            "http://192.0.0.192/", "http://255.255.255.255/", "http://224.0.0.1/",
            "http://240.0.0.1/", "http://198.18.0.1/", "http://192.0.2.1/",
            "http://198.51.100.1/", "http://203.0.113.1/", "http://100.64.0.1/",
            "http://0.1.2.3/",
        ] {
            blocked(u);
        }
    }

    #[test]
    fn ipv6_embeddings_are_refused() {
        for u in [
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::127.0.0.1]/",
            "http://[64:ff9b::a00:1]/", "http://[64:ff9b:1::a9fe:a9fe]/",
            "http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::1]/", "http://[::]/",
            "http://[0:0:0:0:0:0:0:1]/", "http://[::ffff:0:0]/", "http://[fc00::1]/",
            "http://[fd00:ec2::254]/", "http://[fec0::1]/", "http://[ff02::1]/",
            "http://[100::1]/", "http://[2001:db8::1]/", "http://[2001::1]/",
            "https://[::1]:8443/",
        ] {
            blocked(u);
        }
    }

    #[test]
    fn special_names_are_refused() {
        for u in [
            "http://LOCALHOST/", "http://localhost./", "http://foo.localhost/",
            "http://x.local./", "http://ｌｏｃａｌｈｏｓｔ/", "http://localhost%E3%80%82/",
            "http://metadata/", "http://instance-data/", "http://router.home.arpa/",
            "http://localhost.localdomain/", "http://host.docker.internal/",
            "http://metadata.google.internal./",
        ] {
            blocked(u);
        }
        // An empty label after the one root dot is stripped.
        blocked("http://localhost../");
        blocked("http://example.com../");
    }

    #[test]
    fn schemes_other_than_http_are_refused() {
        for u in [
            "javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/",
            "gopher://example.com:70/", "data:text/html,hi", "jar:http://example.com!/",
            "ws://example.com/", "view-source:http://example.com/",
        ] {
            assert_eq!(rejected(u), Rejection::Scheme, "{u}");
        }
    }

    #[test]
    fn malformed_inputs_are_refused() {
        for u in [
            "example.com", "/relative/path", "http://", "http://[fe80::1%25eth0]/",
            "http://425.510.425.510/", "http://7147006462/", "http://o177.0.0.1/",
            "http://\t127.0.0.1/", "http://127.0.0.1\n/", " http://example.com/",
            "http://example.com/ ", "http://exa\rmple.com/", "http://example.com/\u{7f}",
            "http://example.com:65536/",
        ] {
            assert_eq!(rejected(u), Rejection::Malformed, "{u:?}");
        }
        assert_eq!(rejected(""), Rejection::Empty);
        assert_eq!(rejected("   "), Rejection::Empty);
        assert_eq!(rejected("http://example.com:0/"), Rejection::Port);
    }

    #[test]
    fn length_limit() {
        let base = "https://example.com/";
        let ok = format!("{base}{}", "a".repeat(MAX_URL_LEN - base.len()));
        assert_eq!(ok.len(), MAX_URL_LEN);
        accepted(&ok);
        let long = format!("{ok}a");
        assert_eq!(rejected(&long), Rejection::TooLong);
        // Short input that grows past the limit once percent-encoded.
        let grows = format!("{base}{}", " ".repeat(1000).replace(' ', "é"));
        assert_eq!(rejected(&grows), Rejection::TooLong);
    }

    #[test]
    fn public_targets_pass() {
        let t = accepted("https://example.com");
        assert_eq!(t.as_str(), "https://example.com/");
        assert_eq!(t.host_str(), "example.com");
        assert_eq!(t.domain(), Some("example.com"));

        let t = accepted("http://93.184.216.34:8080/path?q#f");
        assert_eq!(t.as_str(), "http://93.184.216.34:8080/path?q");
        assert_eq!(t.domain(), None);
        assert_eq!(t.ip(), Some("93.184.216.34".parse().unwrap()));

        let t = accepted("https://[2606:4700::1111]/");
        assert_eq!(t.host_str(), "[2606:4700::1111]");

        // 0127.0.0.1 is octal 87.0.0.1, public.
        assert_eq!(accepted("http://0127.0.0.1/").host_str(), "87.0.0.1");
        accepted("https://EXAMPLE.com:65535/");
        accepted("https://xn--bcher-kva.de/");
        accepted("https://bücher.de/");
        accepted("http://[::ffff:93.184.216.34]/");
    }

    #[test]
    fn userinfo_and_fragment_are_stripped() {
        let t = accepted("http://user:secret@example.com/a#frag");
        assert_eq!(t.as_str(), "http://example.com/a");
        let t = accepted("http://127.0.0.1%2523@evil.com/");
        assert_eq!(t.as_str(), "http://evil.com/");
        let t = accepted("http://google.com:80+&@google.com:80#+@127.88.23.245:22/");
        assert_eq!(t.as_str(), "http://google.com/");
        // A backslash ends the authority: host is 127.1.1.1.
        blocked("http://127.1.1.1:80\\@127.2.2.2:80/");
    }

    #[test]
    fn trailing_root_dot_is_removed() {
        let t = accepted("https://example.com./x");
        assert_eq!(t.as_str(), "https://example.com/x");
        assert_eq!(t.host_str(), "example.com");
    }

    #[test]
    fn revalidating_a_target_is_stable() {
        for u in ["https://example.com./a?b#c", "http://u:p@93.184.216.34:81/"] {
            let once = accepted(u);
            let twice = accepted(once.as_str());
            assert_eq!(once, twice);
        }
    }

    #[test]
    fn messages_are_human() {
        let m = rejected("http://127.0.0.1/").message();
        assert!(m.contains("loopback"), "{m}");
        assert!(Rejection::TooLong.message().contains("2048"));
    }
}
