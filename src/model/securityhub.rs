//! Security Hub: the per-region hub, one per account, and its standards.

use super::spec::events;
use super::{Arn, EventSpec, Id, ResourceKind};

const HUB: ResourceKind = ResourceKind::new("SecurityHub", Id::Account).arn(Arn::Pattern(
    "arn:aws:securityhub:{region}:{account}:hub/default",
));

pub const EVENTS: &[EventSpec] = events! {
    HUB: [
        "EnableSecurityHub",
        "DisableSecurityHub",
        "BatchEnableStandards",
        "BatchDisableStandards",
    ],
};
