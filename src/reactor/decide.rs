//! The pipeline's first half, which needs no AWS and no async: the cheap check (a change
//! snapback itself made), then the decision, then the record. (Duplicate deliveries are the
//! reactor's to spot: that takes the state store.) What is left
//! to do (a revert to plan, a dead letter to write) travels with the record in a [`Decided`],
//! so that an event is decided once even when the acting happens on another thread (`scan`).

use std::time::{Instant, SystemTime};

use crate::decision_log::{DecisionRecord, Recorder};
use crate::engine::{Decision, Engine, Outcome};
use crate::event::{Event, EventError, lookup};

use super::{Config, ModeOverride};

/// What the pipeline does after deciding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Decide and record: no check for duplicates or snapback's own changes, no plans, no
    /// AWS, no dead letters (`check`, `test`, `scan` without `--remediate`).
    Check,
    /// Decide, then act on violations: plan only (audit), per policy `@mode`, or enforce
    /// every remediation; what cannot be decided or reverted is dead-lettered.
    React(ModeOverride),
}

/// Decides events and makes their records, for one process.
#[derive(Debug)]
pub struct Decider {
    pub engine: Engine,
    pub recorder: Recorder,
    mode: Mode,
    self_roles: Vec<String>,
}

/// A decided event: its record, and what acting on it needs.
#[derive(Debug)]
pub struct Decided {
    pub record: DecisionRecord,
    pub(super) next: Next,
}

/// What is left to do for a decided event.
#[derive(Debug)]
pub(super) enum Next {
    Done,
    /// A violation: plan (and maybe revert) what its policies call for.
    Remediate(Box<(Event, Decision)>),
    /// Nothing can be done for it: keep it in the dead letters with why.
    DeadLetter {
        reason: String,
        event: serde_json::Value,
    },
}

impl Decided {
    /// What the event came to when nothing acts on it: its record as decided.
    pub fn record_only(self) -> super::Handled {
        super::Handled::done(self.record)
    }
}

impl Decider {
    /// A decider in [`Mode::Check`].
    pub fn check(engine: Engine, recorder: Recorder) -> Self {
        Self {
            engine,
            recorder,
            mode: Mode::Check,
            self_roles: Vec::new(),
        }
    }

    /// A decider that acts as `config` says.
    pub fn new(engine: Engine, recorder: Recorder, config: &Config) -> Self {
        Self {
            engine,
            recorder,
            mode: Mode::React(config.mode),
            self_roles: config.self_roles.clone(),
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// One item read (an event, or input that could not be read as one) to its record. Every
    /// item gets exactly one record.
    pub fn decide(&self, item: Result<Event, EventError>, received: SystemTime) -> Decided {
        let acting = self.mode != Mode::Check;
        let event = match item {
            Ok(event) => event,
            Err(err) => {
                let record = self.recorder.unreadable(&err, received);
                let next = if acting {
                    Next::DeadLetter {
                        reason: err.message,
                        event: serde_json::Value::String(err.raw.unwrap_or_default()),
                    }
                } else {
                    Next::Done
                };
                return Decided { record, next };
            }
        };
        if acting && let Some(reason) = self.skip_reason(&event) {
            return Decided {
                record: self.skipped(&event, reason, received),
                next: Next::Done,
            };
        }
        let decision = self.engine.decide(&event);
        let record = self.recorder.record(&event, &decision, received);
        let next = match decision.outcome {
            _ if !acting => Next::Done,
            Outcome::NonCompliant => Next::Remediate(Box::new((event, decision))),
            Outcome::Error => Next::DeadLetter {
                reason: format!("could not be decided: {}", record.reason),
                event: event.original(),
            },
            Outcome::Compliant | Outcome::Skipped => Next::Done,
        };
        Decided { record, next }
    }

    /// Why an event is not to be decided: a change snapback made.
    fn skip_reason(&self, event: &Event) -> Option<String> {
        principal_in(event, &self.self_roles)
            .map(|arn| format!("caused by snapback's own role `{arn}`"))
    }

    /// The record of an event skipped without deciding it: it names the principal, action and
    /// resource as any record does.
    fn skipped(&self, event: &Event, reason: String, received: SystemTime) -> DecisionRecord {
        let started = Instant::now();
        let decision = Decision {
            outcome: Outcome::Skipped,
            reason,
            matched: Vec::new(),
            errors: Vec::new(),
            request: crate::model::build_scope(&event.head()),
            evaluated: false,
            elapsed: started.elapsed(),
        };
        self.recorder.record(event, &decision, received)
    }
}

/// The principal ARN (the caller's session issuer, or the caller's own) that one of `arns`
/// names. An entry that is not an ARN is a role name, matched in any account (the
/// cross-account role has the same name in every member account).
pub fn principal_in(event: &Event, arns: &[String]) -> Option<String> {
    if arns.is_empty() {
        return None;
    }
    let user = event.user_identity()?;
    let text = |path: &str| lookup(user, path).and_then(serde_json::Value::as_str);
    let names = |arn: &str, entry: &str| {
        if entry.starts_with("arn:") {
            arn == entry
        } else {
            arn.strip_suffix(entry)
                .is_some_and(|head| head.ends_with(":role/"))
        }
    };
    [text("sessionContext.sessionIssuer.arn"), text("arn")]
        .into_iter()
        .flatten()
        .find(|arn| !arn.is_empty() && arns.iter().any(|e| !e.is_empty() && names(arn, e)))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(user: serde_json::Value) -> Event {
        let record = serde_json::json!({
            "eventVersion": "1.09", "eventSource": "cloudtrail.amazonaws.com",
            "eventName": "StopLogging", "awsRegion": "us-east-1", "eventID": "e-1",
            "eventTime": "2026-11-20T09:05:00Z", "userIdentity": user,
            "requestParameters": {"name": "t"}, "recipientAccountId": "123456789012"
        });
        let mut events = Vec::new();
        let mut parser = crate::event::StreamParser::new("test");
        parser.push(record.to_string().as_bytes(), &mut |e| events.push(e));
        parser.finish(&mut |e| events.push(e));
        match events.pop() {
            Some(Ok(event)) => event,
            other => unreachable!("{other:?}"),
        }
    }

    #[test]
    fn own_roles_match_by_arn_or_by_role_name_in_any_account() {
        let e = event(serde_json::json!({
            "type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/snapback/s",
            "sessionContext": {"sessionIssuer": {"arn": "arn:aws:iam::1:role/snapback"}}
        }));
        let issuer = Some("arn:aws:iam::1:role/snapback".to_owned());
        assert_eq!(principal_in(&e, &["snapback".to_owned()]), issuer);
        assert_eq!(
            principal_in(&e, &["arn:aws:iam::1:role/snapback".to_owned()]),
            issuer
        );
        assert_eq!(principal_in(&e, &["back".to_owned()]), None);
        assert_eq!(principal_in(&e, &[String::new()]), None);
        assert_eq!(principal_in(&e, &[]), None);
    }

    #[test]
    fn a_malformed_issuer_matches_nothing() {
        let e = event(serde_json::json!({
            "type": "AssumedRole",
            "sessionContext": {"sessionIssuer": {"arn": ["arn:aws:iam::1:role/snapback"]}}
        }));
        assert_eq!(principal_in(&e, &["snapback".to_owned()]), None);
    }
}
