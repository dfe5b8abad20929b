//! The decision record, a named and versioned type: its JSON is snapback's output contract.

use serde::{Deserialize, Serialize};

use crate::engine::{Decision, Outcome, PolicyError};
use crate::event::{Event, EventError};
use crate::policy::{Meta, Mode, Severity};

/// Bumped on any change to the record's JSON that a reader could notice.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalRef {
    /// The Cedar entity type, like `Aws::AssumedRole`.
    #[serde(rename = "type")]
    pub ty: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    #[serde(rename = "type")]
    pub ty: String,
    pub id: String,
}

/// A policy an event violated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// What snapback decided about one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub schema_version: u32,
    pub event_id: Option<String>,
    pub event_time: Option<String>,
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
    pub errors: Vec<PolicyError>,
    /// Where the event was read: `file:line:column`, with the record index inside a log file.
    pub source: String,
    /// Which policies decided: the policy pack's SHA-256.
    pub policy_set: String,
    /// Time spent deciding, in microseconds.
    pub decide_us: u64,
}

impl DecisionRecord {
    pub fn new(event: &Event, decision: &Decision, policy_set: &str) -> Self {
        let req = &decision.request;
        Self {
            schema_version: SCHEMA_VERSION,
            event_id: event.event_id().map(str::to_owned),
            event_time: event.event_time().map(str::to_owned),
            event_source: event.event_source().to_owned(),
            event_name: event.event_name().to_owned(),
            account: event.account().map(str::to_owned),
            region: event.region().map(str::to_owned),
            principal: PrincipalRef {
                ty: req.principal.uid.type_name(),
                arn: req.principal.attr_str("arn").to_owned(),
            },
            action: req.action.id.clone(),
            resource: ResourceRef {
                ty: req.resource.uid.type_name(),
                id: req.resource.uid.id.clone(),
            },
            decision: decision.outcome,
            reason: decision.reason.clone(),
            severity: decision.matched.iter().map(|m| m.severity).max(),
            policies: decision.matched.iter().map(MatchedPolicy::from).collect(),
            errors: decision.errors.clone(),
            source: event.origin.to_string(),
            policy_set: policy_set.to_owned(),
            decide_us: u64::try_from(decision.elapsed.as_micros()).unwrap_or(u64::MAX),
        }
    }

    /// The record for input that could not be read as an event at all.
    pub fn unreadable(err: &EventError, policy_set: &str) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            event_id: None,
            event_time: None,
            event_source: String::new(),
            event_name: String::new(),
            account: None,
            region: None,
            principal: PrincipalRef {
                ty: String::new(),
                arn: String::new(),
            },
            action: String::new(),
            resource: ResourceRef {
                ty: String::new(),
                id: String::new(),
            },
            decision: Outcome::Error,
            reason: err.message.clone(),
            severity: None,
            policies: Vec::new(),
            errors: vec![PolicyError {
                policy: None,
                message: err.message.clone(),
            }],
            source: err.origin.to_string(),
            policy_set: policy_set.to_owned(),
            decide_us: 0,
        }
    }
}
