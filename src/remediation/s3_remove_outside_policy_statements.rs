//! `s3-remove-outside-policy-statements`: take the access outside the organization out of a
//! bucket policy.
//!
//! Why: a bucket policy that lets an outside account (not trusted with `snapback:trusted`), or
//! `*` with no condition pinning it to our accounts or organization, read or write the bucket
//! hands its data to someone else; `s3-remove-public-policy-statements` covers only what is
//! public.
//! Trigger: `s3:PutBucketPolicy` whose policy lets in an outside principal (policy
//! `s3-bucket-policy-outside`).
//! What: the plan keeps the outside accounts the call's policy named (the `access` fact's
//! `outsideAccounts`). Apply rewrites the policy it reads with
//! [`without_outside`](crate::model::access::without_outside), judged from the bucket's
//! account: those accounts are taken out of every principal list and statements open to an
//! unpinned `*` are dropped; our accounts, services, conditions and Deny statements stay. If no
//! statement is left, the bucket policy is deleted.
//! Calls: `GetBucketPolicy`; if outside access is still there, `PutBucketPolicy` with the rest,
//! or `DeleteBucketPolicy` when nothing is left; `GetBucketPolicy` to verify. A bucket without
//! a policy, or deleted, is a no-op.
//!
//! ```cedar
//! @remediation("s3-remove-outside-policy-statements")
//! forbid (principal, action == Aws::Action::"s3:PutBucketPolicy", resource is Aws::Bucket)
//! when { context has access && context.access.outside };
//! ```

use super::outside::Outside;
use super::policy_doc::{read_bucket_policy, requested_bucket_policy, write_bucket_policy};
use super::prelude::*;

remediation! {
    RemoveOutsidePolicyStatements {
        name: "s3-remove-outside-policy-statements",
        service: "s3",
        iam: &["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
    }
    plan: |p| {
        let bucket = p.target("Bucket")?;
        let doc = requested_bucket_policy(&p)?;
        let outside = Outside::of_document(&p, &doc)?;
        let summary = format!("take the access outside the organization out of the policy of \
            bucket `{bucket}`");
        let args = serde_json::to_value(outside).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Outside| {
        let (bucket, s3, outside) = (plan.resource.as_str(), aws.s3(), &args);
        let own = plan.account.as_str();
        read: || read_bucket_policy(s3, bucket),
        still_wrong: |doc| {
            outside.rewrite(doc, own).1.then(|| format!("bucket `{bucket}` is still open outside"))
        },
        act: |doc| async move {
            write_bucket_policy(s3, bucket, &outside.rewrite(&doc, own).0).await
        },
    },
}
