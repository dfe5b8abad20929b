//! The Lambda handler, driven directly (no runtime) with moto as AWS: reverts, dead letters to
//! SQS, transient failures handed back for Lambda's retries, exempt principals, decisions
//! published to a bus, and the EMF documents.

use crate::common;

use std::time::Duration;

use serde_json::{Value, json};
use snapback::aws::Factory;
use snapback::lambda::{Function, Invocation, Settings};

use common::{
    ACCOUNT, broken_policies, endpoint, event, eventbridge, logging, queue_arn, sdk_config,
    stopped_trail, unique,
};

/// An EventBridge event around a CloudTrail record of `source`/`name` by the Developer role.
fn envelope(source: &str, name: &str, params: Value) -> Value {
    eventbridge(event(source, name, params).record)
}

async fn queue() -> (aws_sdk_sqs::Client, String) {
    let sqs = aws_sdk_sqs::Client::new(&sdk_config().await);
    let url = sqs
        .create_queue()
        .queue_name(unique("snapback-dlq"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    (sqs, url)
}

async fn messages(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<aws_sdk_sqs::types::Message> {
    sqs.receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .message_attribute_names("All")
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default()
}

fn settings(queue_url: &str, extra: &[(&str, &str)]) -> Settings {
    let endpoint = endpoint();
    let mut vars = vec![
        ("SNAPBACK_DEAD_LETTER_QUEUE_URL", queue_url),
        ("SNAPBACK_MODE", "enforce"),
        ("SNAPBACK_HOME_ACCOUNT", ACCOUNT),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
    ];
    vars.extend_from_slice(extra);
    Settings::from_env(|k| {
        vars.iter()
            .rev()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    })
    .unwrap()
}

async fn function(settings: &Settings) -> Function<Factory> {
    Function::init(settings).await.unwrap()
}

fn invocation() -> Invocation {
    Invocation {
        request_id: unique("req"),
        xray_trace_id: Some("Root=1-6740a1b2-0123456789abcdef01234567;Sampled=1".into()),
    }
}

fn metric_docs<'a>(docs: &'a [Value], metric: &str) -> Vec<&'a Value> {
    docs.iter()
        .filter(|d| {
            d["_aws"]["CloudWatchMetrics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| {
                    m["Metrics"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|x| x["Name"] == metric)
                })
        })
        .collect()
}

#[tokio::test]
async fn a_violation_is_reverted_and_measured() {
    let (_sqs, url) = queue().await;
    let f = function(&settings(&url, &[])).await;
    let (name, ct) = stopped_trail(&sdk_config().await).await;
    let payload = envelope(
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({"name": name}),
    );
    let report = f.handle(&payload, &invocation()).await;
    assert!(report.result.is_ok(), "{:?}", report.result);
    let record = &report.records[0];
    assert_eq!(record.decision, snapback::Outcome::NonCompliant);
    assert_eq!(
        record.remediation.as_ref().unwrap().status.as_str(),
        "applied"
    );
    assert!(
        record.cold_start,
        "the first event of a container is its cold start"
    );
    assert!(logging(&ct, &name).await, "the trail logs again");

    // EMF: the decision, the violated policy, the remediation with its time-to-remediate.
    let events = metric_docs(&report.metrics, "Events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["Outcome"], "non_compliant");
    assert_eq!(events[0]["ColdStarts"], 1);
    assert_eq!(
        events[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"],
        "snapback"
    );
    let violations = metric_docs(&report.metrics, "Violations");
    assert_eq!(violations[0]["Policy"], "cloudtrail-logging-stopped");
    assert_eq!(violations[0]["Severity"], "critical");
    let remediations = metric_docs(&report.metrics, "TimeToRemediate");
    assert_eq!(remediations.len(), 1);
    assert_eq!(remediations[0]["RemediationStatus"], "applied");
    assert!(remediations[0]["TimeToRemediate"].as_u64().unwrap() > 0);

    // A second event in the same container is warm.
    let again = f.handle(&payload, &invocation()).await;
    assert!(!again.records[0].cold_start);
}

#[tokio::test]
async fn unreadable_events_go_to_the_dead_letter_queue_with_the_reason() {
    let (sqs, url) = queue().await;
    let f = function(&settings(&url, &[])).await;
    let payload = json!({
        "version": "0",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.s3",
        "detail": "not a CloudTrail record",
    });
    let report = f.handle(&payload, &invocation()).await;
    assert!(report.result.is_ok(), "dead-lettered, so acknowledged");
    assert_eq!(report.records[0].decision, snapback::Outcome::Error);
    let got = messages(&sqs, &url).await;
    assert_eq!(got.len(), 1, "one dead letter");
    let body: Value = serde_json::from_str(got[0].body().unwrap()).unwrap();
    assert_eq!(body["decision_id"], report.records[0].decision_id);
    let reason = got[0]
        .message_attributes()
        .unwrap()
        .get("snapback-reason")
        .and_then(|a| a.string_value())
        .unwrap();
    assert!(!reason.is_empty());
    assert_eq!(body["reason"], reason);
}

#[tokio::test]
async fn a_transient_failure_is_handed_back_and_the_redelivery_is_handled() {
    // AWS unreachable (a closed loopback port) while the event is handled.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let s = settings(
        "http://127.0.0.1:9/queue",
        &[
            ("AWS_ENDPOINT_URL", dead.as_str()),
            ("SNAPBACK_DEADLINE", "1"),
        ],
    );
    let f = function(&s).await;
    let payload = envelope(
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({"name": unique("trail")}),
    );
    let first = f.handle(&payload, &invocation()).await;
    let why = first.result.unwrap_err();
    assert!(
        matches!(why.0.as_slice(), [snapback::lambda::Failure::Transient(_)]),
        "{why:?}"
    );
    assert!(why.to_string().contains("cloudtrail"), "{why}");
    let remediation = first.records[0].remediation.as_ref().unwrap();
    assert_eq!(remediation.status.as_str(), "failed");
    assert!(
        remediation
            .error
            .as_deref()
            .unwrap()
            .contains("handed back"),
        "{remediation:?}"
    );
    // Lambda redelivers the same event: it is handled again, not skipped as a duplicate.
    let second = f.handle(&payload, &invocation()).await;
    assert_eq!(second.records[0].decision, snapback::Outcome::NonCompliant);
    assert!(second.result.is_err());
}

#[tokio::test]
async fn exempt_principals_are_recorded_but_not_reverted() {
    let (_sqs, url) = queue().await;
    let exempt = format!("arn:aws:iam::{ACCOUNT}:role/Developer");
    let f = function(&settings(
        &url,
        &[("SNAPBACK_EXEMPT_PRINCIPALS", exempt.as_str())],
    ))
    .await;
    let (name, ct) = stopped_trail(&sdk_config().await).await;
    let payload = envelope(
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({"name": name}),
    );
    let report = f.handle(&payload, &invocation()).await;
    assert!(report.result.is_ok());
    let record = &report.records[0];
    assert_eq!(record.decision, snapback::Outcome::NonCompliant);
    assert!(record.remediation.is_none());
    assert!(record.reason.contains("exempt"), "{}", record.reason);
    assert!(!logging(&ct, &name).await, "left as it is");
}

#[tokio::test]
async fn violations_are_published_to_the_decision_bus() {
    let config = sdk_config().await;
    let (sqs, url) = queue().await;
    let (_, seen_url) = queue().await;
    let seen_arn = queue_arn(&sqs, &seen_url).await;
    let events = aws_sdk_eventbridge::Client::new(&config);
    let bus = unique("decisions");
    events.create_event_bus().name(&bus).send().await.unwrap();
    let rule = unique("to-queue");
    events
        .put_rule()
        .name(&rule)
        .event_bus_name(&bus)
        .event_pattern(
            json!({"source": ["snapback"], "detail-type": ["snapback Decision"]}).to_string(),
        )
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule(&rule)
        .event_bus_name(&bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("q")
                .arn(&seen_arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let f = function(&settings(
        &url,
        &[
            ("SNAPBACK_DECISION_BUS", bus.as_str()),
            ("SNAPBACK_MODE", "audit"),
        ],
    ))
    .await;
    let payload = envelope(
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({"name": unique("trail")}),
    );
    let report = f.handle(&payload, &invocation()).await;
    assert!(report.result.is_ok());
    assert_eq!(
        report.records[0]
            .remediation
            .as_ref()
            .unwrap()
            .status
            .as_str(),
        "planned"
    );
    let mut got = Vec::new();
    for _ in 0..20 {
        got = messages(&sqs, &seen_url).await;
        if !got.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(got.len(), 1, "one decision event");
    let delivered: Value = serde_json::from_str(got[0].body().unwrap()).unwrap();
    assert_eq!(delivered["detail-type"], "snapback Decision");
    assert_eq!(
        delivered["detail"]["decision_id"],
        report.records[0].decision_id
    );
    assert_eq!(delivered["detail"]["decision"], "non_compliant");
}

#[tokio::test]
async fn an_invalid_policy_set_fails_init() {
    let dir = broken_policies();
    let s = settings(
        "http://127.0.0.1:9/queue",
        &[("SNAPBACK_POLICIES", dir.to_str().unwrap())],
    );
    let err = match Function::init(&s).await {
        Ok(_) => panic!("a policy set with a broken policy must not load"),
        Err(err) => err,
    };
    assert_eq!(err.error_type(), "Runtime.InvalidPolicies");
    assert!(err.to_string().contains("zz-broken.cedar"), "{err}");
}
