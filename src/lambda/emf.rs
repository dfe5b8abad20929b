//! Metrics in CloudWatch Embedded Metric Format: JSON log lines that CloudWatch turns into
//! metrics, so the hot path makes no API call. One document per decision, one per violated
//! policy and one per remediation, each naming its own dimensions.
//!
//! | metric | unit | dimensions |
//! |---|---|---|
//! | `Events`, `Errors`, `DecisionLatency`, `ColdStarts`, `BreakerOpenings` | Count, ms | none |
//! | `Decisions` | Count | `Outcome` |
//! | `Violations` | Count | `Policy`+`Severity`, `Severity` |
//! | `Remediations`, `RemediationFailures`, `RemediationLatency`, `TimeToRemediate` | Count, ms | none, `RemediationStatus`, `Remediation`+`RemediationStatus` |
//!
//! `Errors` counts decisions that failed (the availability SLI's bad events) and
//! `RemediationFailures` reverts that did not succeed (the remediation-success SLI's), so the
//! burn-rate alarms in template.yaml divide them by `Events` and `Remediations`.

use serde_json::{Map, Value, json};

use crate::decision_log::DecisionRecord;
use crate::engine::Outcome;
use crate::event::EventTime;

/// The default CloudWatch namespace.
pub const NAMESPACE: &str = "snapback";

/// The EMF documents for one decision record. `breaker_openings` is how many circuit breakers
/// opened while the event was handled; `now_ms` is the documents' timestamp.
pub fn documents(
    record: &DecisionRecord,
    namespace: &str,
    breaker_openings: u64,
    now_ms: u64,
) -> Vec<Value> {
    let mut docs = Vec::new();
    let decide_ms = record.decide_us as f64 / 1000.0;
    docs.push(document(
        namespace,
        now_ms,
        &[
            (
                &[],
                &[
                    ("Events", "Count"),
                    ("Errors", "Count"),
                    ("DecisionLatency", "Milliseconds"),
                    ("ColdStarts", "Count"),
                    ("BreakerOpenings", "Count"),
                ],
            ),
            (&["Outcome"], &[("Decisions", "Count")]),
        ],
        [
            ("Outcome", json!(record.decision.as_str())),
            ("Events", json!(1)),
            ("Decisions", json!(1)),
            ("Errors", json!(u8::from(record.decision == Outcome::Error))),
            ("DecisionLatency", json!(decide_ms)),
            ("ColdStarts", json!(u8::from(record.cold_start))),
            ("BreakerOpenings", json!(breaker_openings)),
            ("decision_id", json!(record.decision_id)),
        ],
    ));
    for policy in &record.policies {
        docs.push(document(
            namespace,
            now_ms,
            &[
                (&["Policy", "Severity"], &[("Violations", "Count")]),
                (&["Severity"], &[("Violations", "Count")]),
            ],
            [
                ("Policy", json!(policy.id)),
                ("Severity", json!(policy.severity.as_str())),
                ("Violations", json!(1)),
                ("decision_id", json!(record.decision_id)),
            ],
        ));
    }
    if let Some(r) = &record.remediation {
        let success = r.status.success();
        let mut fields = vec![
            ("Remediation", json!(r.name)),
            ("RemediationStatus", json!(r.status.as_str())),
            ("Remediations", json!(1)),
            (
                "RemediationFailures",
                json!(u8::from(success == Some(false))),
            ),
            ("RemediationLatency", json!(r.duration_ms)),
            ("decision_id", json!(record.decision_id)),
        ];
        let mut metrics: Vec<(&str, &str)> = vec![
            ("Remediations", "Count"),
            ("RemediationFailures", "Count"),
            ("RemediationLatency", "Milliseconds"),
        ];
        if let Some(ms) = time_to_remediate_ms(record) {
            fields.push(("TimeToRemediate", json!(ms)));
            metrics.push(("TimeToRemediate", "Milliseconds"));
        }
        docs.push(document(
            namespace,
            now_ms,
            &[
                (&[], &metrics),
                (&["RemediationStatus"], &metrics),
                (&["Remediation", "RemediationStatus"], &metrics),
            ],
            fields,
        ));
    }
    docs
}

/// From the CloudTrail `eventTime` to the confirmed revert, when there was one.
pub fn time_to_remediate_ms(record: &DecisionRecord) -> Option<u64> {
    let at = |t: &Option<String>| {
        t.as_deref()
            .and_then(EventTime::parse)
            .map(|t| t.epoch_millis)
    };
    let (event, done) = (at(&record.event_time)?, at(&record.remediated_at)?);
    u64::try_from(done.saturating_sub(event)).ok()
}

/// A dimension set and the (name, unit) metrics published under it.
type Directive<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);

/// One EMF document: `directives` share the document's fields.
fn document<'a>(
    namespace: &str,
    now_ms: u64,
    directives: &[Directive<'_>],
    fields: impl IntoIterator<Item = (&'a str, Value)>,
) -> Value {
    let metrics: Vec<Value> = directives
        .iter()
        .map(|(dimensions, metrics)| {
            json!({
                "Namespace": namespace,
                "Dimensions": [dimensions],
                "Metrics": metrics
                    .iter()
                    .map(|(name, unit)| json!({ "Name": name, "Unit": unit }))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut doc = Map::new();
    doc.insert(
        "_aws".into(),
        json!({ "Timestamp": now_ms, "CloudWatchMetrics": metrics }),
    );
    for (key, value) in fields {
        doc.insert(key.to_owned(), value);
    }
    Value::Object(doc)
}
