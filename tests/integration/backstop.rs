//! The log-file backstop end to end on moto: S3 notifies an SQS queue of a new CloudTrail log
//! file, the Lambda handler reads it, skips what EventBridge already delivered (the DynamoDB
//! state table says so), and reverts the event EventBridge never delivered.

use crate::common;

use std::io::Write;

use aws_sdk_s3::types::{Event as S3Event, NotificationConfiguration, QueueConfiguration};
use serde_json::{Value, json};
use snapback::lambda::{Function, Invocation, Settings};

use common::{
    ACCOUNT, endpoint, event, eventbridge, logging, queue_arn, sdk_config, stopped_trail, unique,
};

fn s3(config: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    )
}

async fn queue(sqs: &aws_sdk_sqs::Client, name: &str) -> (String, String) {
    let url = sqs
        .create_queue()
        .queue_name(unique(name))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let arn = queue_arn(sqs, &url).await;
    (url, arn)
}

/// The SQS event Lambda's event source mapping hands the function, for `messages`.
fn sqs_event(messages: &[aws_sdk_sqs::types::Message], queue_arn: &str) -> Value {
    json!({"Records": messages.iter().map(|m| json!({
        "messageId": m.message_id(),
        "receiptHandle": m.receipt_handle(),
        "body": m.body(),
        "attributes": {},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": "us-east-1"
    })).collect::<Vec<_>>()})
}

async fn receive(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<aws_sdk_sqs::types::Message> {
    for _ in 0..20 {
        let got = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap()
            .messages
            .unwrap_or_default();
        if !got.is_empty() {
            return got;
        }
    }
    panic!("no notification reached {url}");
}

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn invocation() -> Invocation {
    Invocation {
        request_id: unique("req"),
        xray_trace_id: None,
    }
}

#[tokio::test]
async fn an_event_eventbridge_never_delivered_is_reverted_from_its_log_file() {
    let config = sdk_config().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let (dlq, _) = queue(&sqs, "snapback-dlq").await;
    let (files_url, files_arn) = queue(&sqs, "snapback-log-files").await;
    let table = crate::state::state_table(&config).await;

    // The trail's bucket notifies the queue of each object created.
    let s3 = s3(&config);
    let bucket = unique("trail-logs").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    s3.put_bucket_notification_configuration()
        .bucket(&bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(
                    QueueConfiguration::builder()
                        .queue_arn(&files_arn)
                        .events(S3Event::S3ObjectCreated)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    // S3 tests the configuration with a test event first: the backstop reads nothing from it.
    let _ = sqs
        .receive_message()
        .queue_url(&files_url)
        .max_number_of_messages(10)
        .send()
        .await;

    let endpoint = endpoint();
    let state = format!("dynamodb://{table}");
    let vars = [
        ("SNAPBACK_DEAD_LETTER_QUEUE_URL", dlq.as_str()),
        ("SNAPBACK_MODE", "enforce"),
        ("SNAPBACK_HOME_ACCOUNT", ACCOUNT),
        ("SNAPBACK_STATE", state.as_str()),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_REGION", "us-east-1"),
    ];
    let settings = Settings::from_env(|k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    })
    .unwrap();
    let function = Function::init(&settings).await.unwrap();

    // Two trails stopped; EventBridge delivers the first event and drops the second.
    let (delivered_trail, ct) = stopped_trail(&config).await;
    let (withheld_trail, _) = stopped_trail(&config).await;
    let stop = |name: &str| {
        event(
            "cloudtrail.amazonaws.com",
            "StopLogging",
            json!({"name": name}),
        )
    };
    let delivered = stop(&delivered_trail);
    let withheld = stop(&withheld_trail);
    let mut read_only = event(
        "ec2.amazonaws.com",
        "DescribeInstances",
        json!({"instancesSet": {}}),
    )
    .original();
    read_only["readOnly"] = json!(true);
    let report = function
        .handle(&eventbridge(delivered.record.clone()), &invocation())
        .await;
    assert!(report.result.is_ok(), "{:?}", report.result);
    assert!(logging(&ct, &delivered_trail).await);
    assert!(!logging(&ct, &withheld_trail).await);

    // Minutes later CloudTrail writes all three to its log file.
    let log = json!({"Records": [delivered.original(), withheld.original(), read_only]});
    let key = format!(
        "AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/20/{ACCOUNT}_CloudTrail_us-east-1_20261120T0910Z_{}.json.gz",
        unique("f")
    );
    s3.put_object()
        .bucket(&bucket)
        .key(&key)
        .body(gzip(&log.to_string()).into())
        .send()
        .await
        .unwrap();
    let messages = receive(&sqs, &files_url).await;
    let batch = sqs_event(&messages, &files_arn);
    let report = function.handle(&batch, &invocation()).await;
    assert_eq!(
        report.result.as_ref().unwrap(),
        &json!({"batchItemFailures": []})
    );
    let tally = report.backstop.unwrap();
    assert_eq!(
        (
            tally.files,
            tally.events,
            tally.unwatched,
            tally.already_decided,
            tally.decided
        ),
        (1, 3, 1, 1, 1)
    );
    assert_eq!(report.records.len(), 1, "{:?}", report.records);
    let record = &report.records[0];
    assert_eq!(record.event_id.as_deref(), withheld.event_id());
    assert_eq!(record.delivery.as_deref(), Some("log-file"));
    assert!(record.delivery_delay_ms.unwrap() > 0);
    assert!(
        record.source.starts_with(&format!("s3://{bucket}/{key}")),
        "{}",
        record.source
    );
    assert_eq!(
        record.remediation.as_ref().unwrap().status.as_str(),
        "applied"
    );
    assert!(
        logging(&ct, &withheld_trail).await,
        "reverted from the log file"
    );

    // SQS delivers the notification again: now both events are decided, nothing is redone.
    let again = function.handle(&batch, &invocation()).await;
    let tally = again.backstop.unwrap();
    assert_eq!((tally.already_decided, tally.decided), (2, 0));
    assert!(again.records.is_empty());

    // A notification for a log file that cannot be read is handed back, alone.
    let missing = json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {
        "bucket": {"name": bucket},
        "object": {"key": key.replace("_f-", "_gone-")}}}]});
    let garbled = "not an S3 notification";
    let batch = json!({"Records": [
        {"messageId": "m-missing", "body": missing.to_string(), "eventSource": "aws:sqs"},
        {"messageId": "m-garbled", "body": garbled, "eventSource": "aws:sqs"},
        {"messageId": "m-ok", "body": messages[0].body(), "eventSource": "aws:sqs"}
    ]});
    let report = function.handle(&batch, &invocation()).await;
    assert_eq!(
        report.result.unwrap(),
        json!({"batchItemFailures": [{"itemIdentifier": "m-missing"}, {"itemIdentifier": "m-garbled"}]})
    );

    // Another region's log file is left to that region's function and its state table.
    let west = json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {
        "bucket": {"name": bucket},
        "object": {"key": key.replace("/us-east-1/", "/us-west-2/")}}}]});
    let batch = json!({"Records": [
        {"messageId": "m-west", "body": west.to_string(), "eventSource": "aws:sqs"}
    ]});
    let report = function.handle(&batch, &invocation()).await;
    assert_eq!(report.result.unwrap(), json!({"batchItemFailures": []}));
    let tally = report.backstop.unwrap();
    assert_eq!((tally.other_region, tally.files), (1, 0));
}
