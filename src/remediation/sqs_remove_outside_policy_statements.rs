//! `sqs-remove-outside-policy-statements`: take the access outside the organization out of an
//! SQS queue policy.
//!
//! Why: a queue policy that lets an outside account (not trusted with `snapback:trusted`), or
//! `*` with no condition pinning it to our accounts, send or receive lets someone else read
//! the messages or inject their own.
//! Trigger: `sqs:SetQueueAttributes` or `sqs:CreateQueue` whose `Policy` attribute lets in an
//! outside principal (policy `sqs-queue-policy-outside`).
//! What: the plan keeps the outside accounts the call's policy named (the `access` fact's
//! `outsideAccounts`) and the queue's URL (for `CreateQueue`, from the response). Apply
//! rewrites the policy it reads with
//! [`without_outside`](crate::model::access::without_outside), judged from the queue's
//! account: those accounts are taken out of every principal list and statements open to an
//! unpinned `*` are dropped; our accounts, services (an SNS topic of ours with its
//! `aws:SourceArn`), conditions and Deny statements stay. If no statement is left, the policy
//! is removed. Other queue attributes are not touched.
//! Calls: `GetQueueAttributes` (`Policy`); if outside access is still there,
//! `SetQueueAttributes` (`Policy` only); `GetQueueAttributes` to verify. A deleted queue is a
//! no-op.
//!
//! ```cedar
//! @remediation("sqs-remove-outside-policy-statements")
//! forbid (principal, action in [Aws::Action::"sqs:SetQueueAttributes",
//!     Aws::Action::"sqs:CreateQueue"], resource is Aws::Queue)
//! when { context has access && context.access.outside };
//! ```

use super::outside::{Outside, written};
use super::policy_doc::{is_empty, parse};
use super::prelude::*;

remediation! {
    RemoveOutsideQueuePolicyStatements {
        name: "sqs-remove-outside-policy-statements",
        service: "sqs",
        iam: &["sqs:GetQueueAttributes", "sqs:SetQueueAttributes"],
    }
    plan: |p| {
        let queue = p.target("Queue")?;
        let url = if queue.starts_with("https://") || queue.starts_with("http://") {
            queue
        } else {
            p.response("queueUrl")
                .ok_or_else(|| p.error("the event names no queue url"))?
                .to_owned()
        };
        let outside = Outside::of_document(&p, &written(&p, "attributes.Policy")?)?;
        let summary = format!("take the access outside the organization out of the policy of \
            queue `{url}`");
        let args = serde_json::to_value(outside).map_err(|e| p.error(e.to_string()))?;
        let mut plan = p.plan(args, summary);
        plan.resource = url;
        Ok(plan)
    },
    revert: |plan, aws, args: Outside| {
        let (url, sqs, outside) = (plan.resource.as_str(), aws.sqs(), &args);
        let own = plan.account.as_str();
        read: || async move {
            let text = sqs.queue_policy(url).await?;
            let call = "sqs:GetQueueAttributes";
            text.map(|t| if t.is_empty() { Ok(serde_json::json!({})) } else { parse(call, &t) })
                .transpose()
        },
        still_wrong: |doc| {
            outside.rewrite(doc, own).1.then(|| format!("queue `{url}` is still open outside"))
        },
        act: |doc| async move {
            let rest = outside.rewrite(&doc, own).0;
            let text = if is_empty(&rest) { String::new() } else { rest.to_string() };
            sqs.set_queue_policy(url, &text).await
        },
    },
}
