//! `secretsmanager-remove-outside-policy-statements`: take the access outside the organization
//! out of a secret's resource policy.
//!
//! Why: a secret's resource policy that lets an outside account (not trusted with
//! `snapback:trusted`), or `*` with no condition pinning it to our accounts, call
//! `GetSecretValue` hands the credential itself to someone else.
//! Trigger: `secretsmanager:PutResourcePolicy` whose policy lets in an outside principal
//! (policy `secretsmanager-policy-outside`).
//! What: the plan keeps the outside accounts the call's policy named (the `access` fact's
//! `outsideAccounts`). Apply rewrites the policy it reads with
//! [`without_outside`](crate::model::access::without_outside), judged from the secret's
//! account: those accounts are taken out of every principal list and statements open to an
//! unpinned `*` are dropped; our accounts, services, conditions and Deny statements stay. If no
//! statement is left, the resource policy is deleted.
//! Calls: `GetResourcePolicy`; if outside access is still there, `PutResourcePolicy` with the
//! rest, or `DeleteResourcePolicy` when nothing is left; `GetResourcePolicy` to verify. A
//! secret without a policy, or deleted, is a no-op.
//!
//! ```cedar
//! @remediation("secretsmanager-remove-outside-policy-statements")
//! forbid (principal, action == Aws::Action::"secretsmanager:PutResourcePolicy",
//!     resource is Aws::Secret)
//! when { context has access && context.access.outside };
//! ```

use super::outside::{Outside, written};
use super::policy_doc::{is_empty, parse};
use super::prelude::*;

remediation! {
    RemoveOutsideSecretPolicyStatements {
        name: "secretsmanager-remove-outside-policy-statements",
        service: "secretsmanager",
        iam: &[
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:PutResourcePolicy",
            "secretsmanager:DeleteResourcePolicy",
        ],
    }
    plan: |p| {
        let secret = p.target("Secret")?;
        let outside = Outside::of_document(&p, &written(&p, "resourcePolicy")?)?;
        let summary = format!(
            "take the access outside the organization out of the resource policy of secret \
             `{secret}`"
        );
        let args = serde_json::to_value(outside).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Outside| {
        let (secret, sm, outside) = (plan.resource.as_str(), aws.secretsmanager(), &args);
        let own = plan.account.as_str();
        read: || async move {
            let text = sm.secret_policy(secret).await?;
            text.map(|t| parse("secretsmanager:GetResourcePolicy", &t)).transpose()
        },
        still_wrong: |doc| {
            outside.rewrite(doc, own).1.then(|| format!("secret `{secret}` is still open outside"))
        },
        act: |doc| async move {
            let rest = outside.rewrite(&doc, own).0;
            if is_empty(&rest) {
                return sm.remove_secret_policy(secret).await;
            }
            sm.set_secret_policy(secret, &rest.to_string()).await
        },
    },
}
