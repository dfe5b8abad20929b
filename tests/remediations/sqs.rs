//! SQS remediations on moto: `sqs-remove-outside-policy-statements` takes the attacker's
//! account out of a queue policy and keeps the organization's account, the SNS topic's
//! statement and the queue's other attributes; a policy left with nothing is removed.

use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::{Value, json};
use snapback::reactor::ModeOverride;

use super::common::{ACCOUNT, answered, event, react, reactor, sdk_config, status, unique};

const MEMBER: &str = "arn:aws:iam::111122223333:root";
const ATTACKER: &str = "arn:aws:iam::210987654321:root";

async fn sqs() -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(&sdk_config().await)
}

/// A new queue with these attributes; its name and URL.
async fn queue(sqs: &aws_sdk_sqs::Client, policy: &str) -> (String, String) {
    let name = unique("queue");
    let out = sqs
        .create_queue()
        .queue_name(&name)
        .attributes(QueueAttributeName::VisibilityTimeout, "45")
        .attributes(QueueAttributeName::Policy, policy)
        .send()
        .await
        .unwrap();
    (name, out.queue_url.unwrap())
}

async fn attribute(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
    name: QueueAttributeName,
) -> Option<String> {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(name.clone())
        .send()
        .await
        .unwrap();
    out.attributes()
        .and_then(|a| a.get(&name))
        .cloned()
        .filter(|p| !p.is_empty())
}

fn queue_policy(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

#[tokio::test]
async fn a_queue_policy_loses_its_outside_account_and_keeps_the_rest() {
    let sqs = sqs().await;
    let topic = format!("arn:aws:sns:us-east-1:{ACCOUNT}:alerts");
    let written = queue_policy(json!([
        {"Sid": "Send", "Effect": "Allow", "Principal": {"AWS": [MEMBER, ATTACKER]}, "Action": "sqs:SendMessage", "Resource": "*"},
        {"Sid": "Topic", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*",
         "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}
    ]));
    let (_, url) = queue(&sqs, &written).await;
    let set = event(
        "sqs.amazonaws.com",
        "SetQueueAttributes",
        json!({"queueUrl": url, "attributes": {"Policy": written}}),
    );
    let read = || async {
        serde_json::from_str::<Value>(
            &attribute(&sqs, &url, QueueAttributeName::Policy)
                .await
                .unwrap(),
        )
        .unwrap()
    };

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &set).await),
        "planned"
    );
    assert_eq!(
        read().await["Statement"][0]["Principal"]["AWS"],
        json!([MEMBER, ATTACKER])
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &set).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "sqs:GetQueueAttributes",
            "sqs:SetQueueAttributes",
            "sqs:GetQueueAttributes"
        ]
    );
    let after = read().await;
    assert_eq!(after["Statement"][0]["Principal"]["AWS"], json!(MEMBER));
    assert_eq!(after["Statement"][1]["Sid"], "Topic");
    assert_eq!(
        attribute(&sqs, &url, QueueAttributeName::VisibilityTimeout)
            .await
            .as_deref(),
        Some("45"),
        "other attributes untouched"
    );

    let again = react(&reactor(ModeOverride::Enforce).await, &set).await;
    assert_eq!(status(&again), "noop", "{again:?}");

    sqs.delete_queue().queue_url(&url).send().await.unwrap();
    let gone = react(&reactor(ModeOverride::Enforce).await, &set).await;
    assert_eq!(status(&gone), "noop", "{gone:?}");
}

#[tokio::test]
async fn a_queue_created_open_outside_loses_its_policy() {
    let sqs = sqs().await;
    let written = queue_policy(json!([
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}
    ]));
    let (name, url) = queue(&sqs, &written).await;
    let create = answered(
        "sqs.amazonaws.com",
        "CreateQueue",
        json!({"queueName": name, "attributes": {"Policy": written, "VisibilityTimeout": "45"}}),
        json!({"queueUrl": url}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        attribute(&sqs, &url, QueueAttributeName::Policy).await,
        None
    );
    assert_eq!(
        attribute(&sqs, &url, QueueAttributeName::VisibilityTimeout)
            .await
            .as_deref(),
        Some("45")
    );
}
