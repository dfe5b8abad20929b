//! `iam-remove-outside-trust` on moto: a role trusting an account of the organization, a
//! service and an attacker's account keeps the first two; a role trusting only outside gets a
//! trust policy that lets no one in.

use serde_json::{Value, json};
use snapback::reactor::ModeOverride;

use super::super::common::{document, event, react, reactor, status, unique};
use super::iam;

const MEMBER: &str = "arn:aws:iam::111122223333:root";
const ATTACKER: &str = "arn:aws:iam::210987654321:root";

fn trust(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// The role's trust policy, as JSON.
async fn trust_of(iam: &aws_sdk_iam::Client, role: &str) -> Value {
    let out = iam.get_role().role_name(role).send().await.unwrap();
    let raw = out
        .role()
        .unwrap()
        .assume_role_policy_document()
        .unwrap()
        .to_owned();
    document(&raw)
}

async fn role(iam: &aws_sdk_iam::Client, trust: &str) -> String {
    let role = unique("role");
    iam.create_role()
        .role_name(&role)
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    role
}

#[tokio::test]
async fn a_trust_policy_loses_its_outside_account_and_keeps_the_rest() {
    let iam = iam().await;
    let before = trust(json!([
        {"Sid": "Accounts", "Effect": "Allow", "Principal": {"AWS": [MEMBER, ATTACKER]}, "Action": "sts:AssumeRole"},
        {"Sid": "Lambda", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]));
    let role = role(&iam, &trust(json!([]))).await;
    iam.update_assume_role_policy()
        .role_name(&role)
        .policy_document(&before)
        .send()
        .await
        .unwrap();
    let update = event(
        "iam.amazonaws.com",
        "UpdateAssumeRolePolicy",
        json!({"roleName": role, "policyDocument": before}),
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &update).await),
        "planned"
    );
    let unchanged = trust_of(&iam, &role).await;
    assert_eq!(
        unchanged["Statement"][0]["Principal"]["AWS"],
        json!([MEMBER, ATTACKER])
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &update).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &["iam:GetRole", "iam:UpdateAssumeRolePolicy", "iam:GetRole"]
    );
    let after = trust_of(&iam, &role).await;
    assert_eq!(after["Statement"][0]["Principal"]["AWS"], json!(MEMBER));
    assert_eq!(
        after["Statement"][1]["Principal"]["Service"],
        json!("lambda.amazonaws.com")
    );
    assert_eq!(after["Statement"].as_array().unwrap().len(), 2);

    let again = react(&reactor(ModeOverride::Enforce).await, &update).await;
    assert_eq!(status(&again), "noop", "{again:?}");
}

#[tokio::test]
async fn a_role_trusting_only_outside_is_trusted_by_no_one() {
    let iam = iam().await;
    let only = trust(json!([
        {"Effect": "Allow", "Principal": {"AWS": ATTACKER}, "Action": "sts:AssumeRole"}
    ]));
    let role = role(&iam, &only).await;
    let create = event(
        "iam.amazonaws.com",
        "CreateRole",
        json!({"roleName": role, "assumeRolePolicyDocument": only}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let after = trust_of(&iam, &role).await;
    let statements = after["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0]["Effect"], "Deny");
    assert_eq!(statements[0]["Action"], "sts:AssumeRole");
}

#[tokio::test]
async fn a_deleted_role_is_a_noop() {
    let iam = iam().await;
    let only = trust(json!([
        {"Effect": "Allow", "Principal": {"AWS": ATTACKER}, "Action": "sts:AssumeRole"}
    ]));
    let role = role(&iam, &only).await;
    iam.delete_role().role_name(&role).send().await.unwrap();
    let create = event(
        "iam.amazonaws.com",
        "CreateRole",
        json!({"roleName": role, "assumeRolePolicyDocument": only}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}
