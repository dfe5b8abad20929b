//! Building decision records: the one place that stamps times, redacts request parameters,
//! marks the cold start and names the policy set, so that `check`, `react`, `scan` and the
//! Lambda all write the same record.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::redact::Redactor;
use super::{
    DecisionRecord, ENGINE_VERSION, MatchedPolicy, PrincipalRef, ResourceRef, SCHEMA_VERSION,
};
use crate::engine::{Decision, Outcome, PolicyError};
use crate::event::{Event, EventError, EventTime};

/// RFC 3339 UTC with milliseconds.
pub fn timestamp(at: SystemTime) -> String {
    let millis = at
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    EventTime {
        epoch_millis: millis,
    }
    .to_rfc3339()
}

/// A fresh random (version 4) UUID for a decision record. The generator is seeded once per
/// thread from the operating system, not asked for every record: a system call per record was
/// a measurable part of deciding. Ids need to be unique, not secret.
pub fn decision_id() -> String {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(uuid::Uuid::new_v4().as_u64_pair().0);
    }
    // SplitMix64: each output is a bijective mix of a counter, so a thread's ids never repeat
    // within 2^63 records.
    let next = || {
        STATE.with(|state| {
            let mut z = state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
            state.set(z);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
    };
    let bits = (u128::from(next()) << 64) | u128::from(next());
    let id = uuid::Builder::from_random_bytes(bits.to_le_bytes()).into_uuid();
    id.hyphenated()
        .encode_lower(&mut uuid::Uuid::encode_buffer())
        .to_owned()
}

/// Makes decision records for one process.
#[derive(Debug)]
pub struct Recorder {
    policy_set: String,
    redactor: Redactor,
    cold: AtomicBool,
}

impl Recorder {
    pub fn new(policy_set: impl Into<String>, redactor: Redactor) -> Self {
        Self {
            policy_set: policy_set.into(),
            redactor,
            cold: AtomicBool::new(true),
        }
    }

    pub fn policy_set(&self) -> &str {
        &self.policy_set
    }

    fn cold_start(&self) -> bool {
        // Read before writing: scan threads share the recorder, and a write on every record
        // would bounce the cache line between cores.
        self.cold.load(Ordering::Relaxed) && self.cold.swap(false, Ordering::Relaxed)
    }

    /// The record of a decided event, received at `received`.
    pub fn record(
        &self,
        event: &Event,
        decision: &Decision,
        received: SystemTime,
    ) -> DecisionRecord {
        let req = &decision.request;
        let (request_parameters, redacted) = match self.redactor.request_parameters(event) {
            Some((value, paths)) => (Some(value), paths),
            None => (None, Vec::new()),
        };
        let event_time = event
            .event_time()
            .map(|t| EventTime::parse(t).map_or_else(|| t.to_owned(), EventTime::to_rfc3339));
        DecisionRecord {
            schema_version: SCHEMA_VERSION,
            decision_id: decision_id(),
            event_id: event.event_id().map(str::to_owned),
            event_time,
            received_at: timestamp(received),
            decided_at: timestamp(received + decision.elapsed),
            remediated_at: None,
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
            remediation: None,
            errors: decision.errors.clone(),
            request_parameters,
            redacted,
            source: event.origin.to_string(),
            delivery: None,
            delivery_delay_ms: None,
            policy_set: self.policy_set.clone(),
            engine_version: ENGINE_VERSION.to_owned(),
            cold_start: self.cold_start(),
            decide_us: u64::try_from(decision.elapsed.as_micros()).unwrap_or(u64::MAX),
            stream: None,
            seq: None,
            prev_hash: None,
            hash: None,
        }
    }

    /// The record for input that could not be read as an event at all. The raw input is not
    /// kept here (it may hold secrets); dead-letter sinks keep it.
    pub fn unreadable(&self, err: &EventError, received: SystemTime) -> DecisionRecord {
        let at = timestamp(received);
        DecisionRecord {
            schema_version: SCHEMA_VERSION,
            decision_id: decision_id(),
            event_id: None,
            event_time: None,
            received_at: at.clone(),
            decided_at: at,
            remediated_at: None,
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
            remediation: None,
            errors: vec![PolicyError {
                policy: None,
                message: err.message.clone(),
            }],
            request_parameters: None,
            redacted: Vec::new(),
            source: err.origin.to_string(),
            delivery: None,
            delivery_delay_ms: None,
            policy_set: self.policy_set.clone(),
            engine_version: ENGINE_VERSION.to_owned(),
            cold_start: self.cold_start(),
            decide_us: 0,
            stream: None,
            seq: None,
            prev_hash: None,
            hash: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_ids_are_distinct_version_4_uuids() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100_000 {
            let id = decision_id();
            let parsed = uuid::Uuid::parse_str(&id);
            assert!(parsed.is_ok(), "{id}");
            assert_eq!(parsed.ok().map(|u| u.get_version_num()), Some(4), "{id}");
            assert!(seen.insert(id));
        }
        let other = std::thread::spawn(decision_id).join().unwrap_or_default();
        assert!(!seen.contains(&other));
    }
}
