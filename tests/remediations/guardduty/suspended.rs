//! `guardduty-enable-detector` and `guardduty-delete-suppression-filter` on moto. Each test
//! keeps to a region of its own (eu-west-1, eu-west-2): the region's detectors are shared
//! state, and the detector test in `guardduty.rs` owns us-east-1 and us-west-2.

use aws_sdk_guardduty::types::{Condition, DetectorStatus, FilterAction, FindingCriteria};
use serde_json::json;
use snapback::reactor::ModeOverride;

use super::super::common::{event, react, reactor, status, unique};
use super::client;

/// A GuardDuty event in `region`.
fn event_in(region: &str, name: &str, params: serde_json::Value) -> snapback::Event {
    let mut event = event("guardduty.amazonaws.com", name, params);
    event.record.insert("awsRegion".into(), json!(region));
    event
}

async fn enabled(gd: &aws_sdk_guardduty::Client, id: &str) -> bool {
    let out = gd.get_detector().detector_id(id).send().await.unwrap();
    out.status() == Some(&DetectorStatus::Enabled)
}

#[tokio::test]
async fn a_suspended_detector_is_turned_back_on() {
    let region = "eu-west-1";
    let gd = client(region).await;
    let created = gd.create_detector().enable(true).send().await.unwrap();
    let id = created.detector_id.unwrap();
    gd.update_detector()
        .detector_id(&id)
        .enable(false)
        .send()
        .await
        .unwrap();
    let suspend = event_in(
        region,
        "UpdateDetector",
        json!({"detectorId": id, "enable": false}),
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &suspend).await),
        "planned"
    );
    assert!(!enabled(&gd, &id).await, "audit mode must change nothing");

    let record = react(&reactor(ModeOverride::Enforce).await, &suspend).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "guardduty:GetDetector",
            "guardduty:UpdateDetector",
            "guardduty:GetDetector"
        ]
    );
    assert!(enabled(&gd, &id).await);

    let again = react(&reactor(ModeOverride::Enforce).await, &suspend).await;
    assert_eq!(status(&again), "noop", "{again:?}");

    gd.delete_detector().detector_id(&id).send().await.unwrap();
    let gone = react(&reactor(ModeOverride::Enforce).await, &suspend).await;
    assert_eq!(status(&gone), "noop", "{gone:?}");
}

/// Those of `names` the detector has a filter of (moto 5.1 does not serve ListFilters).
async fn filters(gd: &aws_sdk_guardduty::Client, detector: &str, names: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for name in names {
        let read = gd
            .get_filter()
            .detector_id(detector)
            .filter_name(*name)
            .send()
            .await;
        if read.is_ok() {
            found.push((*name).to_owned());
        }
    }
    found
}

async fn create_filter(gd: &aws_sdk_guardduty::Client, detector: &str, name: &str) {
    let criteria = FindingCriteria::builder()
        .criterion(
            "severity",
            Condition::builder().greater_than_or_equal(1).build(),
        )
        .build();
    gd.create_filter()
        .detector_id(detector)
        .name(name)
        .action(FilterAction::Archive)
        .finding_criteria(criteria)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_suppression_filter_is_deleted_and_the_others_kept() {
    let region = "eu-west-2";
    let gd = client(region).await;
    let created = gd.create_detector().enable(true).send().await.unwrap();
    let detector = created.detector_id.unwrap();
    let (keep, silence) = (unique("keep"), unique("silence"));
    create_filter(&gd, &detector, &keep).await;
    create_filter(&gd, &detector, &silence).await;
    let create = event_in(
        region,
        "CreateFilter",
        json!({"detectorId": detector, "name": silence, "action": "ARCHIVE",
            "findingCriteria": {"criterion": {"severity": {"gte": 1}}}}),
    );
    let names = [keep.as_str(), silence.as_str()];
    let both = vec![keep.clone(), silence.clone()];

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &create).await),
        "planned"
    );
    assert_eq!(
        filters(&gd, &detector, &names).await,
        both,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "guardduty:GetFilter",
            "guardduty:DeleteFilter",
            "guardduty:GetFilter"
        ]
    );
    assert_eq!(filters(&gd, &detector, &names).await, vec![keep.clone()]);

    let again = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&again), "noop", "{again:?}");

    gd.delete_detector()
        .detector_id(&detector)
        .send()
        .await
        .unwrap();
    let gone = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&gone), "noop", "{gone:?}");
}
