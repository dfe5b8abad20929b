//! The decision log: one [`DecisionRecord`] for every event that reaches snapback, whatever
//! happens to it. `check` prints them as JSON Lines; later stages add remediation outcomes.

mod record;

pub use record::{DecisionRecord, MatchedPolicy, PrincipalRef, ResourceRef, SCHEMA_VERSION};
