//! KMS remediations on moto.

use aws_sdk_kms::types::KeyState;
use serde_json::json;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status};

mod outside;

pub(super) async fn kms() -> aws_sdk_kms::Client {
    aws_sdk_kms::Client::new(&sdk_config().await)
}

pub(super) async fn key(kms: &aws_sdk_kms::Client) -> String {
    kms.create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id
}

async fn state(kms: &aws_sdk_kms::Client, key: &str) -> KeyState {
    kms.describe_key()
        .key_id(key)
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_state
        .unwrap()
}

async fn rotation(kms: &aws_sdk_kms::Client, key: &str) -> bool {
    kms.get_key_rotation_status()
        .key_id(key)
        .send()
        .await
        .unwrap()
        .key_rotation_enabled
}

#[tokio::test]
async fn cancel_key_deletion_cancels_and_enables_the_key() {
    let kms = kms().await;
    let (key, other) = (key(&kms).await, key(&kms).await);
    kms.enable_key_rotation().key_id(&key).send().await.unwrap();
    for k in [&key, &other] {
        kms.schedule_key_deletion()
            .key_id(k)
            .pending_window_in_days(7)
            .send()
            .await
            .unwrap();
    }
    let schedule = event(
        "kms.amazonaws.com",
        "ScheduleKeyDeletion",
        json!({"keyId": key, "pendingWindowInDays": 7}),
    );

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &schedule).await), "planned");
    assert_eq!(
        state(&kms, &key).await,
        KeyState::PendingDeletion,
        "audit mode must change nothing"
    );

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &schedule).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(state(&kms, &key).await, KeyState::Enabled);
    assert!(rotation(&kms, &key).await, "rotation is untouched");
    assert_eq!(
        state(&kms, &other).await,
        KeyState::PendingDeletion,
        "only the event's key is restored"
    );
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "kms:DescribeKey",
            "kms:CancelKeyDeletion",
            "kms:EnableKey",
            "kms:DescribeKey"
        ]
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &schedule).await),
        "noop"
    );
}

#[tokio::test]
async fn enable_key_enables_only_the_disabled_key() {
    let kms = kms().await;
    let (key, other) = (key(&kms).await, key(&kms).await);
    kms.disable_key().key_id(&key).send().await.unwrap();
    kms.disable_key().key_id(&other).send().await.unwrap();
    let disable = event("kms.amazonaws.com", "DisableKey", json!({"keyId": key}));

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &disable).await), "planned");
    assert_eq!(
        state(&kms, &key).await,
        KeyState::Disabled,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &disable).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(state(&kms, &key).await, KeyState::Enabled);
    assert_eq!(state(&kms, &other).await, KeyState::Disabled);
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &["kms:DescribeKey", "kms:EnableKey", "kms:DescribeKey"]
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &disable).await),
        "noop"
    );
}

#[tokio::test]
async fn enable_key_leaves_a_key_pending_deletion_alone() {
    let kms = kms().await;
    let key = key(&kms).await;
    kms.disable_key().key_id(&key).send().await.unwrap();
    kms.schedule_key_deletion()
        .key_id(&key)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    let disable = event("kms.amazonaws.com", "DisableKey", json!({"keyId": key}));
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &disable).await),
        "noop"
    );
    assert_eq!(state(&kms, &key).await, KeyState::PendingDeletion);
}

#[tokio::test]
async fn a_deleted_key_is_a_noop() {
    let gone = "0b1c5e4a-0000-4000-8000-000000000000";
    let enforce = reactor(ModeOverride::Enforce).await;
    for name in ["ScheduleKeyDeletion", "DisableKey", "DisableKeyRotation"] {
        let e = event("kms.amazonaws.com", name, json!({"keyId": gone}));
        assert_eq!(status(&react(&enforce, &e).await), "noop", "{name}");
    }
}

#[tokio::test]
async fn enable_key_rotation_turns_rotation_back_on() {
    let kms = kms().await;
    let (key, other) = (key(&kms).await, key(&kms).await);
    kms.enable_key_rotation().key_id(&key).send().await.unwrap();
    kms.disable_key_rotation()
        .key_id(&key)
        .send()
        .await
        .unwrap();
    let disable = event(
        "kms.amazonaws.com",
        "DisableKeyRotation",
        json!({"keyId": key}),
    );

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &disable).await), "planned");
    assert!(
        !rotation(&kms, &key).await,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &disable).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert!(rotation(&kms, &key).await);
    assert!(!rotation(&kms, &other).await, "other keys are untouched");
    assert_eq!(state(&kms, &key).await, KeyState::Enabled);
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "kms:GetKeyRotationStatus",
            "kms:EnableKeyRotation",
            "kms:GetKeyRotationStatus"
        ]
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &disable).await),
        "noop"
    );
}
