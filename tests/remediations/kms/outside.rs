//! `kms-revoke-outside-grant` and `kms-remove-outside-key-policy-statements` on moto: a grant
//! to an attacker's account is revoked and a grant inside the organization kept; a key policy
//! loses the attacker's account and its open statement, and keeps the key's own root
//! statement and the organization's account.

use serde_json::{Value, json};
use snapback::reactor::ModeOverride;

use super::super::common::{ACCOUNT, answered, event, react, reactor, status};
use super::{key, kms};

const MEMBER: &str = "arn:aws:iam::111122223333:root";
const ATTACKER: &str = "arn:aws:iam::210987654321:root";
/// A key id that no key has.
const NO_KEY: &str = "0b9ab2f4-0000-4000-8000-000000000000";

async fn grant(kms: &aws_sdk_kms::Client, key: &str, grantee: &str) -> String {
    let out = kms
        .create_grant()
        .key_id(key)
        .grantee_principal(grantee)
        .operations(aws_sdk_kms::types::GrantOperation::Decrypt)
        .send()
        .await
        .unwrap();
    out.grant_id.unwrap()
}

async fn grants(kms: &aws_sdk_kms::Client, key: &str) -> Vec<String> {
    let out = kms.list_grants().key_id(key).send().await.unwrap();
    out.grants()
        .iter()
        .filter_map(|g| g.grant_id.clone())
        .collect()
}

fn create_grant(key: &str, grantee: &str, grant: &str) -> snapback::Event {
    answered(
        "kms.amazonaws.com",
        "CreateGrant",
        json!({"keyId": key, "granteePrincipal": grantee, "operations": ["Decrypt"]}),
        json!({"grantId": grant}),
    )
}

#[tokio::test]
async fn a_grant_outside_is_revoked_and_the_others_kept() {
    let kms = kms().await;
    let key = key(&kms).await;
    let inside = grant(&kms, &key, MEMBER).await;
    let outside = grant(&kms, &key, ATTACKER).await;
    let create = create_grant(&key, ATTACKER, &outside);

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &create).await),
        "planned"
    );
    assert_eq!(
        grants(&kms, &key).await.len(),
        2,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &["kms:ListGrants", "kms:RevokeGrant", "kms:ListGrants"]
    );
    assert_eq!(grants(&kms, &key).await, vec![inside]);

    let again = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&again), "noop", "{again:?}");
    // A key that does not exist is not tested: moto 5.1 answers ListGrants for one with an
    // error that is not NotFoundException.
}

#[tokio::test]
async fn a_grant_inside_the_organization_is_no_violation() {
    let kms = kms().await;
    let key = key(&kms).await;
    let inside = grant(&kms, &key, MEMBER).await;
    let record = react(
        &reactor(ModeOverride::Enforce).await,
        &create_grant(&key, MEMBER, &inside),
    )
    .await;
    assert_eq!(status(&record), "none", "{record:?}");
    assert_eq!(grants(&kms, &key).await, vec![inside]);
}

fn key_policy(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Id": "key-policy", "Statement": statements}).to_string()
}

async fn policy_of(kms: &aws_sdk_kms::Client, key: &str) -> Value {
    let out = kms
        .get_key_policy()
        .key_id(key)
        .policy_name("default")
        .send()
        .await
        .unwrap();
    serde_json::from_str(out.policy().unwrap()).unwrap()
}

#[tokio::test]
async fn a_key_policy_loses_its_outside_access_and_keeps_its_own_root() {
    let kms = kms().await;
    let key = key(&kms).await;
    let root = format!("arn:aws:iam::{ACCOUNT}:root");
    let written = key_policy(json!([
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": [MEMBER, ATTACKER]}, "Action": "kms:Decrypt", "Resource": "*"},
        {"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}
    ]));
    kms.put_key_policy()
        .key_id(&key)
        .policy_name("default")
        .policy(&written)
        .send()
        .await
        .unwrap();
    let put = event(
        "kms.amazonaws.com",
        "PutKeyPolicy",
        json!({"keyId": key, "policyName": "default", "policy": written}),
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &put).await),
        "planned"
    );
    assert_eq!(
        policy_of(&kms, &key).await["Statement"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &put).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &["kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyPolicy"]
    );
    let after = policy_of(&kms, &key).await;
    let statements = after["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2, "{after}");
    assert_eq!(
        statements[0]["Principal"]["AWS"],
        json!(root),
        "the key's own root stays"
    );
    assert_eq!(statements[1]["Principal"]["AWS"], json!(MEMBER));
    assert_eq!(after["Id"], "key-policy");

    let again = react(&reactor(ModeOverride::Enforce).await, &put).await;
    assert_eq!(status(&again), "noop", "{again:?}");

    let put_gone = event(
        "kms.amazonaws.com",
        "PutKeyPolicy",
        json!({"keyId": NO_KEY, "policyName": "default", "policy": written}),
    );
    let gone = react(&reactor(ModeOverride::Enforce).await, &put_gone).await;
    assert_eq!(status(&gone), "noop", "{gone:?}");
}
