//! Security Hub: the per-region hub, one per account.

use super::{EventSpec, Id, ResourceKind};

const HUB: ResourceKind = ResourceKind {
    ty: "SecurityHub",
    id: Id::Account,
    name: &[],
    arn: |account, region, _| format!("arn:aws:securityhub:{region}:{account}:hub/default"),
};

pub const EVENTS: &[EventSpec] = &[
    EventSpec {
        name: "EnableSecurityHub",
        resource: HUB,
        facts: None,
    },
    EventSpec {
        name: "DisableSecurityHub",
        resource: HUB,
        facts: None,
    },
];
