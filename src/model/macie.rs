//! Amazon Macie: the account's session in a region.

use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{EventSpec, Id, ResourceKind, Value};

const SESSION: ResourceKind = ResourceKind::new("MacieSession", Id::Region);

pub const EVENTS: &[EventSpec] = events! {
    SESSION: ["EnableMacie", "DisableMacie", "UpdateMacieSession" => session],
};

/// `macieSession`: the status an update sets (`PAUSED`, `ENABLED`), or "" when unchanged.
fn session(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let root = Path::root("requestParameters");
    let at = root.key("status");
    let status = Report::new("macieSession", out).string(&at, input.params.get("status"));
    fact(
        "macieSession",
        [("status", Value::str(status.unwrap_or("")))],
    )
}
