//! EC2: security groups, EBS defaults, snapshot and image sharing, flow logs and instance
//! metadata options.

use serde_json::{Map, Value as Json};

mod ingress;

pub use ingress::ingress_rules;

use super::access::Access;
use super::json::first_string;
use super::malformed::{Malformed, Path, Report, present};
use super::spec::{Input, events, fact};
use super::{Arn, EventSpec, Id, ResourceKind, Value};
use ingress::ingress;

const SECURITY_GROUP: ResourceKind = ResourceKind::new(
    "SecurityGroup",
    Id::Paths(&[
        "groupId",
        "ModifySecurityGroupRulesRequest.GroupId",
        "groupName",
    ]),
)
.named(&["groupName", "ModifySecurityGroupRulesRequest.GroupName"])
.arn(Arn::Build(|account, region, id| {
    if id.starts_with("sg-") {
        format!("arn:aws:ec2:{region}:{account}:security-group/{id}")
    } else {
        String::new()
    }
}));

const EBS_DEFAULTS: ResourceKind = ResourceKind::new("EbsDefaults", Id::Region);

const SNAPSHOT: ResourceKind = ResourceKind::at(
    "Snapshot",
    &["snapshotId"],
    "arn:aws:ec2:{region}::snapshot/{id}",
);

const IMAGE: ResourceKind =
    ResourceKind::at("Image", &["imageId"], "arn:aws:ec2:{region}::image/{id}");

const FLOW_LOG: ResourceKind = ResourceKind::at(
    "FlowLog",
    &[
        "flowLogIds.items.0.flowLogId",
        "flowLogIds.0",
        "flowLogIds",
        "DeleteFlowLogsRequest.FlowLogId",
        "DeleteFlowLogsRequest.FlowLogId.0",
    ],
    "arn:aws:ec2:{region}:{account}:vpc-flow-log/{id}",
);

const INSTANCE: ResourceKind = ResourceKind::at(
    "Instance",
    &[
        "instanceId",
        "ModifyInstanceMetadataOptionsRequest.InstanceId",
    ],
    "arn:aws:ec2:{region}:{account}:instance/{id}",
);

const NETWORK_ACL: ResourceKind = ResourceKind::at(
    "NetworkAcl",
    &["networkAclId"],
    "arn:aws:ec2:{region}:{account}:network-acl/{id}",
);

const SERIAL_CONSOLE: ResourceKind = ResourceKind::new("SerialConsole", Id::Region);

const SNAPSHOT_BLOCK: ResourceKind = ResourceKind::new("SnapshotBlockPublicAccess", Id::Region);

const IMAGE_BLOCK: ResourceKind = ResourceKind::new("ImageBlockPublicAccess", Id::Region);

pub const EVENTS: &[EventSpec] = events! {
    SECURITY_GROUP: [
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
        "AuthorizeSecurityGroupIngress" => ingress,
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "ModifySecurityGroupRules" => ingress,
    ],
    EBS_DEFAULTS: ["EnableEbsEncryptionByDefault", "DisableEbsEncryptionByDefault"],
    SNAPSHOT: ["ModifySnapshotAttribute" => snapshot_sharing, "ResetSnapshotAttribute"],
    IMAGE: ["ModifyImageAttribute" => image_sharing, "ResetImageAttribute"],
    FLOW_LOG: ["CreateFlowLogs", "DeleteFlowLogs"],
    INSTANCE: ["ModifyInstanceMetadataOptions" => instance_metadata],
    NETWORK_ACL: [
        "CreateNetworkAclEntry" => acl_entry,
        "ReplaceNetworkAclEntry" => acl_entry,
        "DeleteNetworkAclEntry",
    ],
    SERIAL_CONSOLE: ["EnableSerialConsoleAccess", "DisableSerialConsoleAccess"],
    SNAPSHOT_BLOCK: ["EnableSnapshotBlockPublicAccess", "DisableSnapshotBlockPublicAccess"],
    IMAGE_BLOCK: ["EnableImageBlockPublicAccess", "DisableImageBlockPublicAccess"],
};

/// `sharing` (the accounts added and removed, and whether the group `all` is added) and
/// `access` (who the change gives access to).
fn sharing(input: &Input<'_>, key: &str, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let start = out.len();
    let mut report = Report::new("sharing", out);
    let root = Path::root("requestParameters");
    let at = root.key(key);
    let mut public = false;
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    if let Some(permission) = report.object(&at, params.get(key)) {
        for (lower, upper, ids) in [
            ("add", "Add", &mut added),
            ("remove", "Remove", &mut removed),
        ] {
            let (name, list) = match permission.get(lower) {
                Some(list) => (lower, Some(list)),
                None => (upper, permission.get(upper)),
            };
            let list_at = at.key(name);
            for (item, entry) in report.objects(&list_at, list) {
                let entry_at = item.path(&list_at);
                if lower == "add" {
                    let (group, value) = either(entry, "group", "Group");
                    public |= report.string(&entry_at.key(group), value) == Some("all");
                }
                let (user, value) = either(entry, "userId", "UserId");
                ids.extend(report.string(&entry_at.key(user), value));
            }
        }
    }
    super::malformed::also_for(out, start, "access");
    let mut access = Access::new(input);
    if public {
        access.anyone();
    }
    for id in &added {
        access.account(id);
    }
    let set = |ids: Vec<&str>| Value::Set(ids.into_iter().map(Value::str).collect());
    let mut facts = fact(
        "sharing",
        [
            ("public", Value::Bool(public)),
            ("addedAccounts", set(added)),
            ("removedAccounts", set(removed)),
        ],
    );
    facts.extend(access.fact());
    facts
}

/// The field `a`, or else `b` (CloudTrail writes either case), with the name it was found by.
fn either<'k, 'v>(
    entry: &'v Map<String, Json>,
    a: &'k str,
    b: &'k str,
) -> (&'k str, Option<&'v Json>) {
    match entry.get(a) {
        Some(v) => (a, Some(v)),
        None => (b, entry.get(b)),
    }
}

fn snapshot_sharing(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    sharing(input, "createVolumePermission", out)
}

fn image_sharing(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    sharing(input, "launchPermission", out)
}

/// `networkAclEntry`: an inbound or outbound rule a network ACL gets, and which of the watched
/// ports it allows from (or to) the whole internet.
fn acl_entry(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let mut report = Report::new("networkAclEntry", out);
    let root = Path::root("requestParameters");
    let egress = report
        .boolean(&root.key("egress"), params.get("egress"))
        .unwrap_or(false);
    let allow = report
        .string(&root.key("ruleAction"), params.get("ruleAction"))
        .is_some_and(|a| a.eq_ignore_ascii_case("allow"));
    let protocol_at = root.key("aclProtocol");
    let protocol = match present(params.get("aclProtocol")) {
        Some(Json::Number(n)) => n.to_string(),
        other => report.string(&protocol_at, other).unwrap_or("").to_owned(),
    };
    let all_protocols = matches!(protocol.as_str(), "-1" | "all");
    let port_at = root.key("portRange");
    let range = report.object(&port_at, params.get("portRange"));
    let mut port = |key: &str| {
        let value = range.and_then(|r| r.get(key));
        report.integer(&port_at.key(key), value, 0..=65535)
    };
    let (from, to) = match (port("from"), port("to")) {
        (Some(from), Some(to)) if !all_protocols => (from, to),
        // All protocols, or no range: every port.
        _ => (0, 65535),
    };
    let world = ["cidrBlock", "ipv6CidrBlock"].into_iter().any(|key| {
        report
            .string(&root.key(key), params.get(key))
            .is_some_and(|c| matches!(c, "0.0.0.0/0" | "::/0"))
    });
    let ports_apply = all_protocols || matches!(protocol.as_str(), "6" | "17" | "tcp" | "udp");
    let world_ports: Vec<Value> = if world && allow && ports_apply {
        ingress::WATCHED_PORTS
            .iter()
            .filter(|&&p| from <= p && p <= to)
            .map(|&p| Value::Long(p))
            .collect()
    } else {
        Vec::new()
    };
    fact(
        "networkAclEntry",
        [
            ("egress", Value::Bool(egress)),
            ("allow", Value::Bool(allow)),
            ("protocol", Value::str(protocol)),
            ("worldOpen", Value::Bool(world && allow)),
            ("worldOpenPorts", Value::Set(world_ports)),
        ],
    )
}

fn instance_metadata(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let mut report = Report::new("instanceMetadata", out);
    let root = Path::root("requestParameters");
    let mut field = |paths: &[&str]| {
        for path in paths {
            if let Some(prefix) = super::malformed::dead_end(params, path) {
                report.flag(
                    &root.key(prefix),
                    format!("expected an object holding `{path}`"),
                );
            } else if let Some(value) = present(crate::event::lookup(params, path))
                && !value.is_string()
                && first_string(params, &[path]).is_none()
            {
                report.flag(&root.key(path), "expected a string");
            }
        }
        Value::str(first_string(params, paths).unwrap_or_default())
    };
    fact(
        "instanceMetadata",
        [
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
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::model::malformed::problems as malformed;

    #[test]
    fn sharing_entries_of_the_wrong_shape_are_malformed() {
        let found = malformed(
            image_sharing,
            json!({"imageId": "ami-1", "launchPermission": {"add": {"items": [{"group": ["all"]}, "all"]}}}),
        );
        assert_eq!(
            found,
            [
                "sharing requestParameters.launchPermission.add.items.1: expected an object, found a string",
                "sharing requestParameters.launchPermission.add.items.0.group: expected a string, found a list",
                "access requestParameters.launchPermission.add.items.1: expected an object, found a string",
                "access requestParameters.launchPermission.add.items.0.group: expected a string, found a list",
            ]
        );
        let found = malformed(snapshot_sharing, json!({"createVolumePermission": "all"}));
        assert_eq!(
            found,
            [
                "sharing requestParameters.createVolumePermission: expected an object, found a string",
                "access requestParameters.createVolumePermission: expected an object, found a string",
            ]
        );
        assert!(malformed(image_sharing, json!({"attributeType": "description"})).is_empty());
    }

    #[test]
    fn metadata_options_that_are_not_strings_are_malformed() {
        let found = malformed(
            instance_metadata,
            json!({"ModifyInstanceMetadataOptionsRequest": {"InstanceId": "i-1", "HttpTokens": {"value": "optional"}}}),
        );
        assert_eq!(
            found,
            [
                "instanceMetadata requestParameters.ModifyInstanceMetadataOptionsRequest.HttpTokens: expected a string"
            ]
        );
        assert!(
            malformed(
                instance_metadata,
                json!({"httpTokens": "optional", "httpEndpoint": ""})
            )
            .is_empty()
        );
    }
}
