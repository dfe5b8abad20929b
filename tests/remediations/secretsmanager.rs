//! Secrets Manager remediations on moto: a secret's resource policy that lets in principals
//! outside the organization, through the shipped pack (`secretsmanager-policy-outside`, run in
//! enforce mode).

use aws_sdk_secretsmanager::Client;
use serde_json::{Value, json};
use snapback::Event;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

/// An attacker's account: neither ours nor trusted.
const OUTSIDE: &str = "210987654321";
/// A member of the organization (`policies/entities.json`).
const MEMBER: &str = "111122223333";

async fn client() -> Client {
    Client::new(&sdk_config().await)
}

async fn secret(sm: &Client) -> String {
    let name = unique("secret");
    sm.create_secret()
        .name(&name)
        .secret_string("not-a-real-secret")
        .send()
        .await
        .unwrap();
    name
}

/// A policy of these statements, each allowing `GetSecretValue`.
fn policy(statements: &[(&str, Value)]) -> Value {
    let statements: Vec<Value> = statements
        .iter()
        .map(|(sid, principal)| {
            json!({"Sid": sid, "Effect": "Allow", "Principal": principal,
                "Action": "secretsmanager:GetSecretValue", "Resource": "*"})
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

async fn put_policy(sm: &Client, secret: &str, doc: &Value) {
    sm.put_resource_policy()
        .secret_id(secret)
        .resource_policy(doc.to_string())
        .send()
        .await
        .unwrap();
}

/// The statement ids of the secret's policy, or None when it has none.
async fn sids(sm: &Client, secret: &str) -> Option<Vec<String>> {
    let out = sm
        .get_resource_policy()
        .secret_id(secret)
        .send()
        .await
        .unwrap();
    let doc: Value = serde_json::from_str(out.resource_policy()?).unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    Some(
        statements
            .iter()
            .map(|s| s["Sid"].as_str().unwrap().to_owned())
            .collect(),
    )
}

fn put_event(secret: &str, doc: &Value) -> Event {
    event(
        "secretsmanager.amazonaws.com",
        "PutResourcePolicy",
        json!({"secretId": secret, "resourcePolicy": doc.to_string(), "blockPublicPolicy": false}),
    )
}

#[tokio::test]
async fn outside_statements_are_taken_out_of_a_secret_policy() {
    let sm = client().await;
    let (name, other) = (secret(&sm).await, secret(&sm).await);
    let doc = policy(&[
        (
            "Member",
            json!({"AWS": format!("arn:aws:iam::{MEMBER}:role/reader")}),
        ),
        ("Attacker", json!({"AWS": OUTSIDE})),
    ]);
    put_policy(&sm, &name, &doc).await;
    put_policy(&sm, &other, &doc).await;
    let put = put_event(&name, &doc);

    let audit = react(&reactor(ModeOverride::Audit).await, &put).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert_eq!(
        sids(&sm, &name).await.unwrap(),
        ["Member", "Attacker"],
        "audit mode must change nothing"
    );

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &put).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:PutResourcePolicy",
            "secretsmanager:GetResourcePolicy"
        ]
    );
    assert_eq!(sids(&sm, &name).await.unwrap(), ["Member"]);
    assert_eq!(
        sids(&sm, &other).await.unwrap(),
        ["Member", "Attacker"],
        "another secret was not touched"
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &put).await),
        "noop",
        "a second delivery"
    );
}

#[tokio::test]
async fn a_policy_left_empty_is_deleted() {
    let sm = client().await;
    let name = secret(&sm).await;
    let doc = policy(&[("Anyone", json!("*"))]);
    put_policy(&sm, &name, &doc).await;
    let record = react(
        &reactor(ModeOverride::Enforce).await,
        &put_event(&name, &doc),
    )
    .await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:DeleteResourcePolicy",
            "secretsmanager:GetResourcePolicy"
        ]
    );
    assert_eq!(sids(&sm, &name).await, None);
}

#[tokio::test]
async fn a_deleted_secret_is_a_noop() {
    let doc = policy(&[("Attacker", json!({"AWS": OUTSIDE}))]);
    let put = put_event(&unique("gone"), &doc);
    let record = react(&reactor(ModeOverride::Enforce).await, &put).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}
