//! GuardDuty remediations on moto.

use aws_sdk_guardduty::types::DetectorStatus;
use serde_json::json;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status};

mod suspended;

pub(super) async fn client(region: &str) -> aws_sdk_guardduty::Client {
    let config = sdk_config().await;
    let conf = aws_sdk_guardduty::config::Builder::from(&config)
        .region(aws_config::Region::new(region.to_owned()))
        .build();
    aws_sdk_guardduty::Client::from_conf(conf)
}

async fn detectors(gd: &aws_sdk_guardduty::Client) -> Vec<String> {
    gd.list_detectors()
        .send()
        .await
        .unwrap()
        .detector_ids()
        .to_vec()
}

/// No detector in the region (the region's detectors are shared state: this is the only test
/// that touches GuardDuty in us-east-1 and us-west-2).
async fn clear(gd: &aws_sdk_guardduty::Client) {
    for id in detectors(gd).await {
        gd.delete_detector().detector_id(id).send().await.unwrap();
    }
}

#[tokio::test]
async fn a_deleted_detector_is_replaced_by_one_enabled_detector() {
    let gd = client("us-east-1").await;
    let west = client("us-west-2").await;
    clear(&gd).await;
    clear(&west).await;
    let other = west
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id
        .unwrap();
    let old = gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id
        .unwrap();
    gd.delete_detector().detector_id(&old).send().await.unwrap();
    let delete = event(
        "guardduty.amazonaws.com",
        "DeleteDetector",
        json!({"detectorId": old}),
    );

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &delete).await), "planned");
    assert!(
        detectors(&gd).await.is_empty(),
        "audit mode must change nothing"
    );

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &delete).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "guardduty:ListDetectors",
            "guardduty:CreateDetector",
            "guardduty:GetDetector"
        ]
    );
    let now = detectors(&gd).await;
    assert_eq!(now.len(), 1, "{now:?}");
    assert_ne!(now[0], old, "a new detector, not the deleted one");
    let detector = gd.get_detector().detector_id(&now[0]).send().await.unwrap();
    assert_eq!(detector.status(), Some(&DetectorStatus::Enabled));
    assert_eq!(
        detectors(&west).await,
        vec![other],
        "another region's detector was not touched"
    );

    // A fresh reactor (another Lambda) finds a detector and creates no second one.
    let record = react(&reactor(ModeOverride::Enforce).await, &delete).await;
    assert_eq!(status(&record), "noop", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        ["guardduty:ListDetectors"]
    );
    assert_eq!(detectors(&gd).await, now);
}
