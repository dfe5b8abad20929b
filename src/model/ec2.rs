//! EC2: security groups, EBS defaults, snapshot and image sharing, flow logs and instance
//! metadata options.

use serde_json::{Map, Value as Json};

use super::json::{first_string, i64_of, items, str_at};
use super::net;
use super::{EventSpec, Id, ResourceKind, Value};

const SECURITY_GROUP: ResourceKind = ResourceKind {
    ty: "SecurityGroup",
    id: Id::Paths(&[
        "groupId",
        "ModifySecurityGroupRulesRequest.GroupId",
        "groupName",
    ]),
    name: &["groupName", "ModifySecurityGroupRulesRequest.GroupName"],
    arn: |account, region, id| {
        if id.starts_with("sg-") {
            format!("arn:aws:ec2:{region}:{account}:security-group/{id}")
        } else {
            String::new()
        }
    },
};

const EBS_DEFAULTS: ResourceKind = ResourceKind {
    ty: "EbsDefaults",
    id: Id::Region,
    name: &[],
    arn: super::no_arn,
};

const SNAPSHOT: ResourceKind = ResourceKind {
    ty: "Snapshot",
    id: Id::Paths(&["snapshotId"]),
    name: &[],
    arn: |_, region, id| format!("arn:aws:ec2:{region}::snapshot/{id}"),
};

const IMAGE: ResourceKind = ResourceKind {
    ty: "Image",
    id: Id::Paths(&["imageId"]),
    name: &[],
    arn: |_, region, id| format!("arn:aws:ec2:{region}::image/{id}"),
};

const FLOW_LOG: ResourceKind = ResourceKind {
    ty: "FlowLog",
    id: Id::Paths(&[
        "flowLogIds.items.0.flowLogId",
        "flowLogIds.0",
        "flowLogIds",
        "DeleteFlowLogsRequest.FlowLogId",
        "DeleteFlowLogsRequest.FlowLogId.0",
    ]),
    name: &[],
    arn: |account, region, id| format!("arn:aws:ec2:{region}:{account}:vpc-flow-log/{id}"),
};

const INSTANCE: ResourceKind = ResourceKind {
    ty: "Instance",
    id: Id::Paths(&[
        "instanceId",
        "ModifyInstanceMetadataOptionsRequest.InstanceId",
    ]),
    name: &[],
    arn: |account, region, id| format!("arn:aws:ec2:{region}:{account}:instance/{id}"),
};

const fn sg(name: &'static str, facts: Option<super::FactsFn>) -> EventSpec {
    EventSpec {
        name,
        resource: SECURITY_GROUP,
        facts,
    }
}

pub const EVENTS: &[EventSpec] = &[
    sg("CreateSecurityGroup", None),
    sg("DeleteSecurityGroup", None),
    sg("AuthorizeSecurityGroupIngress", Some(ingress)),
    sg("AuthorizeSecurityGroupEgress", None),
    sg("RevokeSecurityGroupIngress", None),
    sg("RevokeSecurityGroupEgress", None),
    sg("ModifySecurityGroupRules", Some(ingress)),
    EventSpec {
        name: "EnableEbsEncryptionByDefault",
        resource: EBS_DEFAULTS,
        facts: None,
    },
    EventSpec {
        name: "DisableEbsEncryptionByDefault",
        resource: EBS_DEFAULTS,
        facts: None,
    },
    EventSpec {
        name: "ModifySnapshotAttribute",
        resource: SNAPSHOT,
        facts: Some(snapshot_sharing),
    },
    EventSpec {
        name: "ResetSnapshotAttribute",
        resource: SNAPSHOT,
        facts: None,
    },
    EventSpec {
        name: "ModifyImageAttribute",
        resource: IMAGE,
        facts: Some(image_sharing),
    },
    EventSpec {
        name: "ResetImageAttribute",
        resource: IMAGE,
        facts: None,
    },
    EventSpec {
        name: "CreateFlowLogs",
        resource: FLOW_LOG,
        facts: None,
    },
    EventSpec {
        name: "DeleteFlowLogs",
        resource: FLOW_LOG,
        facts: None,
    },
    EventSpec {
        name: "ModifyInstanceMetadataOptions",
        resource: INSTANCE,
        facts: Some(instance_metadata),
    },
];

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
    fn has_ports(&self) -> bool {
        self.all_protocols()
            || matches!(
                self.protocol.to_ascii_lowercase().as_str(),
                "tcp" | "udp" | "6" | "17"
            )
    }

    fn covers(&self, port: i64) -> bool {
        self.has_ports() && (self.all_protocols() || (self.from <= port && port <= self.to))
    }

    fn all_ports(&self) -> bool {
        self.all_protocols() || (self.has_ports() && self.from <= 0 && self.to >= 65535)
    }
}

fn rule(protocol: Option<&Json>, from: Option<&Json>, to: Option<&Json>) -> Rule {
    let protocol = protocol
        .and_then(crate::event::scalar_string)
        .unwrap_or_else(|| "-1".to_owned());
    Rule {
        protocol,
        from: from.and_then(i64_of).unwrap_or(0),
        to: to.and_then(i64_of).unwrap_or(65535),
        ..Rule::default()
    }
}

/// The permissions an AuthorizeSecurityGroupIngress or ModifySecurityGroupRules call opens, from
/// its `requestParameters`.
pub fn ingress_rules(params: &Map<String, Json>) -> Vec<Rule> {
    rules(params)
}

/// The permissions an AuthorizeSecurityGroupIngress or ModifySecurityGroupRules call opens.
fn rules(params: &Map<String, Json>) -> Vec<Rule> {
    let mut out = Vec::new();
    for p in items(params.get("ipPermissions")) {
        let mut r = rule(p.get("ipProtocol"), p.get("fromPort"), p.get("toPort"));
        for range in items(p.get("ipRanges")) {
            r.cidrs.extend(
                range
                    .get("cidrIp")
                    .and_then(Json::as_str)
                    .map(str::to_owned),
            );
        }
        for range in items(p.get("ipv6Ranges")) {
            r.cidrs.extend(
                range
                    .get("cidrIpv6")
                    .and_then(Json::as_str)
                    .map(str::to_owned),
            );
        }
        for group in items(p.get("groups")) {
            r.groups.extend(
                group
                    .get("groupId")
                    .and_then(Json::as_str)
                    .map(str::to_owned),
            );
        }
        for list in items(p.get("prefixListIds")) {
            r.prefix_lists.extend(
                list.get("prefixListId")
                    .and_then(Json::as_str)
                    .map(str::to_owned),
            );
        }
        out.push(r);
    }
    // The legacy flat form: one permission at the top of requestParameters.
    if let Some(cidr) = str_at(params, "cidrIp") {
        let mut r = rule(
            params.get("ipProtocol"),
            params.get("fromPort"),
            params.get("toPort"),
        );
        r.cidrs.push(cidr.to_owned());
        out.push(r);
    }
    let modify = params
        .get("ModifySecurityGroupRulesRequest")
        .and_then(|m| m.get("SecurityGroupRule"));
    for update in items(modify) {
        let Some(s) = update.get("SecurityGroupRule") else {
            continue;
        };
        let mut r = rule(s.get("IpProtocol"), s.get("FromPort"), s.get("ToPort"));
        for key in ["CidrIpv4", "CidrIpv6"] {
            r.cidrs
                .extend(s.get(key).and_then(Json::as_str).map(str::to_owned));
        }
        r.groups.extend(
            s.get("ReferencedGroupId")
                .and_then(Json::as_str)
                .map(str::to_owned),
        );
        r.prefix_lists.extend(
            s.get("PrefixListId")
                .and_then(Json::as_str)
                .map(str::to_owned),
        );
        r.rule_id = update
            .get("SecurityGroupRuleId")
            .and_then(Json::as_str)
            .map(str::to_owned);
        out.push(r);
    }
    out
}

/// `ingress`: the ranges and ports opened, and which of them face the whole internet.
fn ingress(params: &Map<String, Json>) -> Vec<(String, Value)> {
    let rules = rules(params);
    let mut cidrs = Vec::new();
    let mut world_ports = Vec::new();
    let (mut world_open, mut world_all) = (false, false);
    let mut ranges = Vec::new();
    let mut groups = Vec::new();
    for r in &rules {
        let normalised: Vec<String> = r.cidrs.iter().filter_map(|c| net::cidr(c)).collect();
        let world = normalised.iter().any(|c| net::is_world(c));
        if world {
            world_open = true;
            world_all |= r.all_ports();
            world_ports.extend(WATCHED_PORTS.iter().copied().filter(|&p| r.covers(p)));
        }
        cidrs.extend(normalised);
        ranges.push(Value::record([
            ("protocol", Value::str(r.protocol.clone())),
            ("fromPort", Value::Long(r.from)),
            ("toPort", Value::Long(r.to)),
        ]));
        groups.extend(r.groups.iter().cloned());
    }
    world_ports.sort_unstable();
    world_ports.dedup();
    cidrs.sort();
    cidrs.dedup();
    vec![(
        "ingress".to_owned(),
        Value::record([
            (
                "cidrs",
                Value::Set(cidrs.into_iter().map(Value::Ip).collect()),
            ),
            ("worldOpen", Value::Bool(world_open)),
            ("worldOpenAllPorts", Value::Bool(world_all)),
            (
                "worldOpenPorts",
                Value::Set(world_ports.into_iter().map(Value::Long).collect()),
            ),
            ("portRanges", Value::Set(ranges)),
            (
                "referencedGroups",
                Value::Set(groups.into_iter().map(Value::String).collect()),
            ),
        ]),
    )]
}

fn sharing(permission: Option<&Json>) -> Vec<(String, Value)> {
    let mut public = false;
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    if let Some(permission) = permission {
        for item in items(permission.get("add").or_else(|| permission.get("Add"))) {
            public |= item
                .get("group")
                .or_else(|| item.get("Group"))
                .and_then(Json::as_str)
                == Some("all");
            added.extend(
                item.get("userId")
                    .or_else(|| item.get("UserId"))
                    .and_then(Json::as_str),
            );
        }
        for item in items(
            permission
                .get("remove")
                .or_else(|| permission.get("Remove")),
        ) {
            removed.extend(
                item.get("userId")
                    .or_else(|| item.get("UserId"))
                    .and_then(Json::as_str),
            );
        }
    }
    let set = |ids: Vec<&str>| Value::Set(ids.into_iter().map(Value::str).collect());
    vec![(
        "sharing".to_owned(),
        Value::record([
            ("public", Value::Bool(public)),
            ("addedAccounts", set(added)),
            ("removedAccounts", set(removed)),
        ]),
    )]
}

fn snapshot_sharing(params: &Map<String, Json>) -> Vec<(String, Value)> {
    sharing(params.get("createVolumePermission"))
}

fn image_sharing(params: &Map<String, Json>) -> Vec<(String, Value)> {
    sharing(params.get("launchPermission"))
}

fn instance_metadata(params: &Map<String, Json>) -> Vec<(String, Value)> {
    let field = |paths: &[&str]| Value::str(first_string(params, paths).unwrap_or_default());
    vec![(
        "instanceMetadata".to_owned(),
        Value::record([
            (
                "httpTokens",
                field(&[
                    "httpTokens",
                    "ModifyInstanceMetadataOptionsRequest.HttpTokens",
                ]),
            ),
            (
                "httpEndpoint",
                field(&[
                    "httpEndpoint",
                    "ModifyInstanceMetadataOptionsRequest.HttpEndpoint",
                ]),
            ),
        ]),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(params: Json) -> Value {
        let Json::Object(map) = params else {
            unreachable!()
        };
        ingress(&map)
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or(Value::Bool(false))
    }

    fn field<'a>(record: &'a Value, name: &str) -> Option<&'a Value> {
        match record {
            Value::Record(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    #[test]
    fn world_open_ssh_is_seen() {
        let f = facts(
            json!({"groupId": "sg-1", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22,
            "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}),
        );
        assert_eq!(field(&f, "worldOpen"), Some(&Value::Bool(true)));
        assert_eq!(
            field(&f, "worldOpenPorts"),
            Some(&Value::Set(vec![Value::Long(22)]))
        );
        assert_eq!(field(&f, "worldOpenAllPorts"), Some(&Value::Bool(false)));
    }

    #[test]
    fn all_traffic_from_ipv6_world_covers_every_watched_port() {
        let f = facts(
            json!({"ModifySecurityGroupRulesRequest": {"GroupId": "sg-1", "SecurityGroupRule": {
            "SecurityGroupRuleId": "sgr-1", "SecurityGroupRule": {"IpProtocol": "-1", "CidrIpv6": "::/0"}}}}),
        );
        assert_eq!(field(&f, "worldOpenAllPorts"), Some(&Value::Bool(true)));
        let Some(Value::Set(ports)) = field(&f, "worldOpenPorts") else {
            panic!("no ports")
        };
        assert_eq!(ports.len(), WATCHED_PORTS.len());
    }

    #[test]
    fn icmp_and_private_ranges_open_no_watched_port() {
        let f = facts(json!({"ipPermissions": {"items": [
            {"ipProtocol": "icmp", "fromPort": -1, "toPort": -1, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}},
            {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]}}]}}));
        assert_eq!(field(&f, "worldOpenPorts"), Some(&Value::Set(vec![])));
        assert_eq!(field(&f, "worldOpen"), Some(&Value::Bool(true)));
    }
}
