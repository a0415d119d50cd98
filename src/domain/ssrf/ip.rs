//! Classification of IP addresses as public or not.
//!
//! CIDR tables of `ipnet` networks: std's `is_global`, `is_shared`,
//! `is_benchmarking` and `is_reserved` are unstable, `Ipv4Addr::is_private`
//! misses 100.64/10 and `Ipv6Addr::is_loopback` is false for
//! `::ffff:127.0.0.1`, so std predicates are not used.
//!
//! IPv6 is allow-listed rather than block-listed: only 2000::/3 is allocated by
//! IANA for global unicast, so everything outside it is refused unless it is a
//! translation form (IPv4-mapped, NAT64 well-known prefix) whose embedded IPv4
//! address is itself public. Inside 2000::/3 the special-purpose blocks are
//! refused and 6to4 (2002::/16) is judged by its embedded IPv4 address.

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const fn v4net(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    // Checked at compile time: a bad prefix length fails the build.
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), len)
}

const fn v6net(addr: u128, len: u8) -> Ipv6Net {
    Ipv6Net::new_assert(Ipv6Addr::from_bits(addr), len)
}

/// Non-public IPv4 blocks, most specific first where they overlap
/// (255.255.255.255 before 240/4) so the reason is the precise one.
const V4_BLOCKED: &[(Ipv4Net, &str)] = &[
    (v4net(0, 0, 0, 0, 8), "\"this network\" address (0.0.0.0/8)"),
    (v4net(10, 0, 0, 0, 8), "private address (10.0.0.0/8)"),
    (v4net(100, 64, 0, 0, 10), "shared/carrier-grade NAT address (100.64.0.0/10)"),
    (v4net(127, 0, 0, 0, 8), "loopback address (127.0.0.0/8)"),
    (v4net(169, 254, 0, 0, 16), "link-local / cloud metadata address (169.254.0.0/16)"),
    (v4net(172, 16, 0, 0, 12), "private address (172.16.0.0/12)"),
    (v4net(192, 0, 0, 0, 24), "IETF protocol assignment (192.0.0.0/24)"),
    (v4net(192, 0, 2, 0, 24), "documentation address (192.0.2.0/24)"),
    (v4net(192, 88, 99, 0, 24), "deprecated 6to4 relay anycast (192.88.99.0/24)"),
    (v4net(192, 168, 0, 0, 16), "private address (192.168.0.0/16)"),
    (v4net(198, 18, 0, 0, 15), "benchmarking address (198.18.0.0/15)"),
    (v4net(198, 51, 100, 0, 24), "documentation address (198.51.100.0/24)"),
    (v4net(203, 0, 113, 0, 24), "documentation address (203.0.113.0/24)"),
    (v4net(224, 0, 0, 0, 4), "multicast address (224.0.0.0/4)"),
    (v4net(255, 255, 255, 255, 32), "limited broadcast address (255.255.255.255)"),
    (v4net(240, 0, 0, 0, 4), "reserved address (240.0.0.0/4)"),
];

/// Non-public blocks inside or around 2000::/3 that need their own reason.
/// Checked after the translation forms have been unwrapped.
const V6_BLOCKED: &[(Ipv6Net, &str)] = &[
    (v6net(0, 128), "unspecified IPv6 address (::)"),
    (v6net(1, 128), "loopback IPv6 address (::1)"),
    (v6net(0, 96), "deprecated IPv4-compatible IPv6 address (::/96)"),
    (v6net(0x0064_ff9b_0001 << 80, 48), "local-use NAT64 prefix (64:ff9b:1::/48)"),
    (v6net(0x0100 << 112, 64), "discard-only IPv6 prefix (100::/64)"),
    (v6net(0x2001_0000 << 96, 32), "Teredo tunnel address (2001::/32)"),
    (v6net(0x2001_0db8 << 96, 32), "documentation IPv6 prefix (2001:db8::/32)"),
    (v6net(0x2001 << 112, 23), "IETF protocol assignment (2001::/23)"),
    (v6net(0x3fff << 112, 20), "documentation IPv6 prefix (3fff::/20)"),
    (v6net(0xfc00 << 112, 7), "unique-local IPv6 address (fc00::/7)"),
    (v6net(0xfe80 << 112, 10), "link-local IPv6 address (fe80::/10)"),
    (v6net(0xfec0 << 112, 10), "deprecated site-local IPv6 address (fec0::/10)"),
    (v6net(0xff00 << 112, 8), "multicast IPv6 address (ff00::/8)"),
];

/// IANA's global unicast allocation; everything else is refused.
const V6_GLOBAL_UNICAST: Ipv6Net = v6net(0x2000 << 112, 3);
const V6_OUTSIDE_GLOBAL_UNICAST: &str = "reserved IPv6 address (outside 2000::/3 global unicast)";

/// `Some(reason)` when `ip` is not a public unicast address.
pub fn blocked_ip(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => blocked_v4(v4),
        IpAddr::V6(v6) => blocked_v6(v6),
    }
}

pub(crate) fn blocked_v4(ip: Ipv4Addr) -> Option<&'static str> {
    V4_BLOCKED.iter().find(|(net, _)| net.contains(&ip)).map(|(_, reason)| *reason)
}

pub(crate) fn blocked_v6(ip: Ipv6Addr) -> Option<&'static str> {
    // Translation forms carry an IPv4 address that decides where the packet
    // really goes; a public embedded address is as good as the IPv4 itself.
    if let Some(v4) = embedded_v4(ip) {
        return blocked_v4(v4);
    }
    if let Some((_, reason)) = V6_BLOCKED.iter().find(|(net, _)| net.contains(&ip)) {
        return Some(reason);
    }
    if !V6_GLOBAL_UNICAST.contains(&ip) {
        return Some(V6_OUTSIDE_GLOBAL_UNICAST);
    }
    None
}

/// The IPv4 address carried by an IPv4-mapped (::ffff:0:0/96), IPv4-translated
/// (::ffff:0:0:0/96), NAT64 well-known (64:ff9b::/96) or 6to4 (2002::/16)
/// address. IPv4-compatible (::/96) is deliberately not unwrapped: it is
/// deprecated and refused outright. Teredo is refused as a whole (2001::/23).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::new(
        (s[6] >> 8) as u8,
        s[6] as u8,
        (s[7] >> 8) as u8,
        s[7] as u8,
    );
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(low),
        [0, 0, 0, 0, 0xffff, 0, _, _] => Some(low),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
        [0x2002, a, b, ..] => Some(Ipv4Addr::new(
            (a >> 8) as u8,
            a as u8,
            (b >> 8) as u8,
            b as u8,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> Option<&'static str> {
        blocked_ip(IpAddr::V4(s.parse().unwrap()))
    }
    fn v6(s: &str) -> Option<&'static str> {
        blocked_ip(IpAddr::V6(s.parse().unwrap()))
    }

    #[test]
    fn ipv4_blocked_ranges_edges() {
        let blocked = [
            "0.0.0.0", "0.255.255.255", "10.0.0.0", "10.255.255.255", "100.64.0.0",
            "100.100.100.200", "100.127.255.255", "127.0.0.1", "127.255.255.255",
            "169.254.169.254", "169.254.170.2", "172.16.0.0", "172.31.255.255",
            "192.0.0.192", "192.0.2.1", "192.88.99.1", "192.168.0.1", "192.168.255.255",
            "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9", "224.0.0.1",
            "239.255.255.255", "240.0.0.1", "255.255.255.254", "255.255.255.255",
        ];
        for a in blocked {
            assert!(v4(a).is_some(), "{a} must be blocked");
        }
    }

    #[test]
    fn ipv4_public_neighbours_pass() {
        let public = [
            "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255",
            "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255",
            "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.0.1.0", "192.0.3.0",
            "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0",
            "203.0.112.255", "223.255.255.255", "93.184.216.34", "87.0.0.1",
        ];
        for a in public {
            assert_eq!(v4(a), None, "{a} must be public");
        }
    }

    #[test]
    fn ipv4_reasons_are_specific() {
        assert_eq!(v4("255.255.255.255"), Some("limited broadcast address (255.255.255.255)"));
        assert_eq!(v4("127.0.0.1"), Some("loopback address (127.0.0.0/8)"));
    }

    #[test]
    fn ipv6_blocked() {
        let blocked = [
            "::", "::1", "::127.0.0.1", "::a9fe:a9fe", "::8.8.8.8", "::ffff:127.0.0.1",
            "::ffff:7f00:1", "::ffff:0:0", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
            "::ffff:0:127.0.0.1", "64:ff9b::a00:1", "64:ff9b::127.0.0.1",
            "64:ff9b::169.254.169.254", "64:ff9b:1::a9fe:a9fe", "64:ff9b:1::808:808",
            "2002:7f00:1::", "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2002:c0a8:101::1",
            "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1",
            "2001:db8:ffff::1", "2001:1::1", "3fff::1", "100::1", "100::ffff:1",
            "fc00::1", "fd00::1", "fd00:ec2::254", "fdff:ffff::1", "fe80::1", "febf::1",
            "fec0::1", "feff::1", "ff02::1", "ff0e::1", "4000::1", "e000::1", "1::1",
            "64:ff9b:2::1",
        ];
        for a in blocked {
            assert!(v6(a).is_some(), "{a} must be blocked");
        }
    }

    #[test]
    fn ipv6_public_pass() {
        let public = [
            "2606:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001::1",
            "2001:200::1", "3ffe::1", "2002:808:808::1", "::ffff:93.184.216.34",
            "64:ff9b::808:808", "2001:db9::1",
        ];
        for a in public {
            assert_eq!(v6(a), None, "{a} must be public");
        }
    }

    #[test]
    fn ipv6_embedded_reason_is_the_ipv4_reason() {
        assert_eq!(v6("::ffff:127.0.0.1"), v4("127.0.0.1"));
        assert_eq!(v6("2002:a9fe:a9fe::1"), v4("169.254.169.254"));
        assert_eq!(v6("64:ff9b::a00:1"), v4("10.0.0.1"));
    }
}
