//! snapback: a policy-as-code compliance scanner and reactor for AWS.
//!
//! CloudTrail change events (from EventBridge, log files or LookupEvents) become Cedar
//! authorization requests and are evaluated against `forbid` policies that security teams
//! write and test. Data flows one way:
//!
//! ```text
//! input -> event -> model -> engine -> reactor -> remediation -> decision_log
//! ```
//!
//! * [`event`] splits bytes into CloudTrail records, with their origin;
//! * [`model`] turns a record into a Cedar principal, action, resource and context (pure);
//! * [`policy`] loads and strictly validates a policy directory;
//! * [`engine`] decides (pure);
//! * [`reactor`] plans and applies reverts through [`remediation`]s, with [`resilience`]
//!   (retries, circuit breakers, dead letters, flap limits) and [`aws`] clients;
//! * [`decision_log`] is the record every event gets;
//! * [`config`] reads every setting (flags and `SNAPBACK_*` variables) once, the same way for
//!   the CLI and the Lambda.

/// The module layering, bottom first: a module may name (`crate::x`) only modules in lower
/// layers, never one in its own layer or above, so the module graph has no cycle and data flows
/// one way. `tests/integration/layering.rs` fails when an edge climbs. A new module goes in the
/// lowest layer above everything it names; docs/architecture.md says what each layer is for.
pub const LAYERS: &[&[&str]] = &[
    &["event"],
    &["input", "model"],
    &["archive", "policy"],
    &["engine"],
    &["aws", "decision_log", "resilience"],
    &["config", "remediation"],
    &["reactor"],
    &[
        "archive_digest",
        "cases",
        "coverage",
        "deploy",
        "prove",
        "scan",
    ],
    &["lambda"],
    &["cli"],
];

pub mod archive;
pub mod archive_digest;
pub mod aws;
pub mod cases;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod decision_log;
pub mod deploy;
pub mod engine;
pub mod event;
pub mod input;
pub mod lambda;
pub mod model;
pub mod policy;
#[cfg(feature = "prove")]
pub mod prove;
pub mod reactor;
pub mod remediation;
pub mod resilience;
pub mod scan;

pub use decision_log::DecisionRecord;
pub use engine::{Decision, Engine, Outcome};
pub use event::{Event, EventError, StreamParser};
pub use policy::PolicyPack;

/// Load, parse, annotate and strictly validate the policy directory `dir`, with snapback's own
/// remediations as the names `@remediation` may use.
pub fn load_policies(dir: &std::path::Path) -> Result<PolicyPack, Vec<policy::LoadError>> {
    policy::load(dir, &remediation::names())
}
