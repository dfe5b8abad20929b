//! The decision log: one [`DecisionRecord`] for every event that reaches snapback, whatever
//! happens to it, written as JSON Lines, hash-chained per log stream, with secret-bearing
//! request fields redacted; and the readers auditors use on it.

pub mod canonical;
pub mod chain;
pub mod digest;
pub mod query;
pub mod reader;
mod record;
pub mod recorder;
pub mod redact;
pub mod sink;
pub mod slo;
mod verify;

pub use chain::LogWriter;
pub use record::{
    DecisionRecord, ENGINE_VERSION, MatchedPolicy, PrincipalRef, Remediation, RemediationStatus,
    ResourceRef, SCHEMA_VERSION, json_schema,
};
pub use recorder::Recorder;
pub use redact::Redactor;
pub use sink::{DecisionSink, Entry, JsonLines, LineOutput, SinkError};
pub use verify::{Status, Verdict, verify};
