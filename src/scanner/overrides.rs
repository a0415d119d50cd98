//! `SCAN_HOST_OVERRIDES` (development only): `host=127.0.0.1:PORT,...`, like
//! `curl --resolve`. The fetcher *connects* to the given loopback address for
//! a matching host while the validator, the DNS check, the scan and its
//! findings still see the original URL. `*` matches every host.
//!
//! Targets must be loopback: even in development an override can only ever
//! point at this machine, never at a private or public network.
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostOverrides {
    rules: Vec<(String, SocketAddr)>,
}

impl HostOverrides {
    /// Parses the variable; malformed or non-loopback entries are dropped
    /// (and reported) rather than failing the Worker.
    pub fn parse(spec: &str) -> (HostOverrides, Vec<String>) {
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((host, addr)) = entry.split_once('=') else {
                errors.push(format!("{entry}: expected host=ip:port"));
                continue;
            };
            let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
            let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
            match addr.trim().parse::<SocketAddr>() {
                Ok(sa) if is_loopback(sa.ip()) && !host.is_empty() => rules.push((host, sa)),
                Ok(_) => errors.push(format!("{entry}: target must be a loopback address")),
                Err(_) => errors.push(format!("{entry}: target must be ip:port")),
            }
        }
        (HostOverrides { rules }, errors)
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The loopback address to connect to for `host`, if overridden.
    /// Exact host entries win over `*`.
    pub fn lookup(&self, host: &str) -> Option<SocketAddr> {
        let h = host.trim_start_matches('[').trim_end_matches(']').trim_end_matches('.').to_ascii_lowercase();
        self.rules
            .iter()
            .find(|(pat, _)| *pat == h)
            .or_else(|| self.rules.iter().find(|(pat, _)| pat == "*"))
            .map(|(_, sa)| *sa)
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_matches() {
        let (o, errs) = HostOverrides::parse("good.example=127.0.0.1:8001, *=127.0.0.1:9000");
        assert!(errs.is_empty());
        assert_eq!(o.lookup("GOOD.example."), "127.0.0.1:8001".parse().ok());
        assert_eq!(o.lookup("other.test"), "127.0.0.1:9000".parse().ok());
    }

    #[test]
    fn refuses_non_loopback_targets() {
        let (o, errs) = HostOverrides::parse("a=10.0.0.1:80,b=192.168.1.1:80,c=8.8.8.8:53,d=nonsense");
        assert!(o.is_empty());
        assert_eq!(errs.len(), 4);
        assert_eq!(o.lookup("a"), None);
    }

    #[test]
    fn ip_literal_hosts_and_ipv6_loopback() {
        let (o, _) = HostOverrides::parse("93.184.216.34=[::1]:8080");
        assert_eq!(o.lookup("93.184.216.34"), "[::1]:8080".parse().ok());
        assert_eq!(HostOverrides::parse("").0.lookup("x"), None);
    }
}
