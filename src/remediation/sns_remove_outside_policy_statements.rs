//! `sns-remove-outside-policy-statements`: take the access outside the organization out of an
//! SNS topic policy.
//!
//! Why: a topic policy that lets an outside account (not trusted with `snapback:trusted`), or
//! `*` with no condition pinning it to our accounts, publish or subscribe lets someone else
//! read every message sent to the topic (subscribing their own endpoint) or send their own.
//! Trigger: `sns:SetTopicAttributes` (attribute `Policy`), `sns:CreateTopic` (its `Policy`
//! attribute) or `sns:AddPermission` whose `access` is outside (policy
//! `sns-topic-policy-outside`).
//! What: the plan keeps the outside accounts the call named (the `access` fact's
//! `outsideAccounts`). Apply rewrites the policy it reads with
//! [`without_outside`](crate::model::access::without_outside), judged from the topic's
//! account: those accounts are taken out of every principal list and statements open to an
//! unpinned `*` are dropped; our accounts, services, conditions and Deny statements stay. A
//! topic always has a policy, so when no statement is left the revert writes the one SNS gives
//! a new topic (the owner's account only).
//! Calls: `GetTopicAttributes`; if outside access is still there, `SetTopicAttributes`
//! (`Policy` only); `GetTopicAttributes` to verify. A deleted topic is a no-op.
//!
//! ```cedar
//! @remediation("sns-remove-outside-policy-statements")
//! forbid (principal, action in [Aws::Action::"sns:SetTopicAttributes",
//!     Aws::Action::"sns:CreateTopic", Aws::Action::"sns:AddPermission"], resource is Aws::Topic)
//! when { context has access && context.access.outside };
//! ```

use serde_json::{Value as Json, json};

use super::outside::{Outside, written};
use super::policy_doc::{is_empty, parse};
use super::prelude::*;

/// The policy SNS gives a new topic: every topic action, for principals of the owner's
/// account only.
fn default_policy(topic_arn: &str, owner: &str) -> Json {
    json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                "SNS:ListSubscriptionsByTopic", "SNS:Publish"
            ],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": owner}}
        }]
    })
}

remediation! {
    RemoveOutsideTopicPolicyStatements {
        name: "sns-remove-outside-policy-statements",
        service: "sns",
        iam: &["sns:GetTopicAttributes", "sns:SetTopicAttributes"],
    }
    plan: |p| {
        p.target("Topic")?;
        let arn = p.request.resource.attr_str("arn").to_owned();
        if !arn.starts_with("arn:") {
            return Err(p.error("the event names no topic arn"));
        }
        let outside = match p.event.event_name() {
            "CreateTopic" => Outside::of_document(&p, &written(&p, "attributes.Policy")?)?,
            "SetTopicAttributes" => Outside::of_document(&p, &written(&p, "attributeValue")?)?,
            _ => Outside::of_sharing(&p, "topic")?,
        };
        let summary =
            format!("take the access outside the organization out of the policy of topic `{arn}`");
        let args = serde_json::to_value(outside).map_err(|e| p.error(e.to_string()))?;
        let mut plan = p.plan(args, summary);
        plan.resource = arn;
        Ok(plan)
    },
    revert: |plan, aws, args: Outside| {
        let (topic, sns, outside) = (plan.resource.as_str(), aws.sns(), &args);
        let own = plan.account.as_str();
        read: || async move {
            let text = sns.topic_policy(topic).await?;
            let call = "sns:GetTopicAttributes";
            text.map(|t| if t.is_empty() { Ok(json!({})) } else { parse(call, &t) }).transpose()
        },
        still_wrong: |doc| {
            outside.rewrite(doc, own).1.then(|| format!("topic `{topic}` is still open outside"))
        },
        act: |doc| async move {
            let mut rest = outside.rewrite(&doc, own).0;
            if is_empty(&rest) {
                rest = default_policy(topic, own);
            }
            sns.set_topic_policy(topic, &rest.to_string()).await
        },
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_lets_in_the_owner_only() {
        let doc = default_policy("arn:aws:sns:us-east-1:123456789012:t", "123456789012");
        let outside = Outside {
            accounts: vec!["210987654321".into()],
        };
        assert!(
            !outside.rewrite(&doc, "123456789012").1,
            "the rewrite finds nothing outside in it"
        );
    }
}
