//! EC2: security groups, EBS defaults, snapshot and image sharing, flow logs and instance
//! metadata options.

use serde_json::{Map, Value as Json};

mod ingress;

pub use ingress::ingress_rules;

use super::json::first_string;
use super::malformed::{Malformed, Path, Report, present};
use super::spec::{events, fact};
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
};

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
    fact(
        "sharing",
        [
            ("public", Value::Bool(public)),
            ("addedAccounts", set(added)),
            ("removedAccounts", set(removed)),
        ],
    )
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
