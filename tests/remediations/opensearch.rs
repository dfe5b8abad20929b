//! The OpenSearch remediation on moto: an access policy that lets anyone in loses its open
//! statements (the shipped policy `opensearch-domain-open-access` names it).

use aws_sdk_opensearch::Client;
use serde_json::{Value as Json, json};
use snapback::Event;
use snapback::reactor::ModeOverride;

use super::common::{ACCOUNT, REGION, event, react, reactor, sdk_config, status, unique};

async fn opensearch() -> Client {
    Client::new(&sdk_config().await)
}

/// A domain name (lowercase, at most 28 characters) no other test uses.
fn domain_name() -> String {
    let id: String = unique("d")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let tail = &id[id.len().saturating_sub(27)..];
    format!("d{tail}").to_lowercase()
}

fn arn(domain: &str) -> String {
    format!("arn:aws:es:{REGION}:{ACCOUNT}:domain/{domain}")
}

fn open_statement(domain: &str) -> Json {
    json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:ESHttp*",
        "Resource": format!("{}/*", arn(domain))})
}

fn team_statement(domain: &str) -> Json {
    json!({"Sid": "Team", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:role/SearchTeam")},
        "Action": "es:*", "Resource": format!("{}/*", arn(domain))})
}

fn policy(statements: &[Json]) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

async fn create(os: &Client, name: &str, policy: &str) {
    os.create_domain()
        .domain_name(name)
        .access_policies(policy)
        .send()
        .await
        .unwrap();
}

async fn statements(os: &Client, domain: &str) -> Vec<Json> {
    let out = os
        .describe_domain_config()
        .domain_name(domain)
        .send()
        .await
        .unwrap();
    let text = out
        .domain_config()
        .unwrap()
        .access_policies()
        .unwrap()
        .options();
    let doc: Json = serde_json::from_str(text).unwrap();
    match &doc["Statement"] {
        Json::Array(list) => list.clone(),
        one => vec![one.clone()],
    }
}

fn update(domain: &str, policy: &str) -> Event {
    event(
        "es.amazonaws.com",
        "UpdateDomainConfig",
        json!({"domainName": domain, "accessPolicies": policy}),
    )
}

#[tokio::test]
async fn open_statements_are_taken_out_and_the_rest_kept() {
    let os = opensearch().await;
    let name = domain_name();
    let open = policy(&[team_statement(&name), open_statement(&name)]);
    create(&os, &name, &open).await;
    let other = domain_name();
    create(&os, &other, &policy(&[open_statement(&other)])).await;

    let audit = react(&reactor(ModeOverride::Audit).await, &update(&name, &open)).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert_eq!(
        statements(&os, &name).await.len(),
        2,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &update(&name, &open)).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "es:DescribeDomainConfig",
            "es:UpdateDomainConfig",
            "es:DescribeDomainConfig"
        ]
    );
    assert_eq!(statements(&os, &name).await, [team_statement(&name)]);
    assert_eq!(
        statements(&os, &other).await.len(),
        1,
        "another domain was not touched"
    );
    let again = react(&reactor(ModeOverride::Enforce).await, &update(&name, &open)).await;
    assert_eq!(status(&again), "noop", "a second delivery: {again:?}");
}

#[tokio::test]
async fn a_policy_left_with_nothing_lets_in_the_owner_only() {
    let os = opensearch().await;
    let name = domain_name();
    let open = policy(&[open_statement(&name)]);
    create(&os, &name, &open).await;
    let record = react(&reactor(ModeOverride::Enforce).await, &update(&name, &open)).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let kept = statements(&os, &name).await;
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        kept[0]["Principal"]["AWS"],
        format!("arn:aws:iam::{ACCOUNT}:root")
    );
    assert_eq!(kept[0]["Resource"], format!("{}/*", arn(&name)));
}

#[tokio::test]
async fn a_domain_in_a_vpc_or_gone_is_left_alone() {
    let name = domain_name();
    let open = policy(&[open_statement(&name)]);
    let record = react(&reactor(ModeOverride::Enforce).await, &update(&name, &open)).await;
    assert_eq!(status(&record), "noop", "a domain that is gone: {record:?}");

    let in_vpc = event(
        "es.amazonaws.com",
        "UpdateDomainConfig",
        json!({"domainName": name, "accessPolicies": open,
            "vPCOptions": {"subnetIds": ["subnet-0a1b2c3d4e5f60718"]}}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &in_vpc).await;
    assert_eq!(
        status(&record),
        "none",
        "a domain in a VPC is compliant: {record:?}"
    );
}
