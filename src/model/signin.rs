//! AWS sign-in: console logins, whose target is the account.

use super::spec::events;
use super::{ACCOUNT, EventSpec};

pub const EVENTS: &[EventSpec] = events! {
    ACCOUNT: ["ConsoleLogin"],
};
