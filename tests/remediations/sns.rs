//! SNS remediations on moto: a topic policy that lets in principals outside the organization,
//! through the shipped pack (`sns-topic-policy-outside`, run in enforce mode).

use aws_sdk_sns::Client;
use serde_json::{Value, json};
use snapback::Event;
use snapback::reactor::ModeOverride;

use super::common::{ACCOUNT, event, react, reactor, sdk_config, status, unique};

/// An attacker's account: neither ours nor trusted.
const OUTSIDE: &str = "210987654321";
/// A member of the organization (`policies/entities.json`).
const MEMBER: &str = "111122223333";

async fn sns() -> Client {
    Client::new(&sdk_config().await)
}

async fn topic(sns: &Client) -> String {
    let out = sns
        .create_topic()
        .name(unique("topic"))
        .send()
        .await
        .unwrap();
    out.topic_arn.unwrap()
}

fn statement(sid: &str, principal: Value, topic: &str) -> Value {
    json!({"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": ["SNS:Publish", "SNS:Subscribe"],
        "Resource": topic})
}

/// A policy of these statements for `topic`.
fn policy(topic: &str, statements: &[(&str, Value)]) -> Value {
    let statements: Vec<Value> = statements
        .iter()
        .map(|(sid, principal)| statement(sid, principal.clone(), topic))
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

async fn set_policy(sns: &Client, topic: &str, doc: &Value) {
    sns.set_topic_attributes()
        .topic_arn(topic)
        .attribute_name("Policy")
        .attribute_value(doc.to_string())
        .send()
        .await
        .unwrap();
}

/// The statement ids of the topic's policy.
async fn sids(sns: &Client, topic: &str) -> Vec<String> {
    let out = sns
        .get_topic_attributes()
        .topic_arn(topic)
        .send()
        .await
        .unwrap();
    let text = out.attributes().unwrap().get("Policy").unwrap();
    let doc: Value = serde_json::from_str(text).unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    statements
        .iter()
        .map(|s| s["Sid"].as_str().unwrap().to_owned())
        .collect()
}

fn set_event(topic: &str, doc: &Value) -> Event {
    event(
        "sns.amazonaws.com",
        "SetTopicAttributes",
        json!({"topicArn": topic, "attributeName": "Policy", "attributeValue": doc.to_string()}),
    )
}

#[tokio::test]
async fn outside_statements_are_taken_out_of_a_topic_policy() {
    let sns = sns().await;
    let (arn, other) = (topic(&sns).await, topic(&sns).await);
    let doc = policy(
        &arn,
        &[
            ("Member", json!({"AWS": MEMBER})),
            (
                "Attacker",
                json!({"AWS": format!("arn:aws:iam::{OUTSIDE}:root")}),
            ),
            ("Anyone", json!("*")),
        ],
    );
    set_policy(&sns, &arn, &doc).await;
    let open = policy(&other, &[("Attacker", json!({"AWS": OUTSIDE}))]);
    set_policy(&sns, &other, &open).await;
    let set = set_event(&arn, &doc);

    let audit = react(&reactor(ModeOverride::Audit).await, &set).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert_eq!(sids(&sns, &arn).await, ["Member", "Attacker", "Anyone"]);

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &set).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "sns:GetTopicAttributes",
            "sns:SetTopicAttributes",
            "sns:GetTopicAttributes"
        ]
    );
    assert_eq!(sids(&sns, &arn).await, ["Member"]);
    assert_eq!(
        sids(&sns, &other).await,
        ["Attacker"],
        "another topic was not touched"
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &set).await),
        "noop",
        "a second delivery"
    );
}

#[tokio::test]
async fn a_topic_left_without_statements_gets_the_owner_only_policy() {
    let sns = sns().await;
    let arn = topic(&sns).await;
    let doc = policy(&arn, &[("Attacker", json!({"AWS": OUTSIDE}))]);
    set_policy(&sns, &arn, &doc).await;
    let record = react(
        &reactor(ModeOverride::Enforce).await,
        &set_event(&arn, &doc),
    )
    .await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let out = sns
        .get_topic_attributes()
        .topic_arn(&arn)
        .send()
        .await
        .unwrap();
    let text = out.attributes().unwrap().get("Policy").unwrap();
    let written: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        written["Statement"][0]["Sid"],
        json!("__default_statement_ID")
    );
    assert_eq!(
        written["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceOwner"],
        json!(ACCOUNT)
    );
}

#[tokio::test]
async fn a_deleted_topic_is_a_noop() {
    let arn = format!("arn:aws:sns:us-east-1:{ACCOUNT}:{}", unique("gone"));
    let doc = policy(&arn, &[("Attacker", json!({"AWS": OUTSIDE}))]);
    let record = react(
        &reactor(ModeOverride::Enforce).await,
        &set_event(&arn, &doc),
    )
    .await;
    assert_eq!(status(&record), "noop", "{record:?}");
}
