//! decide -> plan -> remediate -> record: the pipeline `snapback react`, `redrive` and the
//! Lambda run. Generic over where clients come from and where dead letters go, so tests can
//! point it at moto, at a failing endpoint, or at mocks.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use crate::aws::{ApiError, ClientSource, ErrorKind};
use crate::decision_log::recorder::timestamp;
use crate::decision_log::{DecisionRecord, Recorder, Remediation as Outcome, RemediationStatus};
use crate::engine::{Decision, Engine, Outcome as Verdict};
use crate::event::Event;
use crate::policy::Mode;
use crate::remediation::{self, Plan, Status};
use crate::resilience::{
    BreakerKey, Breakers, DeadLetter, DeadLetterSink, FlapLimiter, Jitter, Seen, retry,
};

// The reactor's settings are part of the one configuration (`crate::config`).
pub use crate::config::{ModeOverride, ReactorConfig as Config};

/// The reactor and its state for one process.
pub struct Reactor<C: ClientSource, D: DeadLetterSink> {
    pub engine: Engine,
    pub recorder: Recorder,
    pub clients: C,
    pub dead_letters: D,
    pub config: Config,
    pub breakers: Breakers,
    flaps: FlapLimiter,
    seen: Seen,
}

/// What one event came to, besides its record: whether it went to the dead letters.
#[derive(Debug)]
pub struct Handled {
    pub record: DecisionRecord,
    pub dead_lettered: bool,
    /// The dead-letter sink itself failed: the caller must not acknowledge the event.
    pub lost: Option<String>,
    /// A transient failure handed back (see [`Config::hand_back_retryable`]): the caller must
    /// have the event delivered again.
    pub retry: Option<String>,
}

impl<C: ClientSource, D: DeadLetterSink> Reactor<C, D> {
    pub fn new(
        engine: Engine,
        recorder: Recorder,
        clients: C,
        dead_letters: D,
        config: Config,
    ) -> Self {
        Self {
            breakers: Breakers::new(config.breaker),
            flaps: FlapLimiter::new(config.flap_max, config.flap_window),
            seen: Seen::new(config.seen_capacity),
            engine,
            recorder,
            clients,
            dead_letters,
            config,
        }
    }

    /// The record of input that could not be read as an event; it goes to the dead letters too.
    pub async fn unreadable(
        &self,
        err: &crate::event::EventError,
        received: SystemTime,
    ) -> Handled {
        let record = self.recorder.unreadable(err, received);
        let letter = DeadLetter {
            decision_id: record.decision_id.clone(),
            event_id: None,
            reason: err.message.clone(),
            attempts: 0,
            failed_at: timestamp(SystemTime::now()),
            source: record.source.clone(),
            plans: Vec::new(),
            event: serde_json::Value::String(err.raw.clone().unwrap_or_default()),
        };
        let lost = self.dead_letters.put(&letter).err();
        Handled::dead_letter(record, lost)
    }

    /// The principal ARN (the caller's, or its session issuer's) that one of `arns` names. An
    /// entry that is not an ARN is a role name, matched in any account (the cross-account role
    /// has the same name in every member account).
    fn principal_in(decision: &Decision, arns: &[String]) -> Option<String> {
        let p = &decision.request.principal;
        let names = |arn: &str, entry: &str| {
            if entry.starts_with("arn:") {
                arn == entry
            } else {
                arn.strip_suffix(entry)
                    .is_some_and(|head| head.ends_with(":role/"))
            }
        };
        [p.attr_str("sessionIssuerArn"), p.attr_str("arn")]
            .into_iter()
            .find(|arn| !arn.is_empty() && arns.iter().any(|e| !e.is_empty() && names(arn, e)))
            .map(str::to_owned)
    }

    /// Decide one event, revert what needs reverting, and return its record.
    pub async fn handle(&self, event: &Event, received: SystemTime) -> Handled {
        let decision = self.engine.decide(event);
        let mut record = self.recorder.record(event, &decision, received);
        if let Some(id) = event.event_id()
            && !self.seen.first(id)
        {
            skip(&mut record, format!("duplicate delivery of event `{id}`"));
            return Handled::done(record);
        }
        if let Some(arn) = Self::principal_in(&decision, &self.config.self_roles) {
            skip(
                &mut record,
                format!("caused by snapback's own role `{arn}`"),
            );
            return Handled::done(record);
        }
        match decision.outcome {
            Verdict::NonCompliant => {
                if let Some(arn) = Self::principal_in(&decision, &self.config.exempt_principals) {
                    record.reason = format!("{}; not reverted: `{arn}` is exempt", record.reason);
                    return Handled::done(record);
                }
                let handled = self.remediate(event, &decision, record).await;
                if handled.retry.is_some()
                    && let Some(id) = event.event_id()
                {
                    // The redelivery must be handled, not skipped as a duplicate.
                    self.seen.forget(id);
                }
                handled
            }
            Verdict::Error => {
                let reason = format!("could not be decided: {}", record.reason);
                let lost = self.dead_letter(event, &record, &reason, 0, Vec::new());
                Handled::dead_letter(record, lost)
            }
            Verdict::Compliant | Verdict::Skipped => Handled::done(record),
        }
    }

    /// The remediations the matched policies call for, each with whether it is enforced.
    fn wanted(&self, decision: &Decision) -> BTreeMap<String, bool> {
        let mut wanted = BTreeMap::new();
        for meta in &decision.matched {
            let Some(name) = &meta.remediation else {
                continue;
            };
            let enforce = match self.config.mode {
                ModeOverride::Audit => false,
                ModeOverride::Enforce => true,
                ModeOverride::Policy => meta.mode == Mode::Enforce,
            };
            *wanted.entry(name.clone()).or_insert(false) |= enforce;
        }
        wanted
    }

    async fn remediate(
        &self,
        event: &Event,
        decision: &Decision,
        mut record: DecisionRecord,
    ) -> Handled {
        let wanted = self.wanted(decision);
        if wanted.is_empty() {
            return Handled::done(record);
        }
        let started = Instant::now();
        let deadline = started + self.config.deadline;
        let mut outcomes = Vec::new();
        let mut failed_plans = Vec::new();
        let mut failure: Option<String> = None;
        let mut transient = false;
        for (name, enforce) in wanted {
            let (mut outcome, plan) = self.one(event, decision, &name, enforce, deadline).await;
            if matches!(
                outcome.status,
                RemediationStatus::DeadLettered | RemediationStatus::BreakerOpen
            ) && self.config.hand_back_retryable
            {
                transient = true;
                outcome.status = RemediationStatus::Failed;
                outcome.error = Some(format!(
                    "{}; handed back for redelivery",
                    outcome.error.as_deref().unwrap_or("transient failure")
                ));
            }
            if matches!(
                outcome.status,
                RemediationStatus::Failed
                    | RemediationStatus::DeadLettered
                    | RemediationStatus::BreakerOpen
            ) {
                failure.get_or_insert_with(|| {
                    outcome
                        .error
                        .clone()
                        .unwrap_or_else(|| outcome.status.as_str().to_owned())
                });
                failed_plans.extend(plan);
            }
            outcomes.push(outcome);
        }
        let combined = combine(outcomes, started.elapsed());
        if combined.status == RemediationStatus::Applied {
            record.remediated_at = Some(timestamp(SystemTime::now()));
        }
        let attempts = combined.attempts;
        record.remediation = Some(combined);
        match failure {
            None => Handled::done(record),
            Some(reason) if transient => Handled {
                record,
                dead_lettered: false,
                lost: None,
                retry: Some(reason),
            },
            Some(reason) => {
                let lost = self.dead_letter(event, &record, &reason, attempts, failed_plans);
                if let (Some(err), Some(r)) = (&lost, record.remediation.as_mut()) {
                    r.error = Some(format!(
                        "{}; and the dead letter was not written: {err}",
                        r.error.clone().unwrap_or_default()
                    ));
                }
                Handled::dead_letter(record, lost)
            }
        }
    }

    /// Run one remediation: plan, then (when enforced) flap and breaker checks, then apply with
    /// retries. Returns the outcome and, when it did not succeed, the plan to keep.
    async fn one(
        &self,
        event: &Event,
        decision: &Decision,
        name: &str,
        enforce: bool,
        deadline: Instant,
    ) -> (Outcome, Option<Plan>) {
        let started = Instant::now();
        let outcome = |status, attempts, api_calls, error: Option<String>| Outcome {
            name: name.to_owned(),
            status,
            attempts,
            api_calls,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            error,
        };
        let Some(remediation) = remediation::find(name) else {
            return (
                outcome(
                    RemediationStatus::Failed,
                    0,
                    Vec::new(),
                    Some(format!("no remediation named `{name}` is registered")),
                ),
                None,
            );
        };
        let plan = match remediation.plan(event, &decision.request) {
            Ok(plan) => plan,
            Err(err) => {
                return (
                    outcome(
                        RemediationStatus::Failed,
                        0,
                        Vec::new(),
                        Some(err.to_string()),
                    ),
                    None,
                );
            }
        };
        if !enforce {
            return (
                outcome(RemediationStatus::Planned, 0, Vec::new(), None),
                None,
            );
        }
        let flap_key = format!(
            "{}/{}/{}/{}",
            plan.account,
            plan.region,
            remediation.name(),
            plan.resource
        );
        if !self.flaps.allow(&flap_key, Instant::now()) {
            let why = format!(
                "`{}` was reverted {} times within {:?}: no longer reverting it automatically",
                plan.resource, self.config.flap_max, self.config.flap_window
            );
            return (
                outcome(RemediationStatus::FlapLimited, 0, Vec::new(), Some(why)),
                None,
            );
        }
        let key = BreakerKey {
            account: plan.account.clone(),
            region: plan.region.clone(),
            service: remediation.service().to_owned(),
        };
        if !self.breakers.allow(&key, Instant::now()) {
            let why = format!("circuit breaker for {key} is open");
            return (
                outcome(RemediationStatus::BreakerOpen, 0, Vec::new(), Some(why)),
                Some(plan),
            );
        }
        let calls = Mutex::new(Vec::new());
        let (result, attempts) = retry(
            &self.config.retry,
            deadline,
            &mut Jitter::from_clock(),
            || {
                let (calls, plan) = (&calls, &plan);
                async move {
                    let aws = self.clients.clients(&plan.account, &plan.region).await?;
                    let (result, attempt_calls) = remediation::run(remediation, plan, &*aws).await;
                    if let Ok(mut all) = calls.lock() {
                        all.extend(attempt_calls);
                    }
                    result
                }
            },
        )
        .await;
        let calls = calls.into_inner().unwrap_or_default();
        let success = result.is_ok() || result.as_ref().is_err_and(|e| !counts_against_service(e));
        self.breakers.record(&key, success, Instant::now());
        match result {
            Ok(Status::Applied) => {
                self.flaps.record(&flap_key, Instant::now());
                (
                    outcome(RemediationStatus::Applied, attempts, calls, None),
                    None,
                )
            }
            Ok(Status::Noop) => (
                outcome(RemediationStatus::Noop, attempts, calls, None),
                None,
            ),
            Err(err) if err.retryable() => (
                outcome(
                    RemediationStatus::DeadLettered,
                    attempts,
                    calls,
                    Some(err.to_string()),
                ),
                Some(plan),
            ),
            Err(err) => (
                outcome(
                    RemediationStatus::Failed,
                    attempts,
                    calls,
                    Some(err.to_string()),
                ),
                Some(plan),
            ),
        }
    }

    /// Write a dead letter; `Some(why)` when even that failed.
    fn dead_letter(
        &self,
        event: &Event,
        record: &DecisionRecord,
        reason: &str,
        attempts: u32,
        plans: Vec<Plan>,
    ) -> Option<String> {
        let letter = DeadLetter {
            decision_id: record.decision_id.clone(),
            event_id: record.event_id.clone(),
            reason: reason.to_owned(),
            attempts,
            failed_at: timestamp(SystemTime::now()),
            source: record.source.clone(),
            plans,
            event: event.original(),
        };
        match self.dead_letters.put(&letter) {
            Ok(()) => None,
            Err(err) => {
                tracing::error!(decision_id = %record.decision_id, "{err}");
                Some(err)
            }
        }
    }
}

impl Handled {
    /// Nothing more to do for this event.
    fn done(record: DecisionRecord) -> Self {
        Self {
            record,
            dead_lettered: false,
            lost: None,
            retry: None,
        }
    }

    /// The event went to the dead letters, or (`lost`) the sink failed.
    fn dead_letter(record: DecisionRecord, lost: Option<String>) -> Self {
        Self {
            dead_lettered: lost.is_none(),
            lost,
            record,
            retry: None,
        }
    }
}

/// Whether a failure says something about the service's health (and so counts for its breaker).
fn counts_against_service(err: &ApiError) -> bool {
    matches!(err.kind, ErrorKind::Throttled | ErrorKind::Transient)
}

fn skip(record: &mut DecisionRecord, reason: String) {
    record.decision = Verdict::Skipped;
    record.reason = reason;
    record.severity = None;
    record.policies.clear();
}

/// One outcome for the record from several remediations: the worst status, all calls.
fn combine(mut outcomes: Vec<Outcome>, elapsed: Duration) -> Outcome {
    if outcomes.len() == 1
        && let Some(only) = outcomes.pop()
    {
        return only;
    }
    let rank = |s: RemediationStatus| match s {
        RemediationStatus::Noop => 0,
        RemediationStatus::Applied => 1,
        RemediationStatus::Planned => 2,
        RemediationStatus::FlapLimited => 3,
        RemediationStatus::BreakerOpen => 4,
        RemediationStatus::DeadLettered => 5,
        RemediationStatus::Failed => 6,
    };
    let status = outcomes
        .iter()
        .map(|o| o.status)
        .max_by_key(|s| rank(*s))
        .unwrap_or(RemediationStatus::Noop);
    let errors: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.error.clone().map(|e| format!("{}: {e}", o.name)))
        .collect();
    Outcome {
        name: outcomes
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join("+"),
        status,
        attempts: outcomes.iter().map(|o| o.attempts).sum(),
        api_calls: outcomes.into_iter().flat_map(|o| o.api_calls).collect(),
        duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        error: (!errors.is_empty()).then(|| errors.join("; ")),
    }
}
