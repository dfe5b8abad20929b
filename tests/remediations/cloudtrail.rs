//! CloudTrail remediations on moto.

use serde_json::json;
use snapback::reactor::ModeOverride;

use super::common::{event, logging, react, reactor, sdk_config, status, unique};

async fn trail(name: &str) -> aws_sdk_cloudtrail::Client {
    let config = sdk_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let bucket = unique("trail-bucket").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let ct = aws_sdk_cloudtrail::Client::new(&config);
    ct.create_trail()
        .name(name)
        .s3_bucket_name(&bucket)
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .send()
        .await
        .unwrap();
    ct.start_logging().name(name).send().await.unwrap();
    ct
}

#[tokio::test]
async fn start_logging_reverts_stop_logging_once() {
    let name = unique("trail");
    let ct = trail(&name).await;
    ct.stop_logging().name(&name).send().await.unwrap();
    let stop = event(
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({"name": name}),
    );

    let audit = reactor(ModeOverride::Audit).await;
    let record = react(&audit, &stop).await;
    assert_eq!(status(&record), "planned");
    assert!(!logging(&ct, &name).await, "audit mode must change nothing");

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &stop).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert!(record.remediated_at.is_some());
    assert!(logging(&ct, &name).await);
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "cloudtrail:GetTrailStatus",
            "cloudtrail:StartLogging",
            "cloudtrail:GetTrailStatus"
        ]
    );

    // The same delivery again is recognised; a fresh reactor (another Lambda) finds nothing to do.
    assert_eq!(
        react(&enforce, &stop).await.reason,
        format!("duplicate delivery of event `{}`", stop.event_id().unwrap())
    );
    let again = reactor(ModeOverride::Enforce).await;
    assert_eq!(status(&react(&again, &stop).await), "noop");
}

#[tokio::test]
async fn a_deleted_trail_is_a_noop() {
    let stop = event(
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({"name": unique("gone")}),
    );
    let enforce = reactor(ModeOverride::Enforce).await;
    assert_eq!(status(&react(&enforce, &stop).await), "noop");
}

#[tokio::test]
async fn update_trail_reverts_only_the_settings_it_turned_off() {
    let name = unique("trail");
    let ct = trail(&name).await;
    ct.update_trail()
        .name(&name)
        .enable_log_file_validation(false)
        .is_multi_region_trail(false)
        .send()
        .await
        .unwrap();
    let update = event(
        "cloudtrail.amazonaws.com",
        "UpdateTrail",
        json!({"name": name, "enableLogFileValidation": false, "isMultiRegionTrail": false}),
    );
    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &update).await), "planned");

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &update).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let t = ct
        .get_trail()
        .name(&name)
        .send()
        .await
        .unwrap()
        .trail
        .unwrap();
    assert_eq!(t.log_file_validation_enabled, Some(true));
    assert_eq!(t.is_multi_region_trail, Some(true));
    assert!(logging(&ct, &name).await, "logging was not touched");
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &update).await),
        "noop"
    );
}

#[tokio::test]
async fn management_events_are_recorded_again() {
    let name = unique("trail");
    let ct = trail(&name).await;
    let data = aws_sdk_cloudtrail::types::DataResource::builder()
        .r#type("AWS::S3::Object")
        .values("arn:aws:s3:::b/")
        .build();
    let dropped = aws_sdk_cloudtrail::types::EventSelector::builder()
        .read_write_type(aws_sdk_cloudtrail::types::ReadWriteType::All)
        .include_management_events(false)
        .data_resources(data)
        .build();
    ct.put_event_selectors()
        .trail_name(&name)
        .event_selectors(dropped)
        .send()
        .await
        .unwrap();
    let put = event(
        "cloudtrail.amazonaws.com",
        "PutEventSelectors",
        json!({"trailName": name, "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": false,
            "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::b/"]}]}]}),
    );
    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &put).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let selectors = ct
        .get_event_selectors()
        .trail_name(&name)
        .send()
        .await
        .unwrap();
    let selectors = selectors.event_selectors();
    assert!(
        selectors
            .iter()
            .any(|s| s.include_management_events == Some(true))
    );
    assert!(
        selectors.iter().any(|s| !s.data_resources().is_empty()),
        "the data-event selector was kept"
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &put).await),
        "noop"
    );
}
