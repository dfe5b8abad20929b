//! The services whose resources carry a resource policy snapback reads only for the `access`
//! fact: SNS topics, SQS queues, Secrets Manager secrets, ECR repositories and OpenSearch
//! domains. Each table lists the calls that set the policy; `access` says who it lets in.

use super::access::document_fact;
use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events};
use super::{Arn, EventSpec, Id, ResourceKind, Value};

const TOPIC: ResourceKind = ResourceKind::new("Topic", Id::Paths(&["topicArn", "name"])).arn(
    Arn::Build(|account, region, id| {
        if id.starts_with("arn:") {
            id.to_owned()
        } else {
            format!("arn:aws:sns:{region}:{account}:{id}")
        }
    }),
);

const QUEUE: ResourceKind = ResourceKind::new("Queue", Id::Paths(&["queueUrl", "queueName"]));

const SECRET: ResourceKind = ResourceKind::new("Secret", Id::Paths(&["secretId", "name"]));

const REPOSITORY: ResourceKind = ResourceKind::at(
    "Repository",
    &["repositoryName"],
    "arn:aws:ecr:{region}:{account}:repository/{id}",
);

const DOMAIN: ResourceKind = ResourceKind::at(
    "SearchDomain",
    &["domainName"],
    "arn:aws:es:{region}:{account}:domain/{id}",
);

pub const SNS: &[EventSpec] = events! {
    TOPIC: [
        "CreateTopic" => topic_create,
        "SetTopicAttributes" => topic_attribute,
        "AddPermission" => added_accounts,
        "DeleteTopic",
    ],
};

pub const SQS: &[EventSpec] = events! {
    QUEUE: [
        "CreateQueue" => queue_policy,
        "SetQueueAttributes" => queue_policy,
        "AddPermission" => added_accounts,
        "DeleteQueue",
    ],
};

pub const SECRETS_MANAGER: &[EventSpec] = events! {
    SECRET: ["PutResourcePolicy" => secret_policy, "DeleteResourcePolicy"],
};

pub const ECR: &[EventSpec] = events! {
    REPOSITORY: ["SetRepositoryPolicy" => repository_policy, "DeleteRepositoryPolicy"],
};

pub const OPENSEARCH: &[EventSpec] = events! {
    DOMAIN: [
        "CreateDomain" => domain_policy,
        "UpdateDomainConfig" => domain_policy,
        "CreateElasticsearchDomain" => domain_policy,
        "UpdateElasticsearchDomainConfig" => domain_policy,
    ],
};

fn topic_create(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    document_fact(input, "attributes.Policy", out)
}

/// `SetTopicAttributes` names the attribute and gives its value: only `Policy` is read.
fn topic_attribute(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let at = Path::root("requestParameters");
    let name = Report::new("access", out)
        .string(&at.key("attributeName"), input.params.get("attributeName"));
    if name == Some("Policy") {
        document_fact(input, "attributeValue", out)
    } else {
        Vec::new()
    }
}

fn queue_policy(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    document_fact(input, "attributes.Policy", out)
}

/// The SNS and SQS `AddPermission`: the accounts given the actions.
fn added_accounts(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("access", out);
    let at = Path::root("requestParameters");
    let mut access = super::access::Access::new(input);
    for key in ["aWSAccountId", "aWSAccountIds", "AWSAccountIds"] {
        for id in report.strings(&at.key(key), input.params.get(key)) {
            if id == "*" {
                access.anyone();
            } else {
                access.account(id);
            }
        }
    }
    access.fact()
}

fn secret_policy(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    document_fact(input, "resourcePolicy", out)
}

fn repository_policy(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    document_fact(input, "policyText", out)
}

fn domain_policy(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    document_fact(input, "accessPolicies", out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use crate::model::malformed::derive;
    use serde_json::json;

    #[test]
    fn a_queue_policy_as_a_string_is_read_and_a_broken_one_is_malformed() {
        let doc = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}"#;
        let (facts, found) = derive(
            queue_policy,
            json!({"queueUrl": "q", "attributes": {"Policy": doc}}),
        );
        assert!(found.is_empty());
        assert_eq!(facts[0].1.to_json()["public"], json!(true));
        let (facts, found) = derive(queue_policy, json!({"attributes": {"Policy": "{not json"}}));
        assert!(facts.is_empty());
        assert_eq!(found.len(), 1);
        let (facts, found) = derive(
            queue_policy,
            json!({"attributes": {"VisibilityTimeout": "30"}}),
        );
        assert!(facts.is_empty() && found.is_empty());
        let (facts, found) = derive(queue_policy, json!({"queueName": "q", "attributes": 7}));
        assert!(facts.is_empty());
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn only_the_policy_attribute_of_a_topic_is_read() {
        let doc = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sns:Publish"}}"#;
        let (facts, _) = derive(
            topic_attribute,
            json!({"attributeName": "Policy", "attributeValue": doc}),
        );
        assert_eq!(
            facts[0].1.to_json()["outsideAccounts"],
            json!(["444455556666"])
        );
        let (facts, _) = derive(
            topic_attribute,
            json!({"attributeName": "DisplayName", "attributeValue": "x"}),
        );
        assert!(facts.is_empty());
    }

    #[test]
    fn accounts_added_by_add_permission_are_resolved() {
        let (facts, found) = derive(
            added_accounts,
            json!({"aWSAccountId": ["444455556666", "111122223333"]}),
        );
        assert!(found.is_empty());
        assert_eq!(
            facts[0].1.to_json()["outsideAccounts"],
            json!(["444455556666"])
        );
    }
}
