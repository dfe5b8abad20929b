//! Amazon Inspector (inspector2): scanning enabled or disabled for an account's resource types.

use super::spec::events;
use super::{EventSpec, Id, ResourceKind};

const SCANNING: ResourceKind = ResourceKind::new("InspectorScanning", Id::Region);

pub const EVENTS: &[EventSpec] = events! {
    SCANNING: ["Enable", "Disable"],
};
