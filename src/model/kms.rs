//! KMS: key state, deletion, rotation, key policies and grants.

use super::access::{Access, document_fact};
use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events};
use super::{Arn, EventSpec, Id, ResourceKind, Value};

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
        "PutKeyPolicy" => key_policy,
        "CreateGrant" => grant,
        "RevokeGrant",
    ],
};

/// `access`: who a key policy lets use or manage the key.
fn key_policy(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    document_fact(input, "policy", out)
}

/// `access`: the principal a grant lets use the key (and the one that may retire it).
fn grant(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("access", out);
    let root = Path::root("requestParameters");
    let mut access = Access::new(input);
    for key in ["granteePrincipal", "retiringPrincipal"] {
        if let Some(principal) = report.string(&root.key(key), input.params.get(key)) {
            access.principal(principal, &[]);
        }
    }
    access.fact()
}
