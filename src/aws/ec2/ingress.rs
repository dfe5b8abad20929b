//! Security group ingress: the permission type plans carry, and the reads and revokes the
//! ingress remediations make.

use std::fmt;

use aws_sdk_ec2::types::{Filter, IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};

use aws_sdk_ec2::Client;
use aws_sdk_ec2::operation::revoke_security_group_ingress::builders::RevokeSecurityGroupIngressFluentBuilder;

use crate::aws::ApiError;
use crate::aws::error::found;

/// Where one ingress permission lets traffic in from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IngressSource {
    Cidr(String),
    CidrIpv6(String),
    Group(String),
    PrefixList(String),
}

impl IngressSource {
    /// An IPv4 or IPv6 range, told apart by its form.
    pub fn range(cidr: &str) -> Self {
        let cidr = cidr.trim().to_owned();
        if cidr.contains(':') {
            Self::CidrIpv6(cidr)
        } else {
            Self::Cidr(cidr)
        }
    }

    /// The whole IPv4 or IPv6 internet.
    pub fn is_world(&self) -> bool {
        matches!(self, Self::Cidr(c) if c == "0.0.0.0/0")
            || matches!(self, Self::CidrIpv6(c) if c == "::/0")
    }
}

/// One ingress permission with a single source, in the form AWS reports it: protocol names
/// lowercased (`6` is `tcp`), no ports for all protocols (`-1`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressPermission {
    pub protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    pub source: IngressSource,
}

impl IngressPermission {
    pub fn new(
        protocol: &str,
        from_port: Option<i64>,
        to_port: Option<i64>,
        source: IngressSource,
    ) -> Self {
        let protocol = match protocol.trim().to_ascii_lowercase().as_str() {
            "-1" | "all" => "-1".to_owned(),
            "6" => "tcp".to_owned(),
            "17" => "udp".to_owned(),
            "1" => "icmp".to_owned(),
            "58" => "icmpv6".to_owned(),
            other => other.to_owned(),
        };
        let port = |p: Option<i64>| {
            if protocol == "-1" {
                None
            } else {
                p.and_then(|p| i32::try_from(p).ok())
            }
        };
        Self {
            from_port: port(from_port),
            to_port: port(to_port),
            protocol,
            source,
        }
    }

    pub(super) fn to_sdk(&self) -> IpPermission {
        let mut p = IpPermission::builder()
            .ip_protocol(self.protocol.clone())
            .set_from_port(self.from_port)
            .set_to_port(self.to_port);
        p = match &self.source {
            IngressSource::Cidr(c) => p.ip_ranges(IpRange::builder().cidr_ip(c.clone()).build()),
            IngressSource::CidrIpv6(c) => {
                p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c.clone()).build())
            }
            IngressSource::Group(g) => {
                p.user_id_group_pairs(UserIdGroupPair::builder().group_id(g.clone()).build())
            }
            IngressSource::PrefixList(l) => {
                p.prefix_list_ids(PrefixListId::builder().prefix_list_id(l.clone()).build())
            }
        };
        p.build()
    }

    /// The permission flattened into one entry per source.
    fn from_sdk(p: &IpPermission) -> Vec<Self> {
        let (protocol, from, to) = (
            p.ip_protocol().unwrap_or("-1"),
            p.from_port().map(i64::from),
            p.to_port().map(i64::from),
        );
        let sources = p
            .ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip().map(|c| IngressSource::Cidr(c.to_owned())))
            .chain(
                p.ipv6_ranges()
                    .iter()
                    .filter_map(|r| r.cidr_ipv6().map(|c| IngressSource::CidrIpv6(c.to_owned()))),
            )
            .chain(
                p.user_id_group_pairs()
                    .iter()
                    .filter_map(|g| g.group_id().map(|g| IngressSource::Group(g.to_owned()))),
            )
            .chain(p.prefix_list_ids().iter().filter_map(|l| {
                l.prefix_list_id()
                    .map(|l| IngressSource::PrefixList(l.to_owned()))
            }));
        sources
            .map(|source| Self::new(protocol, from, to, source))
            .collect()
    }
}

impl fmt::Display for IngressPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let protocol = if self.protocol == "-1" {
            "all traffic"
        } else {
            self.protocol.as_str()
        };
        write!(f, "{protocol}")?;
        match (self.from_port, self.to_port) {
            (Some(from), Some(to)) if from == to => write!(f, " {from}")?,
            (Some(from), Some(to)) => write!(f, " {from}-{to}")?,
            _ => {}
        }
        match &self.source {
            IngressSource::Cidr(s) | IngressSource::CidrIpv6(s) => write!(f, " from {s}"),
            IngressSource::Group(s) => write!(f, " from group {s}"),
            IngressSource::PrefixList(s) => write!(f, " from prefix list {s}"),
        }
    }
}

/// One ingress rule of a group, by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRule {
    pub id: String,
    pub permission: IngressPermission,
}

/// A group is named by id (`sg-...`) or, in a default VPC, by name.
fn group_ref(group: &str) -> (Option<String>, Option<String>) {
    if group.starts_with("sg-") {
        (Some(group.to_owned()), None)
    } else {
        (None, Some(group.to_owned()))
    }
}

/// A revoke request for the group, named by id or by name.
pub(super) fn revoke(ec2: &Client, group: &str) -> RevokeSecurityGroupIngressFluentBuilder {
    let (id, name) = group_ref(group);
    ec2.revoke_security_group_ingress()
        .set_group_id(id)
        .set_group_name(name)
}

/// The group's ingress permissions, one per source, or None when the group does not exist.
pub(super) async fn permissions(
    ec2: &Client,
    call: &str,
    group: &str,
) -> Result<Option<Vec<IngressPermission>>, ApiError> {
    let (id, name) = group_ref(group);
    let describe = ec2
        .describe_security_groups()
        .set_group_ids(id.map(|id| vec![id]))
        .set_group_names(name.map(|name| vec![name]));
    let out = found(call, describe.send().await, &[])?;
    Ok(out.and_then(|out| {
        out.security_groups().first().map(|g| {
            g.ip_permissions()
                .iter()
                .flat_map(IngressPermission::from_sdk)
                .collect()
        })
    }))
}

/// The group's ingress rules among `ids`; rules that no longer exist are left out.
pub(super) async fn rules(
    ec2: &Client,
    call: &str,
    group: &str,
    ids: &[String],
) -> Result<Vec<IngressRule>, ApiError> {
    let describe = ec2
        .describe_security_group_rules()
        .filters(Filter::builder().name("group-id").values(group).build())
        .filters(
            Filter::builder()
                .name("security-group-rule-id")
                .set_values(Some(ids.to_vec()))
                .build(),
        );
    let Some(out) = found(call, describe.send().await, &[])? else {
        return Ok(Vec::new());
    };
    Ok(out
        .security_group_rules()
        .iter()
        .filter(|r| r.is_egress() != Some(true))
        .filter_map(|r| {
            let id = r.security_group_rule_id()?.to_owned();
            let source = if let Some(c) = r.cidr_ipv4() {
                IngressSource::Cidr(c.to_owned())
            } else if let Some(c) = r.cidr_ipv6() {
                IngressSource::CidrIpv6(c.to_owned())
            } else if let Some(l) = r.prefix_list_id() {
                IngressSource::PrefixList(l.to_owned())
            } else {
                IngressSource::Group(
                    r.referenced_group_info()
                        .and_then(|g| g.group_id())
                        .unwrap_or_default()
                        .to_owned(),
                )
            };
            let (from, to) = (r.from_port().map(i64::from), r.to_port().map(i64::from));
            Some(IngressRule {
                id,
                permission: IngressPermission::new(
                    r.ip_protocol().unwrap_or("-1"),
                    from,
                    to,
                    source,
                ),
            })
        })
        .filter(|r| ids.contains(&r.id))
        .collect())
}
