//! Addresses and ranges, checked in Rust before they become Cedar `ipaddr` values, so that a
//! malformed CIDR in an event can never turn into a Cedar evaluation error.

use std::net::IpAddr;

/// A single address in the form Cedar's `ip()` accepts, or None.
pub fn ip(text: &str) -> Option<String> {
    let addr: IpAddr = text.trim().parse().ok()?;
    cedar_form(addr, None)
}

/// An address and prefix length that make a CIDR range (`10.0.0.0/8`, `::/0`).
fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = text.trim().split_once('/')?;
    let addr: IpAddr = addr.parse().ok()?;
    let len: u8 = len.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((addr, len))
}

/// Whether the text is a CIDR range at all (whether or not Cedar can represent it).
pub fn parses_as_cidr(text: &str) -> bool {
    parse_cidr(text).is_some()
}

/// A CIDR range, with host bits cleared, in the form Cedar's `ip()` accepts, or None.
pub fn cidr(text: &str) -> Option<String> {
    let (addr, len) = parse_cidr(text)?;
    let network = match addr {
        IpAddr::V4(v4) if len <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            IpAddr::from((u32::from(v4) & mask).to_be_bytes())
        }
        IpAddr::V6(v6) if len <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            IpAddr::from((u128::from(v6) & mask).to_be_bytes())
        }
        _ => return None,
    };
    cedar_form(network, Some(len))
}

fn cedar_form(addr: IpAddr, len: Option<u8>) -> Option<String> {
    let text = addr.to_string();
    // Cedar does not accept IPv6 with an embedded IPv4 part (`::ffff:1.2.3.4`).
    if addr.is_ipv6() && text.contains('.') {
        return None;
    }
    Some(match len {
        Some(len) => format!("{text}/{len}"),
        None => text,
    })
}

/// Whether a range is the whole IPv4 or IPv6 internet.
pub fn is_world(cidr: &str) -> bool {
    matches!(cidr, "0.0.0.0/0" | "::/0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_are_normalised_or_refused() {
        assert_eq!(cidr("0.0.0.0/0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(cidr("10.1.2.3/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(cidr("::/0").as_deref(), Some("::/0"));
        assert_eq!(cidr("2001:db8::1/32").as_deref(), Some("2001:db8::/32"));
        assert_eq!(cidr("10.0.0.0/33"), None);
        assert_eq!(cidr("..."), None);
        assert_eq!(cidr("10.0.0.1"), None);
    }

    #[test]
    fn a_range_cedar_cannot_hold_still_parses() {
        assert!(parses_as_cidr("::ffff:0.0.0.0/96"));
        assert_eq!(cidr("::ffff:0.0.0.0/96"), None);
        assert!(!parses_as_cidr("0.0.0.0/33"));
        assert!(!parses_as_cidr("junk"));
    }

    #[test]
    fn service_names_are_not_ips() {
        assert_eq!(ip("cloudtrail.amazonaws.com"), None);
        assert_eq!(ip("203.0.113.7").as_deref(), Some("203.0.113.7"));
    }
}
