//! Where the Lambda's records go: one decision log line each through tracing's JSON formatter
//! (with the request and X-Ray trace ids), and the EMF documents for it as bare JSON lines,
//! the way CloudWatch wants them. The records and documents are also kept for the
//! invocation's report.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::{Invocation, emf};
use crate::decision_log::{DecisionRecord, DecisionSink, Entry, SinkError};

/// The log lines and metrics of one invocation.
pub struct LogLines<'a, W: Write> {
    invocation: &'a Invocation,
    namespace: &'a str,
    /// Where EMF documents go (stdout in the function).
    emf: W,
    pub records: Vec<DecisionRecord>,
    pub metrics: Vec<Value>,
}

impl<'a, W: Write> LogLines<'a, W> {
    pub fn new(invocation: &'a Invocation, namespace: &'a str, emf: W) -> Self {
        Self {
            invocation,
            namespace,
            emf,
            records: Vec::new(),
            metrics: Vec::new(),
        }
    }
}

impl<W: Write> DecisionSink for LogLines<'_, W> {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        let line = String::from_utf8_lossy(entry.json()).into_owned();
        let record = &entry.record;
        let policies: Vec<&str> = record.policies.iter().map(|p| p.id.as_str()).collect();
        tracing::info!(
            target: "snapback::decision",
            request_id = %self.invocation.request_id,
            xray_trace_id = self.invocation.xray_trace_id.as_deref().unwrap_or(""),
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
            record = %line,
            "decision"
        );
        let docs = emf::documents(
            record,
            self.namespace,
            entry.breakers_opened,
            epoch_ms(SystemTime::now()),
        );
        let mut written = Ok(());
        for doc in &docs {
            written = written.and_then(|()| writeln!(self.emf, "{doc}"));
        }
        written = written.and_then(|()| self.emf.flush());
        self.metrics.extend(docs);
        self.records.push(entry.record.clone());
        written.map_err(SinkError::Output)
    }
}

fn epoch_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
