//! KMS: key state, deletion and rotation.

use super::{EventSpec, Id, ResourceKind};

const KEY: ResourceKind = ResourceKind {
    ty: "KmsKey",
    id: Id::Paths(&["keyId", "KeyId"]),
    name: &[],
    arn: |account, region, id| {
        if id.starts_with("alias/") {
            format!("arn:aws:kms:{region}:{account}:{id}")
        } else {
            format!("arn:aws:kms:{region}:{account}:key/{id}")
        }
    },
};

const fn key(name: &'static str) -> EventSpec {
    EventSpec {
        name,
        resource: KEY,
        facts: None,
    }
}

pub const EVENTS: &[EventSpec] = &[
    key("ScheduleKeyDeletion"),
    key("CancelKeyDeletion"),
    key("DisableKey"),
    key("EnableKey"),
    key("DisableKeyRotation"),
    key("EnableKeyRotation"),
    key("PutKeyPolicy"),
];
