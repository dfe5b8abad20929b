//! The pipeline's second half: plan what a violation's policies call for, then (when
//! enforced) pass the flap limit and the circuit breaker and apply it with retries under the
//! event's deadline, and say what became of it in the record.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use crate::aws::{ApiError, ClientSource, ErrorKind};
use crate::decision_log::recorder::timestamp;
use crate::decision_log::{DecisionRecord, Remediation as Outcome, RemediationStatus};
use crate::engine::Decision;
use crate::event::Event;
use crate::policy::Mode;
use crate::remediation::{self, Plan, Status};
use crate::resilience::{BreakerKey, Jitter, retry};

use super::{DeadLetterSink, Handled, ModeOverride, Reactor};

impl<C: ClientSource, D: DeadLetterSink> Reactor<C, D> {
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

    pub(super) async fn remediate(
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
            Some(reason) if transient => {
                let mut handled = Handled::done(record);
                handled.retry = Some(reason);
                handled
            }
            Some(reason) => {
                let lost = self
                    .dead_letter(&record, reason, attempts, failed_plans, event.original())
                    .await;
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
        let reserved = match self
            .state
            .reserve_revert(&flap_key, self.config.flap_max, self.config.flap_window)
            .await
        {
            Ok(Some(reserved)) => Some(reserved),
            Ok(None) => {
                let why = format!(
                    "`{}` was reverted {} times within {:?}: no longer reverting it automatically",
                    plan.resource, self.config.flap_max, self.config.flap_window
                );
                return (
                    outcome(RemediationStatus::FlapLimited, 0, Vec::new(), Some(why)),
                    None,
                );
            }
            // The count cannot be read: revert all the same (a missed flap limit costs one
            // more idempotent revert; a missed revert leaves the violation in place).
            Err(err) => {
                tracing::warn!(key = %flap_key, error = %err, "flap count unavailable");
                None
            }
        };
        let key = BreakerKey {
            account: plan.account.clone(),
            region: plan.region.clone(),
            service: remediation.service().to_owned(),
        };
        if !self.breakers.allow(&key, Instant::now()) {
            self.give_back(&flap_key, reserved).await;
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
        if !matches!(result, Ok(Status::Applied)) {
            self.give_back(&flap_key, reserved).await;
        }
        match result {
            Ok(Status::Applied) => (
                outcome(RemediationStatus::Applied, attempts, calls, None),
                None,
            ),
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
}

impl<C: ClientSource, D: DeadLetterSink> Reactor<C, D> {
    /// Give back a revert taken from the flap limit that did not happen.
    async fn give_back(&self, key: &str, reserved: Option<crate::reactor::Reserved>) {
        let Some(reserved) = reserved else {
            return;
        };
        if let Err(err) = self
            .state
            .unreserve_revert(key, reserved, self.config.flap_window)
            .await
        {
            tracing::warn!(key, error = %err, "flap count not given back");
        }
    }
}

/// Whether a failure says something about the service's health (and so counts for its breaker).
fn counts_against_service(err: &ApiError) -> bool {
    matches!(err.kind, ErrorKind::Throttled | ErrorKind::Transient)
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
