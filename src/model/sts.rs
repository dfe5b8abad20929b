//! STS: federation tokens, which an IAM user's long-term keys can mint for any name and with
//! any policy up to the user's own, outliving a deleted key by up to 36 hours.

use super::spec::events;
use super::{ACCOUNT, EventSpec};

pub const EVENTS: &[EventSpec] = events! {
    ACCOUNT: ["GetFederationToken"],
};
