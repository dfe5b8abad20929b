//! `ecr-remove-outside-policy-statements`: take the access outside the organization out of an
//! ECR repository policy.
//!
//! Why: a repository policy that lets an outside account (not trusted with
//! `snapback:trusted`), or `*` with no condition pinning it to our accounts, pull images gives
//! away the code and whatever was baked into them; one that lets it push lets someone else
//! replace what our services run.
//! Trigger: `ecr:SetRepositoryPolicy` whose policy lets in an outside principal (policy
//! `ecr-repository-policy-outside`).
//! What: the plan keeps the outside accounts the call's policy named (the `access` fact's
//! `outsideAccounts`). Apply rewrites the policy it reads with
//! [`without_outside`](crate::model::access::without_outside), judged from the repository's
//! account: those accounts are taken out of every principal list and statements open to an
//! unpinned `*` are dropped; our accounts, services, conditions and Deny statements stay. If no
//! statement is left, the repository policy is deleted.
//! Calls: `GetRepositoryPolicy`; if outside access is still there, `SetRepositoryPolicy` with
//! the rest, or `DeleteRepositoryPolicy` when nothing is left; `GetRepositoryPolicy` to
//! verify. A repository without a policy, or deleted, is a no-op.
//!
//! ```cedar
//! @remediation("ecr-remove-outside-policy-statements")
//! forbid (principal, action == Aws::Action::"ecr:SetRepositoryPolicy",
//!     resource is Aws::Repository)
//! when { context has access && context.access.outside };
//! ```

use super::outside::{Outside, written};
use super::policy_doc::{is_empty, parse};
use super::prelude::*;

remediation! {
    RemoveOutsideRepositoryPolicyStatements {
        name: "ecr-remove-outside-policy-statements",
        service: "ecr",
        iam: &["ecr:GetRepositoryPolicy", "ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy"],
    }
    plan: |p| {
        let repository = p.target("Repository")?;
        let outside = Outside::of_document(&p, &written(&p, "policyText")?)?;
        let summary = format!(
            "take the access outside the organization out of the policy of repository \
             `{repository}`"
        );
        let args = serde_json::to_value(outside).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Outside| {
        let (repository, ecr, outside) = (plan.resource.as_str(), aws.ecr(), &args);
        let own = plan.account.as_str();
        read: || async move {
            let text = ecr.repository_policy(repository).await?;
            text.map(|t| parse("ecr:GetRepositoryPolicy", &t)).transpose()
        },
        still_wrong: |doc| {
            outside
                .rewrite(doc, own)
                .1
                .then(|| format!("repository `{repository}` is still open outside"))
        },
        act: |doc| async move {
            let rest = outside.rewrite(&doc, own).0;
            if is_empty(&rest) {
                return ecr.remove_repository_policy(repository).await;
            }
            ecr.replace_repository_policy(repository, &rest.to_string()).await
        },
    },
}
