//! AWS Organizations: an account leaving its organization.

use super::spec::events;
use super::{ACCOUNT, EventSpec};

pub const EVENTS: &[EventSpec] = events! {
    ACCOUNT: ["LeaveOrganization"],
};
