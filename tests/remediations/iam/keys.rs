//! `iam-deactivate-access-key` and `iam-delete-login-profile` on moto: credentials a caller
//! created for another user. The key is made inactive (never deleted) and only that key; the
//! console password is deleted; an `UpdateLoginProfile` cannot be reverted and fails its plan.

use serde_json::json;
use snapback::reactor::ModeOverride;

use super::super::common::{answered, event, react, reactor, status, unique};
use super::iam;

async fn user(iam: &aws_sdk_iam::Client) -> String {
    let user = unique("user");
    iam.create_user().user_name(&user).send().await.unwrap();
    user
}

async fn new_key(iam: &aws_sdk_iam::Client, user: &str) -> String {
    let out = iam
        .create_access_key()
        .user_name(user)
        .send()
        .await
        .unwrap();
    out.access_key().unwrap().access_key_id().to_owned()
}

/// The user's keys and their status, by id.
async fn keys(iam: &aws_sdk_iam::Client, user: &str) -> Vec<(String, String)> {
    let out = iam.list_access_keys().user_name(user).send().await.unwrap();
    let mut keys: Vec<(String, String)> = out
        .access_key_metadata()
        .iter()
        .map(|k| {
            let status = k
                .status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            (k.access_key_id().unwrap().to_owned(), status)
        })
        .collect();
    keys.sort();
    keys
}

fn create_key_event(user: &str, key: &str) -> snapback::Event {
    answered(
        "iam.amazonaws.com",
        "CreateAccessKey",
        json!({"userName": user}),
        json!({"accessKey": {"accessKeyId": key, "status": "Active", "userName": user}}),
    )
}

#[tokio::test]
async fn a_key_created_for_another_user_is_made_inactive_and_only_that_key() {
    let iam = iam().await;
    let user = user(&iam).await;
    let own = new_key(&iam, &user).await;
    let created = new_key(&iam, &user).await;
    let create = create_key_event(&user, &created);
    let mut both = vec![
        (own.clone(), "Active".to_owned()),
        (created.clone(), "Active".to_owned()),
    ];
    both.sort();

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &create).await),
        "planned"
    );
    assert_eq!(
        keys(&iam, &user).await,
        both,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "iam:ListAccessKeys",
            "iam:UpdateAccessKey",
            "iam:ListAccessKeys"
        ]
    );
    let mut after = vec![(own, "Active".to_owned()), (created, "Inactive".to_owned())];
    after.sort();
    assert_eq!(
        keys(&iam, &user).await,
        after,
        "the key is kept, inactive; the other stays"
    );

    let again = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&again), "noop", "{again:?}");
}

#[tokio::test]
async fn a_deleted_key_or_user_is_a_noop() {
    let iam = iam().await;
    let user = user(&iam).await;
    let key = new_key(&iam, &user).await;
    iam.delete_access_key()
        .user_name(&user)
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    let record = react(
        &reactor(ModeOverride::Enforce).await,
        &create_key_event(&user, &key),
    )
    .await;
    assert_eq!(status(&record), "noop", "{record:?}");

    iam.delete_user().user_name(&user).send().await.unwrap();
    let record = react(
        &reactor(ModeOverride::Enforce).await,
        &create_key_event(&user, &key),
    )
    .await;
    assert_eq!(status(&record), "noop", "{record:?}");
}

async fn has_password(iam: &aws_sdk_iam::Client, user: &str) -> bool {
    iam.get_login_profile().user_name(user).send().await.is_ok()
}

#[tokio::test]
async fn a_console_password_created_for_another_user_is_deleted() {
    let iam = iam().await;
    let user = user(&iam).await;
    let key = new_key(&iam, &user).await;
    iam.create_login_profile()
        .user_name(&user)
        .password("Example-Passw0rd!")
        .send()
        .await
        .unwrap();
    let create = event(
        "iam.amazonaws.com",
        "CreateLoginProfile",
        json!({"userName": user}),
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &create).await),
        "planned"
    );
    assert!(
        has_password(&iam, &user).await,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "iam:GetLoginProfile",
            "iam:DeleteLoginProfile",
            "iam:GetLoginProfile"
        ]
    );
    assert!(!has_password(&iam, &user).await);
    assert_eq!(
        keys(&iam, &user).await,
        vec![(key, "Active".to_owned())],
        "keys untouched"
    );

    let again = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&again), "noop", "{again:?}");

    iam.delete_access_key()
        .user_name(&user)
        .access_key_id(keys(&iam, &user).await[0].0.clone())
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name(&user).send().await.unwrap();
    let gone = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&gone), "noop", "{gone:?}");
}

#[tokio::test]
async fn a_changed_console_password_cannot_be_restored() {
    let iam = iam().await;
    let user = user(&iam).await;
    iam.create_login_profile()
        .user_name(&user)
        .password("Example-Passw0rd!")
        .send()
        .await
        .unwrap();
    let update = event(
        "iam.amazonaws.com",
        "UpdateLoginProfile",
        json!({"userName": user}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &update).await;
    let remediation = record.remediation.as_ref().unwrap();
    assert_ne!(status(&record), "applied", "{record:?}");
    assert!(remediation.api_calls.is_empty(), "{record:?}");
    let text = serde_json::to_string(&record).unwrap();
    assert!(text.contains("cannot be restored"), "{text}");
    assert!(
        has_password(&iam, &user).await,
        "the password is left as it is"
    );
}
