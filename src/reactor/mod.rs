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

use std::sync::atomic::Ordering;
use std::time::SystemTime;

pub use dead_letter::{DeadLetter, DeadLetterError, DeadLetterSink, letters};
pub use decide::{Decided, Decider, Mode, principal_in};

use crate::aws::ClientSource;
use crate::decision_log::recorder::timestamp;
use crate::decision_log::{DecisionRecord, DecisionSink, Entry, RemediationStatus, SinkError};
use crate::engine::{Engine, Outcome};
use crate::event::{Event, EventError};
use crate::remediation::Plan;
use crate::resilience::{Breakers, FlapLimiter};
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
    flaps: FlapLimiter,
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
            flaps: FlapLimiter::new(config.flap_max, config.flap_window),
            clients,
            dead_letters,
            config,
        }
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

    /// Do what is left for a decided event: plan and revert a violation, or dead-letter what
    /// could not be decided.
    pub async fn act(&self, decided: Decided) -> Handled {
        let before = self.breakers.opened.load(Ordering::Relaxed);
        let Decided { mut record, next } = decided;
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
                    let handled = self.remediate(event, decision, record).await;
                    if handled.retry.is_some()
                        && let Some(id) = event.event_id()
                    {
                        // The redelivery must be handled, not skipped as a duplicate.
                        self.decider.forget(id);
                    }
                    handled
                }
            }
        };
        let after = self.breakers.opened.load(Ordering::Relaxed);
        handled.breakers_opened = after.saturating_sub(before);
        handled
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
