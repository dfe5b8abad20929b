//! One permission an ingress change opens, and what it exposes: the world ranges among its
//! CIDRs, and which of the [`WATCHED_PORTS`] it covers.

use super::super::super::net;

/// Ports whose exposure to the internet policies commonly forbid.
pub const WATCHED_PORTS: &[i64] = &[
    20, 21, 22, 23, 25, 53, 110, 135, 137, 138, 139, 143, 445, 1433, 1434, 2049, 2375, 2376, 3306,
    3389, 5432, 5500, 5601, 5900, 5984, 6379, 7001, 8020, 8080, 8888, 9000, 9042, 9092, 9200, 9300,
    11211, 27017, 27018, 50070,
];

/// One permission an ingress change opens, as the event wrote it. Remediations reuse it (through
/// [`ingress_rules`]) to revert exactly what the event opened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rule {
    /// As written: `tcp`, `6`, `-1`, ...
    pub protocol: String,
    /// The first port (or ICMP type); 0 when the event gives none.
    pub from: i64,
    /// The last port (or ICMP code); 65535 when the event gives none.
    pub to: i64,
    /// IPv4 and IPv6 ranges, as written.
    pub cidrs: Vec<String>,
    /// Referenced security group ids.
    pub groups: Vec<String>,
    /// Referenced prefix list ids.
    pub prefix_lists: Vec<String>,
    /// The rule a ModifySecurityGroupRules call changed (`SecurityGroupRuleId`).
    pub rule_id: Option<String>,
}

impl Rule {
    /// The ranges, as written, that are the whole IPv4 or IPv6 internet.
    pub fn world_cidrs(&self) -> Vec<&str> {
        self.cidrs
            .iter()
            .filter(|c| net::cidr(c).is_some_and(|c| net::is_world(&c)))
            .map(String::as_str)
            .collect()
    }

    /// All protocols (`-1`): the rule has no ports.
    pub fn all_protocols(&self) -> bool {
        matches!(self.protocol.as_str(), "-1" | "all")
    }

    /// Whether the rule reaches TCP or UDP ports at all (not ICMP).
    pub(super) fn has_ports(&self) -> bool {
        self.all_protocols()
            || matches!(
                self.protocol.to_ascii_lowercase().as_str(),
                "tcp" | "udp" | "6" | "17"
            )
    }

    pub(super) fn covers(&self, port: i64) -> bool {
        self.has_ports() && (self.all_protocols() || (self.from <= port && port <= self.to))
    }

    pub(super) fn all_ports(&self) -> bool {
        self.all_protocols() || (self.has_ports() && self.from <= 0 && self.to >= 65535)
    }
}
