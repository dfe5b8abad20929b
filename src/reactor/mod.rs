//! The one pipeline every command and the Lambda run: event -> (duplicate and self-role
//! checks) -> decide -> plan -> remediate -> record. [`Decider`] is the first half (pure, no
//! AWS: all `check`, `test` and a plain `scan` need); [`Reactor`] adds the second, acting on
//! violations as its [`Mode`] says. Every record goes to a
//! [`DecisionSink`](crate::decision_log::DecisionSink), every failure that cannot be
//! retried to a [`DeadLetterSink`]. Generic over where clients come from and where dead
//! letters go, so tests can point it at moto, at a failing endpoint, or at mocks.

mod dead_letter;
mod decide;
mod remediate;
mod state;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

pub use dead_letter::{DeadLetter, DeadLetterError, DeadLetterSink, letters};
pub use decide::{Decided, Decider, Mode, principal_in};
pub use state::{DECIDED_RETENTION, Reserved, StateStore};

use crate::aws::{ApiError, Claim, ClientSource};
use crate::decision_log::recorder::timestamp;
use crate::decision_log::{DecisionRecord, DecisionSink, Entry, RemediationStatus, SinkError};
use crate::engine::{Engine, Outcome};
use crate::event::{Event, EventError};
use crate::remediation::Plan;
use crate::resilience::{Breakers, Jitter, retry};
use decide::Next;

// The reactor's settings are part of the one configuration (`crate::config`).
pub use crate::config::{ModeOverride, ReactorConfig as Config};

/// The pipeline and its state for one process.
pub struct Reactor<C: ClientSource, D: DeadLetterSink> {
    pub decider: Decider,
    pub clients: C,
    pub dead_letters: D,
    pub config: Config,
    pub breakers: Breakers,
    /// Which events were decided, and the flap counts: in this process, or shared.
    pub state: StateStore,
}

/// How long a claim on an event outlives the event's deadline: a process that dies mid-way
/// leaves its event to a redelivery after this much more.
const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// The longest the state store's calls for one step may take, retries included.
const STATE_DEADLINE: Duration = Duration::from_secs(5);

/// What a claim on an event came to, once waited on.
enum Claimed {
    /// This process acts on the event.
    Mine,
    /// Some process already decided it.
    Duplicate,
    /// Another process still holds it: why.
    Busy(String),
}

/// What one event came to: its record, and whether it went to the dead letters.
#[derive(Debug)]
pub struct Handled {
    pub record: DecisionRecord,
    pub dead_lettered: bool,
    /// The dead-letter sink itself failed: the caller must not acknowledge the event.
    pub lost: Option<String>,
    /// A transient failure handed back (see [`Config::hand_back_retryable`]): the caller must
    /// have the event delivered again.
    pub retry: Option<String>,
    /// Circuit breakers that opened while the event was handled.
    pub breakers_opened: u64,
}

/// What one event came to once its record is written: what callers tally.
#[derive(Debug)]
pub struct Done {
    pub decision: Outcome,
    pub remediation: Option<RemediationStatus>,
    pub dead_lettered: bool,
    pub lost: Option<String>,
    pub retry: Option<String>,
    /// Whether the sink took the record.
    pub written: Result<(), SinkError>,
}

impl Decider {
    /// Decide one item and write its record: the whole pipeline in [`Mode::Check`]. (In an
    /// acting mode, what is left to do is dropped: use [`Reactor::run`].)
    pub fn run(
        &self,
        item: Result<Event, EventError>,
        received: SystemTime,
        sink: &mut impl DecisionSink,
    ) -> Done {
        self.decide(item, received).record_only().write(sink)
    }
}

impl<C: ClientSource, D: DeadLetterSink> Reactor<C, D> {
    pub fn new(
        engine: Engine,
        recorder: crate::decision_log::Recorder,
        clients: C,
        dead_letters: D,
        config: Config,
    ) -> Self {
        Self {
            decider: Decider::new(engine, recorder, &config),
            breakers: Breakers::new(config.breaker),
            state: StateStore::local(&config),
            clients,
            dead_letters,
            config,
        }
    }

    /// The same reactor keeping its state in `state` (the shared table) instead.
    #[must_use]
    pub fn with_state(mut self, state: StateStore) -> Self {
        self.state = state;
        self
    }

    pub fn engine(&self) -> &Engine {
        &self.decider.engine
    }

    /// The pipeline's first half: checks, decision, record (see [`Decider::decide`]).
    pub fn decide(&self, item: Result<Event, EventError>, received: SystemTime) -> Decided {
        self.decider.decide(item, received)
    }

    /// One item read (an event, or input that could not be read as one) through the whole
    /// pipeline, its record written to `sink`.
    pub async fn run(
        &self,
        item: Result<Event, EventError>,
        received: SystemTime,
        sink: &mut impl DecisionSink,
    ) -> Done {
        let decided = self.decider.decide(item, received);
        self.act(decided).await.write(sink)
    }

    /// Decide one event, revert what needs reverting, and return its record (unwritten).
    pub async fn handle(&self, event: &Event, received: SystemTime) -> Handled {
        self.act(self.decider.decide(Ok(event.clone()), received))
            .await
    }

    /// Do what is left for a decided event: claim it (a duplicate is recorded as one), plan and
    /// revert a violation, or dead-letter what could not be decided; then mark it decided, or
    /// give the claim back when the event must be delivered again.
    pub async fn act(&self, decided: Decided) -> Handled {
        let before = self.breakers.opened.load(Ordering::Relaxed);
        let Decided { mut record, next } = decided;
        let mut claimed = None;
        if self.decider.mode() != Mode::Check
            && let Some(id) = record.event_id.clone()
        {
            match self.claim(&id).await {
                Ok(Claimed::Mine) => claimed = Some(id),
                Ok(Claimed::Duplicate) => return Handled::done(duplicate(record, &id)),
                // Nothing to act on, and the holder records the event: this copy is one.
                Ok(Claimed::Busy(why)) if matches!(next, Next::Done) => {
                    let mut record = duplicate(record, &id);
                    record.reason = why;
                    return Handled::done(record);
                }
                Ok(Claimed::Busy(why)) if self.config.hand_back_retryable => {
                    let mut handled = Handled::done(duplicate(record, &id));
                    handled.record.reason = why.clone();
                    handled.retry = Some(why);
                    return handled;
                }
                Ok(Claimed::Busy(why)) => {
                    let event = match &next {
                        Next::Remediate(pending) => pending.0.original(),
                        Next::DeadLetter { event, .. } => event.clone(),
                        Next::Done => serde_json::Value::Null,
                    };
                    // Waited past the holder's lease and still held (clocks apart): keep the
                    // event for `redrive` rather than act twice or drop it.
                    record.reason = format!("{}; not acted on: {why}", record.reason);
                    let lost = self.dead_letter(&record, why, 0, Vec::new(), event).await;
                    return Handled::dead_letter(record, lost);
                }
                Err(err) => {
                    // Fail open for the event: decide and revert it all the same (a revert is
                    // idempotent), and say so.
                    tracing::warn!(event_id = %id, error = %err, "state store unavailable");
                    record.reason = format!(
                        "{}; not checked for duplicates: the state store failed: {err}",
                        record.reason
                    );
                }
            }
        }
        let mut handled = match next {
            Next::Done => Handled::done(record),
            Next::DeadLetter { reason, event } => {
                let lost = self
                    .dead_letter(&record, reason, 0, Vec::new(), event)
                    .await;
                Handled::dead_letter(record, lost)
            }
            Next::Remediate(pending) => {
                let (event, decision) = &*pending;
                if let Some(arn) = principal_in(event, &self.config.exempt_principals) {
                    record.reason = format!("{}; not reverted: `{arn}` is exempt", record.reason);
                    Handled::done(record)
                } else {
                    self.remediate(event, decision, record).await
                }
            }
        };
        if let Some(id) = claimed {
            // The redelivery of an event handed back must be handled, not skipped.
            let again = handled.retry.is_some() || handled.lost.is_some();
            let deadline = Instant::now() + STATE_DEADLINE.min(self.config.deadline);
            let (done, _) = retry(
                &self.config.retry,
                deadline,
                &mut Jitter::from_clock(),
                || {
                    let id = &id;
                    async move {
                        if again {
                            self.state.release(id).await
                        } else {
                            self.state.decided(id).await
                        }
                    }
                },
            )
            .await;
            if let Err(err) = done {
                tracing::warn!(event_id = %id, error = %err, "claim not settled in the state store");
            }
        }
        let after = self.breakers.opened.load(Ordering::Relaxed);
        handled.breakers_opened = after.saturating_sub(before);
        handled
    }

    /// Claim an event, waiting while another process holds it (unless failures are handed
    /// back, as in the Lambda: then a redelivery comes back later instead). The wait is
    /// bounded by the claim's lease: a process that died leaves its event to the next claim.
    async fn claim(&self, id: &str) -> Result<Claimed, ApiError> {
        let lease = self.config.deadline + LEASE_MARGIN;
        let give_up = Instant::now() + lease + Duration::from_secs(1);
        let mut pause = Duration::from_millis(20);
        loop {
            let deadline = Instant::now() + STATE_DEADLINE.min(self.config.deadline);
            let (claim, _) = retry(
                &self.config.retry,
                deadline,
                &mut Jitter::from_clock(),
                || self.state.claim(id, lease),
            )
            .await;
            match claim? {
                Claim::Won => return Ok(Claimed::Mine),
                Claim::Decided => return Ok(Claimed::Duplicate),
                Claim::Held { until_ms } => {
                    let why = format!(
                        "event `{id}` is being handled by another process (its claim runs until {})",
                        crate::decision_log::recorder::timestamp(
                            std::time::UNIX_EPOCH + Duration::from_millis(until_ms)
                        )
                    );
                    if self.config.hand_back_retryable || Instant::now() >= give_up {
                        return Ok(Claimed::Busy(why));
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
            }
        }
    }

    /// Write a dead letter; `Some(why)` when even that failed.
    async fn dead_letter(
        &self,
        record: &DecisionRecord,
        reason: String,
        attempts: u32,
        plans: Vec<Plan>,
        event: serde_json::Value,
    ) -> Option<String> {
        let letter = DeadLetter {
            decision_id: record.decision_id.clone(),
            event_id: record.event_id.clone(),
            reason,
            attempts,
            failed_at: timestamp(SystemTime::now()),
            source: record.source.clone(),
            plans,
            event,
        };
        match self.dead_letters.put(&letter).await {
            Ok(()) => None,
            Err(err) => {
                tracing::error!(decision_id = %record.decision_id, "{err}");
                Some(err.to_string())
            }
        }
    }
}

/// The record of a duplicate delivery: skipped, with nothing matched or done.
fn duplicate(mut record: DecisionRecord, id: &str) -> DecisionRecord {
    record.decision = Outcome::Skipped;
    record.reason = format!("duplicate delivery of event `{id}`");
    record.severity = None;
    record.policies.clear();
    record.errors.clear();
    record.remediation = None;
    record
}

impl Handled {
    /// Nothing more to do for this event.
    fn done(record: DecisionRecord) -> Self {
        Self {
            record,
            dead_lettered: false,
            lost: None,
            retry: None,
            breakers_opened: 0,
        }
    }

    /// The event went to the dead letters, or (`lost`) the sink failed.
    fn dead_letter(record: DecisionRecord, lost: Option<String>) -> Self {
        Self {
            dead_lettered: lost.is_none(),
            lost,
            ..Self::done(record)
        }
    }

    /// Write the record to `sink`, keeping what callers tally.
    pub fn write(self, sink: &mut impl DecisionSink) -> Done {
        self.write_with(None, sink)
    }

    /// [`Handled::write`], with the record's JSON line made beforehand (when nothing changed
    /// the record since).
    pub fn write_with(self, line: Option<Vec<u8>>, sink: &mut impl DecisionSink) -> Done {
        let mut entry = match line {
            Some(line) => Entry::with_line(self.record, line),
            None => Entry::new(self.record),
        };
        entry.breakers_opened = self.breakers_opened;
        let written = sink.write(&mut entry);
        Done {
            decision: entry.record.decision,
            remediation: entry.record.remediation.as_ref().map(|r| r.status),
            dead_lettered: self.dead_lettered,
            lost: self.lost,
            retry: self.retry,
            written,
        }
    }
}
