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

pub mod emf;
mod settings;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

pub use settings::{Settings, SettingsError};

use crate::aws::{ClientSource, DeadLetterQueue, DecisionBus, Factory};
use crate::decision_log::{DecisionRecord, Recorder, Redactor};
use crate::engine::{Engine, Outcome};
use crate::event::StreamParser;
use crate::policy::PolicyPack;
use crate::reactor::{Handled, Reactor};
use crate::resilience::{DeadLetter, DeadLetterSink};

/// The invocation's identity, from the Runtime API's headers.
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    pub request_id: String,
    pub xray_trace_id: Option<String>,
}

/// Dead letters the reactor produced while handling one event, sent to SQS afterwards (the
/// reactor's sink is synchronous; the queue is not).
#[derive(Debug, Default)]
pub struct Pending(Mutex<Vec<DeadLetter>>);

impl Pending {
    fn take(&self) -> Vec<DeadLetter> {
        self.0
            .lock()
            .map(|mut letters| std::mem::take(&mut *letters))
            .unwrap_or_default()
    }
}

impl DeadLetterSink for Pending {
    fn put(&self, letter: &DeadLetter) -> Result<(), String> {
        self.0
            .lock()
            .map(|mut letters| letters.push(letter.clone()))
            .map_err(|_| "the pending dead letters are poisoned".to_owned())
    }
}

/// What one invocation produced: the records, the EMF documents, and whether Lambda must
/// deliver the event again (`Err` with why).
#[derive(Debug)]
pub struct Report {
    pub records: Vec<DecisionRecord>,
    pub metrics: Vec<Value>,
    pub result: Result<Value, String>,
}

/// Everything the function keeps between invocations of one container.
pub struct Function<C: ClientSource> {
    pub reactor: Reactor<C, Pending>,
    pub queue: DeadLetterQueue,
    pub bus: Option<DecisionBus>,
    pub namespace: String,
    breaker_openings: AtomicU64,
}

impl<C: ClientSource> Function<C> {
    pub fn new(
        reactor: Reactor<C, Pending>,
        queue: DeadLetterQueue,
        bus: Option<DecisionBus>,
        namespace: String,
    ) -> Self {
        Self {
            reactor,
            queue,
            bus,
            namespace,
            breaker_openings: AtomicU64::new(0),
        }
    }

    /// Handle one invocation's payload: an EventBridge event (or anything `snapback react`
    /// reads: a bare record, a CloudTrail log file's `Records`).
    pub async fn handle(&self, payload: &Value, invocation: &Invocation) -> Report {
        let received = SystemTime::now();
        let text = serde_json::to_vec(payload).unwrap_or_default();
        let mut items = Vec::new();
        let mut parser = StreamParser::new(format!("lambda:{}", invocation.request_id));
        parser.push(&text, &mut |item| items.push(item));
        parser.finish(&mut |item| items.push(item));

        let mut records = Vec::new();
        let mut metrics = Vec::new();
        let mut retry: Vec<String> = Vec::new();
        for item in items {
            let handled: Handled = match &item {
                Ok(event) => self.reactor.handle(event, received).await,
                Err(err) => self.reactor.unreadable(err, received).await,
            };
            if let Some(why) = handled.retry {
                retry.push(why);
            }
            if let Some(why) = handled.lost {
                retry.push(format!("the dead letter was not kept: {why}"));
            }
            for letter in self.reactor.dead_letters.take() {
                if let Err(err) = self.queue.send(&letter).await {
                    tracing::error!(decision_id = %letter.decision_id, error = %err, "dead letter not sent");
                    retry.push(format!("the dead letter was not sent to SQS: {err}"));
                }
            }
            let record = handled.record;
            if record.decision == Outcome::NonCompliant
                && let Some(bus) = &self.bus
                && let Err(err) = bus.publish(&record).await
            {
                // A notification, not the event itself: the record still reaches the log.
                tracing::warn!(decision_id = %record.decision_id, error = %err, "decision not published");
            }
            let opened = self.reactor.breakers.opened.load(Ordering::Relaxed);
            let before = self.breaker_openings.swap(opened, Ordering::Relaxed);
            metrics.extend(emf::documents(
                &record,
                &self.namespace,
                opened.saturating_sub(before),
                epoch_ms(SystemTime::now()),
            ));
            records.push(record);
        }
        let result = if retry.is_empty() {
            Ok(json!({
                "decisions": records
                    .iter()
                    .map(|r| json!({ "decision_id": r.decision_id, "decision": r.decision.as_str() }))
                    .collect::<Vec<_>>(),
            }))
        } else {
            Err(retry.join("; "))
        };
        Report {
            records,
            metrics,
            result,
        }
    }
}

impl Function<Factory> {
    /// Cold-start initialisation: load and strictly validate the pack (all or nothing), build
    /// the SDK clients. Any error here must stop the function.
    pub async fn init(settings: &Settings) -> Result<Self, String> {
        let pack = settings.load_policies().map_err(|e| e.to_string())?;
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
        let reactor = Reactor::new(
            engine,
            recorder,
            factory,
            Pending::default(),
            settings.reactor(),
        );
        Self::new(
            reactor,
            queue,
            bus,
            settings.config.metrics_namespace.clone(),
        )
    }
}

/// Write a report the way CloudWatch wants it: the decision records through tracing's JSON
/// formatter (one line each, with the request and X-Ray trace ids), then each EMF document as
/// a bare JSON line on stdout.
pub fn emit(report: &Report, invocation: &Invocation) {
    for record in &report.records {
        let policies: Vec<&str> = record.policies.iter().map(|p| p.id.as_str()).collect();
        tracing::info!(
            target: "snapback::decision",
            request_id = %invocation.request_id,
            xray_trace_id = invocation.xray_trace_id.as_deref().unwrap_or(""),
            decision_id = %record.decision_id,
            event_id = record.event_id.as_deref().unwrap_or(""),
            event_name = %record.event_name,
            account = record.account.as_deref().unwrap_or(""),
            region = record.region.as_deref().unwrap_or(""),
            outcome = record.decision.as_str(),
            policies = %policies.join(","),
            severity = record.severity.map(|s| s.as_str()).unwrap_or(""),
            remediation = record.remediation.as_ref().map(|r| r.status.as_str()).unwrap_or(""),
            decide_us = record.decide_us,
            cold_start = record.cold_start,
            record = %serde_json::to_string(record).unwrap_or_default(),
            "decision"
        );
    }
    let mut out = std::io::stdout().lock();
    for doc in &report.metrics {
        use std::io::Write as _;
        let _ = writeln!(out, "{doc}");
    }
}

fn epoch_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
