//! EventBridge: rules, including the one that delivers events to snapback.

use super::spec::events;
use super::{EventSpec, ResourceKind};

const RULE: ResourceKind = ResourceKind::at(
    "EventRule",
    &["name", "rule"],
    "arn:aws:events:{region}:{account}:rule/{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    RULE: ["PutRule", "EnableRule", "DisableRule", "DeleteRule", "RemoveTargets"],
};
