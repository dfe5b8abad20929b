//! The Lambda function: for each EventBridge event, the same pipeline as `snapback react`
//! (decide, plan, revert, record), then the dead letters to SQS, the decision to the optional
//! bus, and one decision log line plus EMF metric lines to stdout.
//!
//! [`Function::handle`] is a plain async fn over injected parts, so tests drive it without the
//! Lambda runtime; `src/bin/bootstrap.rs` only wires it to `lambda_runtime`.
//!
//! Failures: a transient one (throttling, timeouts, an open breaker) is handed back as an
//! error, so that Lambda retries the event and, after its last retry, its on-failure
//! destination keeps it. A permanent one (an event that cannot be read or decided, a revert the
//! service rejects) is recorded and sent to the dead-letter queue with the reason. If even that
//! send fails, the invocation fails too: no event is dropped silently.

mod backstop;
pub mod emf;
mod settings;
mod sink;

use std::io::Write;
use std::time::SystemTime;

use serde_json::{Value, json};

pub use backstop::{LogFile, Message, Tally as BackstopTally, log_files, sqs_messages};
pub use settings::{Settings, SettingsError};
pub use sink::LogLines;

use crate::aws::{ClientSource, DeadLetterQueue, DecisionBus, Factory, Objects};
use crate::decision_log::{DecisionRecord, DecisionSink, Recorder, Redactor};
use crate::engine::{Engine, Outcome};
use crate::event::StreamParser;
use crate::policy::PolicyPack;
use crate::reactor::{DeadLetter, DeadLetterError, DeadLetterSink, Decided, Reactor, StateStore};

/// The invocation's identity, from the Runtime API's headers.
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    pub request_id: String,
    pub xray_trace_id: Option<String>,
}

/// Dead letters go to the SQS queue, with the reason and decision id as message attributes.
impl DeadLetterSink for DeadLetterQueue {
    async fn put(&self, letter: &DeadLetter) -> Result<(), DeadLetterError> {
        self.send(letter.to_json(), &letter.reason, &letter.decision_id)
            .await
            .map_err(|err| {
                tracing::error!(decision_id = %letter.decision_id, error = %err, "dead letter not sent");
                DeadLetterError::Queue(err.to_string())
            })
    }
}

/// What one invocation produced: the records, the EMF documents, and whether Lambda must
/// deliver the event again (`Err` with why).
#[derive(Debug)]
pub struct Report {
    pub records: Vec<DecisionRecord>,
    pub metrics: Vec<Value>,
    pub result: Result<Value, Redeliver>,
    /// For a batch of log-file notifications: what the backstop found in the files.
    pub backstop: Option<backstop::Tally>,
}

/// A failure at the Lambda boundary, classified. Only retryable ones fail the invocation (so
/// that Lambda delivers the event again, then to its on-failure destination); a permanent
/// failure is dead-lettered and the invocation succeeds, so it never appears here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// A transient failure (throttling, a timeout, an open breaker) handed back.
    #[error("{0}")]
    Transient(String),
    /// A permanent failure whose dead letter could not be kept: retried, so that it is not
    /// lost.
    #[error("the dead letter was not kept: {0}")]
    DeadLetterLost(String),
    /// A log-file notification that cannot be read: delivered again, then kept by its queue's
    /// dead-letter queue.
    #[error("{0}")]
    Unreadable(String),
}

/// Why Lambda must deliver an invocation's event again: every failure in it, each retryable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Redeliver(pub Vec<Failure>);

/// Everything the function keeps between invocations of one container.
pub struct Function<C: ClientSource> {
    pub reactor: Reactor<C, DeadLetterQueue>,
    pub bus: Option<DecisionBus>,
    pub namespace: String,
    /// Where the log-file backstop reads CloudTrail's log files.
    pub log_files: Option<Objects>,
    /// The function's region (`AWS_REGION`): the backstop takes that region's log files.
    pub region: Option<String>,
}

impl<C: ClientSource> Function<C> {
    pub fn new(
        reactor: Reactor<C, DeadLetterQueue>,
        bus: Option<DecisionBus>,
        namespace: String,
    ) -> Self {
        Self {
            reactor,
            bus,
            namespace,
            log_files: None,
            region: None,
        }
    }

    /// The policy set the function decides with.
    pub fn pack(&self) -> &PolicyPack {
        self.reactor.engine().pack()
    }

    /// Handle one invocation's payload, keeping the EMF documents in the report only.
    pub async fn handle(&self, payload: &Value, invocation: &Invocation) -> Report {
        self.handle_to(payload, invocation, std::io::sink()).await
    }

    /// Handle one invocation's payload: an EventBridge event (or anything `snapback react`
    /// reads: a bare record, a CloudTrail log file's `Records`), or an SQS batch of log-file
    /// notifications for the backstop. Each record is logged as it is made, its EMF documents
    /// written to `emf`.
    pub async fn handle_to(
        &self,
        payload: &Value,
        invocation: &Invocation,
        emf: impl Write,
    ) -> Report {
        if let Some(messages) = sqs_messages(payload) {
            // Boxed: the two paths in one future nest too deep for the compiler's layout
            // query in the runtime's service.
            return Box::pin(self.handle_batch(&messages, invocation, emf)).await;
        }
        let received = SystemTime::now();
        let text = serde_json::to_vec(payload).unwrap_or_default();
        let mut items = Vec::new();
        let mut parser = StreamParser::new(format!("lambda:{}", invocation.request_id));
        parser.push(&text, &mut |item| items.push(item));
        parser.finish(&mut |item| items.push(item));

        let mut sink = LogLines::new(invocation, &self.namespace, emf);
        let mut retry: Vec<Failure> = Vec::new();
        for item in items {
            let decided = self.reactor.decide(item, received);
            // Boxed, like the batch path: nested in the runtime's service, the handler's
            // future is otherwise too deep for the compiler's layout query.
            retry.extend(Box::pin(self.act(decided, &mut sink)).await);
        }
        let LogLines {
            records, metrics, ..
        } = sink;
        let result = if retry.is_empty() {
            Ok(json!({
                "decisions": records
                    .iter()
                    .map(|r| json!({ "decision_id": r.decision_id, "decision": r.decision.as_str() }))
                    .collect::<Vec<_>>(),
            }))
        } else {
            Err(Redeliver(retry))
        };
        Report {
            records,
            metrics,
            result,
            backstop: None,
        }
    }

    /// The rest of the pipeline for a decided event, whichever way it came: act on it, publish
    /// a violation to the decision bus, write its record; the failures that need the event
    /// delivered again.
    async fn act(&self, decided: Decided, sink: &mut impl DecisionSink) -> Vec<Failure> {
        let handled = self.reactor.act(decided).await;
        let mut line = None;
        if handled.record.decision == Outcome::NonCompliant
            && let Some(bus) = &self.bus
        {
            let json = serde_json::to_vec(&handled.record).unwrap_or_default();
            let detail = String::from_utf8_lossy(&json).into_owned();
            if let Err(err) = bus.publish(detail).await {
                // A notification, not the event itself: the record still reaches the log.
                tracing::warn!(decision_id = %handled.record.decision_id, error = %err, "decision not published");
            }
            line = Some(json);
        }
        let done = handled.write_with(line, sink);
        if let Err(err) = &done.written {
            tracing::warn!(error = %err, "metrics not written");
        }
        let retry = done.retry.map(Failure::Transient);
        let lost = done.lost.map(Failure::DeadLetterLost);
        retry.into_iter().chain(lost).collect()
    }

    /// An SQS batch of log-file notifications: the backstop, answered with the messages to
    /// deliver again (`batchItemFailures`).
    async fn handle_batch(
        &self,
        messages: &[Message],
        invocation: &Invocation,
        emf: impl Write,
    ) -> Report {
        let mut sink = LogLines::new(invocation, &self.namespace, emf);
        let mut tally = backstop::Tally::default();
        let failed = match &self.log_files {
            Some(files) => self.backstop(messages, files, &mut sink, &mut tally).await,
            None => messages
                .iter()
                .map(|m| {
                    let why = "this function has no log-file reader".to_owned();
                    (m.id.clone(), Failure::Transient(why))
                })
                .collect(),
        };
        tracing::info!(
            files = tally.files,
            events = tally.events,
            unwatched = tally.unwatched,
            already_decided = tally.already_decided,
            decided = tally.decided,
            other_region = tally.other_region,
            failed = failed.len(),
            "log-file backstop"
        );
        let LogLines {
            records, metrics, ..
        } = sink;
        Report {
            records,
            metrics,
            result: Ok(backstop::batch_response(&failed)),
            backstop: Some(tally),
        }
    }
}

impl Function<Factory> {
    /// Cold-start initialisation: load and strictly validate the pack (all or nothing), build
    /// the SDK clients. Any error here must stop the function.
    pub async fn init(settings: &Settings) -> Result<Self, SettingsError> {
        let pack = settings.load_policies()?;
        Ok(Self::with_pack(settings, pack).await)
    }

    pub async fn with_pack(settings: &Settings, pack: PolicyPack) -> Self {
        let engine = Engine::new(pack);
        let recorder = Recorder::new(
            engine.pack().hash.clone(),
            Redactor::new(&settings.config.redact),
        );
        let factory = Factory::new(settings.aws()).await;
        // Build the home account's clients now, in init, rather than in the first event.
        if let (Some(account), Some(region)) =
            (&settings.config.home_account, &settings.config.region)
            && let Err(err) = factory.clients(account, region).await
        {
            tracing::warn!(error = %err, "could not build the SDK clients at init");
        }
        let queue = factory.dead_letter_queue(&settings.dead_letter_queue_url);
        let bus = settings
            .config
            .decision_bus
            .as_deref()
            .map(|name| factory.decision_bus(name));
        let config = settings.reactor();
        let state = StateStore::for_config(&config, factory.sdk_config());
        let log_files = factory.objects();
        let reactor = Reactor::new(engine, recorder, factory, queue, config).with_state(state);
        let mut function = Self::new(reactor, bus, settings.config.metrics_namespace.clone());
        function.log_files = Some(log_files);
        function.region = settings.config.region.clone();
        function
    }
}
