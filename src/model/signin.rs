//! AWS sign-in: console logins, whose target is the account.

use super::{EventSpec, Id, ResourceKind, no_arn};

const ACCOUNT: ResourceKind = ResourceKind {
    ty: "Account",
    id: Id::Account,
    name: &[],
    arn: no_arn,
};

pub const EVENTS: &[EventSpec] = &[EventSpec {
    name: "ConsoleLogin",
    resource: ACCOUNT,
    facts: None,
}];
