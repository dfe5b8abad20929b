//! ECR remediations on moto: a repository policy that lets in principals outside the
//! organization, through the shipped pack (`ecr-repository-policy-outside`, run in enforce
//! mode).

use aws_sdk_ecr::Client;
use serde_json::{Value, json};
use snapback::Event;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

/// An attacker's account: neither ours nor trusted.
const OUTSIDE: &str = "210987654321";
/// A member of the organization (`policies/entities.json`).
const MEMBER: &str = "444455556666";

async fn client() -> Client {
    Client::new(&sdk_config().await)
}

async fn repository(ecr: &Client) -> String {
    let name = unique("repo").to_lowercase();
    ecr.create_repository()
        .repository_name(&name)
        .send()
        .await
        .unwrap();
    name
}

/// A policy of these statements, each allowing image pulls.
fn policy(statements: &[(&str, Value)]) -> Value {
    let statements: Vec<Value> = statements
        .iter()
        .map(|(sid, principal)| {
            json!({"Sid": sid, "Effect": "Allow", "Principal": principal,
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]})
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

async fn set_policy(ecr: &Client, repository: &str, doc: &Value) {
    ecr.set_repository_policy()
        .repository_name(repository)
        .policy_text(doc.to_string())
        .send()
        .await
        .unwrap();
}

/// The statement ids of the repository's policy, or None when it has none.
async fn sids(ecr: &Client, repository: &str) -> Option<Vec<String>> {
    let read = ecr.get_repository_policy().repository_name(repository);
    let out = read.send().await.ok()?;
    let doc: Value = serde_json::from_str(out.policy_text().unwrap()).unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    Some(
        statements
            .iter()
            .map(|s| s["Sid"].as_str().unwrap().to_owned())
            .collect(),
    )
}

fn set_event(repository: &str, doc: &Value) -> Event {
    event(
        "ecr.amazonaws.com",
        "SetRepositoryPolicy",
        json!({"repositoryName": repository, "policyText": doc.to_string()}),
    )
}

#[tokio::test]
async fn outside_statements_are_taken_out_of_a_repository_policy() {
    let ecr = client().await;
    let (name, other) = (repository(&ecr).await, repository(&ecr).await);
    let doc = policy(&[
        (
            "Shared",
            json!({"AWS": [MEMBER, format!("arn:aws:iam::{OUTSIDE}:root")]}),
        ),
        ("Anyone", json!({"AWS": "*"})),
    ]);
    set_policy(&ecr, &name, &doc).await;
    set_policy(&ecr, &other, &doc).await;
    let set = set_event(&name, &doc);

    let audit = react(&reactor(ModeOverride::Audit).await, &set).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert_eq!(sids(&ecr, &name).await.unwrap(), ["Shared", "Anyone"]);

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &set).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "ecr:GetRepositoryPolicy",
            "ecr:SetRepositoryPolicy",
            "ecr:GetRepositoryPolicy"
        ]
    );
    let out = ecr
        .get_repository_policy()
        .repository_name(&name)
        .send()
        .await
        .unwrap();
    let written: Value = serde_json::from_str(out.policy_text().unwrap()).unwrap();
    assert_eq!(written["Statement"].as_array().unwrap().len(), 1);
    assert_eq!(written["Statement"][0]["Principal"], json!({"AWS": MEMBER}));
    assert_eq!(
        sids(&ecr, &other).await.unwrap(),
        ["Shared", "Anyone"],
        "another repository was not touched"
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &set).await),
        "noop",
        "a second delivery"
    );
}

#[tokio::test]
async fn a_policy_left_empty_is_deleted() {
    let ecr = client().await;
    let name = repository(&ecr).await;
    let doc = policy(&[("Attacker", json!({"AWS": OUTSIDE}))]);
    set_policy(&ecr, &name, &doc).await;
    let record = react(
        &reactor(ModeOverride::Enforce).await,
        &set_event(&name, &doc),
    )
    .await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "ecr:GetRepositoryPolicy",
            "ecr:DeleteRepositoryPolicy",
            "ecr:GetRepositoryPolicy"
        ]
    );
    assert_eq!(sids(&ecr, &name).await, None);
}

#[tokio::test]
async fn a_deleted_repository_is_a_noop() {
    let doc = policy(&[("Attacker", json!({"AWS": OUTSIDE}))]);
    let set = set_event(&unique("gone").to_lowercase(), &doc);
    let record = react(&reactor(ModeOverride::Enforce).await, &set).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}
