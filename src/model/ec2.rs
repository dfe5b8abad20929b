//! EC2: security groups, EBS defaults, snapshot and image sharing, flow logs and instance
//! metadata options.

use serde_json::{Map, Value as Json};

mod ingress;

pub use ingress::ingress_rules;

use super::json::first_string;
use super::malformed::{Malformed, Path, Report, present};
use super::{EventSpec, Id, ResourceKind, Value};
use ingress::ingress;

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

fn sharing(
    params: &Map<String, Json>,
    key: &str,
    out: &mut Vec<Malformed>,
) -> Vec<(String, Value)> {
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

fn snapshot_sharing(params: &Map<String, Json>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    sharing(params, "createVolumePermission", out)
}

fn image_sharing(params: &Map<String, Json>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    sharing(params, "launchPermission", out)
}

fn instance_metadata(params: &Map<String, Json>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
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

    fn malformed(f: crate::model::FactsFn, params: Json) -> Vec<String> {
        crate::model::malformed::derive(f, params).1
    }

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
            ]
        );
        let found = malformed(snapshot_sharing, json!({"createVolumePermission": "all"}));
        assert_eq!(
            found,
            [
                "sharing requestParameters.createVolumePermission: expected an object, found a string"
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
