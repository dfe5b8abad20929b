//! `kms-remove-outside-key-policy-statements`: take the access outside the organization out of
//! a KMS key policy.
//!
//! Why: a key policy that lets an outside account (not trusted with `snapback:trusted`), or
//! `*` with nothing pinning it to our accounts, use the key gives away the data it protects.
//! Trigger: `kms:PutKeyPolicy` whose policy lets in an outside principal (policy
//! `kms-key-policy-outside`).
//! What: the plan keeps the outside accounts the call's policy named (the `access` fact's
//! `outsideAccounts`). Apply rewrites the policy it reads with
//! [`without_outside`](crate::model::access::without_outside), judged from the key's own
//! account: those accounts are taken out of every principal list and statements open to an
//! unpinned `*` are dropped. The statement giving the key's own account (its root) access is
//! never touched, so the key cannot be locked out; conditions, Deny statements, services and
//! the accounts of the organization stay.
//! Calls: `GetKeyPolicy` (`default`); if outside access is still there, `PutKeyPolicy`;
//! `GetKeyPolicy` to verify. A key that is gone is a no-op.
//!
//! ```cedar
//! @remediation("kms-remove-outside-key-policy-statements")
//! forbid (principal, action == Aws::Action::"kms:PutKeyPolicy", resource is Aws::KmsKey)
//! when { context has access && context.access.outside };
//! ```

use super::outside::{Outside, written};
use super::policy_doc::parse;
use super::prelude::*;

remediation! {
    RemoveOutsideKeyPolicyStatements {
        name: "kms-remove-outside-key-policy-statements",
        service: "kms",
        iam: &["kms:GetKeyPolicy", "kms:PutKeyPolicy"],
    }
    plan: |p| {
        let key = p.target("KmsKey")?;
        let outside = Outside::of_document(&p, &written(&p, "policy")?)?;
        let summary = format!("take the access outside the organization out of the policy of \
            KMS key `{key}`");
        let args = serde_json::to_value(outside).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Outside| {
        let (key, kms, outside) = (plan.resource.as_str(), aws.kms(), &args);
        let own = plan.account.as_str();
        read: || async move {
            let text = kms.key_policy(key).await?;
            text.map(|text| parse("kms:GetKeyPolicy", &text)).transpose()
        },
        still_wrong: |doc| {
            outside.rewrite(doc, own).1.then(|| format!("KMS key `{key}` is still open outside"))
        },
        act: |doc| async move {
            kms.set_key_policy(key, &outside.rewrite(&doc, own).0.to_string()).await
        },
    },
}
