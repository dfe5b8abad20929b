//! EventBridge: rules, including the one that delivers events to snapback.

use super::{EventSpec, Id, ResourceKind};

const RULE: ResourceKind = ResourceKind {
    ty: "EventRule",
    id: Id::Paths(&["name", "rule"]),
    name: &[],
    arn: |account, region, id| format!("arn:aws:events:{region}:{account}:rule/{id}"),
};

const fn rule(name: &'static str) -> EventSpec {
    EventSpec {
        name,
        resource: RULE,
        facts: None,
    }
}

pub const EVENTS: &[EventSpec] = &[
    rule("PutRule"),
    rule("EnableRule"),
    rule("DisableRule"),
    rule("DeleteRule"),
    rule("RemoveTargets"),
];
