//! The decision record, a named and versioned type: its JSON is snapback's output contract and
//! the line format of the decision log (docs/decision-log.md, docs/decision-record.schema.json).

use serde::{Deserialize, Serialize};

use crate::engine::{Outcome, PolicyError};
use crate::policy::{Meta, Mode, Severity};

/// The record's JSON Schema (draft 2020-12), as published in docs/decision-record.schema.json.
pub fn json_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(DecisionRecord).to_value();
    if let Some(map) = schema.as_object_mut() {
        map.insert(
            "$id".to_owned(),
            serde_json::Value::String(format!("urn:snapback:decision-record:v{SCHEMA_VERSION}")),
        );
    }
    schema
}

/// Bumped on any change to the record's JSON that a reader could notice.
pub const SCHEMA_VERSION: u32 = 1;

/// The version of snapback that wrote a record.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrincipalRef {
    /// The Cedar entity type, like `Aws::AssumedRole`.
    #[serde(rename = "type")]
    pub ty: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceRef {
    #[serde(rename = "type")]
    pub ty: String,
    pub id: String,
}

/// A policy an event violated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MatchedPolicy {
    pub id: String,
    pub severity: Severity,
    pub mode: Mode,
    pub remediation: Option<String>,
    pub controls: Vec<String>,
}

impl From<&Meta> for MatchedPolicy {
    fn from(m: &Meta) -> Self {
        Self {
            id: m.id.clone(),
            severity: m.severity,
            mode: m.mode,
            remediation: m.remediation.clone(),
            controls: m.controls.clone(),
        }
    }
}

/// What became of the revert a violation called for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemediationStatus {
    /// The change was reverted and the revert verified.
    Applied,
    /// Nothing to do: already compliant, or the resource is gone.
    Noop,
    /// Audit mode: the revert that would have run, recorded and not run.
    Planned,
    Failed,
    BreakerOpen,
    DeadLettered,
    FlapLimited,
}

impl RemediationStatus {
    pub const ALL: [Self; 7] = [
        Self::Applied,
        Self::Noop,
        Self::Planned,
        Self::Failed,
        Self::BreakerOpen,
        Self::DeadLettered,
        Self::FlapLimited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Noop => "noop",
            Self::Planned => "planned",
            Self::Failed => "failed",
            Self::BreakerOpen => "breaker_open",
            Self::DeadLettered => "dead_lettered",
            Self::FlapLimited => "flap_limited",
        }
    }

    /// Whether the attempt counts for the remediation-success SLI, and as what.
    /// `Planned` and `FlapLimited` are deliberate and count as neither.
    pub fn success(self) -> Option<bool> {
        match self {
            Self::Applied | Self::Noop => Some(true),
            Self::Failed | Self::BreakerOpen | Self::DeadLettered => Some(false),
            Self::Planned | Self::FlapLimited => None,
        }
    }
}

/// The remediation outcome of one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Remediation {
    /// The remediation's registered name, as in `@remediation`.
    pub name: String,
    pub status: RemediationStatus,
    pub attempts: u32,
    /// The AWS API calls made, as `service:Operation`.
    #[serde(default)]
    pub api_calls: Vec<String>,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What snapback decided about one event, and what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DecisionRecord {
    pub schema_version: u32,
    /// Unique per record (UUID v4).
    pub decision_id: String,
    pub event_id: Option<String>,
    /// The event's time, normalised to RFC 3339 UTC when it parses, else as written.
    pub event_time: Option<String>,
    /// When snapback read the event, decided it, and confirmed its revert (RFC 3339 UTC).
    pub received_at: String,
    pub decided_at: String,
    #[serde(default)]
    pub remediated_at: Option<String>,
    pub event_source: String,
    pub event_name: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub principal: PrincipalRef,
    /// `service:EventName`
    pub action: String,
    pub resource: ResourceRef,
    pub decision: Outcome,
    pub reason: String,
    /// The highest severity among the matched policies.
    pub severity: Option<Severity>,
    pub policies: Vec<MatchedPolicy>,
    #[serde(default)]
    pub remediation: Option<Remediation>,
    pub errors: Vec<PolicyError>,
    /// The event's requestParameters with secret-bearing fields replaced by `[REDACTED]`.
    #[serde(default)]
    pub request_parameters: Option<serde_json::Value>,
    /// The paths in `request_parameters` that were redacted.
    #[serde(default)]
    pub redacted: Vec<String>,
    /// Where the event was read: `file:line:column`, with the record index inside a log file.
    pub source: String,
    /// How the event reached snapback when not through EventBridge: `log-file` for an event the
    /// backstop found in CloudTrail's log file. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<String>,
    /// With `delivery`: milliseconds from the event's time to its reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_delay_ms: Option<u64>,
    /// Which policies decided: the policy pack's SHA-256.
    pub policy_set: String,
    pub engine_version: String,
    /// The first event a process handled (a Lambda cold start).
    pub cold_start: bool,
    /// Time spent deciding, in microseconds.
    pub decide_us: u64,
    /// The hash chain, present in a decision log file: the log stream's id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// this record's 0-based sequence number in it,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// the previous record's hash (the stream's genesis hash for the first),
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_hash: Option<String>,
    /// and this record's own hash over everything above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}
