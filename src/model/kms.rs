//! KMS: key state, deletion and rotation.

use super::spec::events;
use super::{Arn, EventSpec, Id, ResourceKind};

const KEY: ResourceKind = ResourceKind::new("KmsKey", Id::Paths(&["keyId", "KeyId"])).arn(
    Arn::Build(|account, region, id| {
        if id.starts_with("alias/") {
            format!("arn:aws:kms:{region}:{account}:{id}")
        } else {
            format!("arn:aws:kms:{region}:{account}:key/{id}")
        }
    }),
);

pub const EVENTS: &[EventSpec] = events! {
    KEY: [
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "DisableKey",
        "EnableKey",
        "DisableKeyRotation",
        "EnableKeyRotation",
        "PutKeyPolicy",
    ],
};
