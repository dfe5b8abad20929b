//! IAM Roles Anywhere: trust anchors, which let certificates from a CA outside AWS obtain
//! role credentials.

use super::spec::events;
use super::{EventSpec, ResourceKind};

const TRUST_ANCHOR: ResourceKind =
    ResourceKind::new("TrustAnchor", super::Id::Paths(&["trustAnchorId", "name"]));

pub const EVENTS: &[EventSpec] = events! {
    TRUST_ANCHOR: [
        "CreateTrustAnchor",
        "UpdateTrustAnchor",
        "EnableTrustAnchor",
        "DisableTrustAnchor",
        "DeleteTrustAnchor",
    ],
};
