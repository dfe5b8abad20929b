//! AWS Config remediations on moto.

use serde_json::json;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

/// A region holds one recorder and one delivery channel, so this test owns fixed names and
/// puts (creates or updates) them.
const RECORDER: &str = "snapback-test-recorder";

async fn recording(config: &aws_sdk_config::Client) -> bool {
    let out = config
        .describe_configuration_recorder_status()
        .configuration_recorder_names(RECORDER)
        .send()
        .await
        .unwrap();
    out.configuration_recorders_status()[0].recording()
}

#[tokio::test]
async fn a_stopped_recorder_is_started_again() {
    let sdk = sdk_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    let bucket = unique("config-bucket").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let config = aws_sdk_config::Client::new(&sdk);
    let recorder = aws_sdk_config::types::ConfigurationRecorder::builder()
        .name(RECORDER)
        .role_arn("arn:aws:iam::123456789012:role/config-recorder")
        .build();
    config
        .put_configuration_recorder()
        .configuration_recorder(recorder)
        .send()
        .await
        .unwrap();
    let channel = aws_sdk_config::types::DeliveryChannel::builder()
        .name("snapback-test-channel")
        .s3_bucket_name(&bucket)
        .build();
    config
        .put_delivery_channel()
        .delivery_channel(channel)
        .send()
        .await
        .unwrap();
    config
        .start_configuration_recorder()
        .configuration_recorder_name(RECORDER)
        .send()
        .await
        .unwrap();
    config
        .stop_configuration_recorder()
        .configuration_recorder_name(RECORDER)
        .send()
        .await
        .unwrap();
    let stop = event(
        "config.amazonaws.com",
        "StopConfigurationRecorder",
        json!({"configurationRecorderName": RECORDER}),
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &stop).await),
        "planned"
    );
    assert!(!recording(&config).await, "audit mode must change nothing");

    let record = react(&reactor(ModeOverride::Enforce).await, &stop).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "config:DescribeConfigurationRecorderStatus",
            "config:StartConfigurationRecorder",
            "config:DescribeConfigurationRecorderStatus"
        ]
    );
    assert!(recording(&config).await);
    let kept = config.describe_delivery_channels().send().await.unwrap();
    assert_eq!(
        kept.delivery_channels()[0].s3_bucket_name(),
        Some(bucket.as_str()),
        "the delivery channel was not touched"
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &stop).await),
        "noop"
    );
}

#[tokio::test]
async fn a_deleted_recorder_is_a_noop() {
    let stop = event(
        "config.amazonaws.com",
        "StopConfigurationRecorder",
        json!({"configurationRecorderName": unique("gone")}),
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &stop).await),
        "noop"
    );
}
