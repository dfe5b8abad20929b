//! `s3-make-bucket-acl-private`: take the grants to everyone off a bucket's ACL.
//!
//! Why: an ACL grant to `AllUsers` opens the bucket to the internet, one to
//! `AuthenticatedUsers` to every AWS account (CIS 2.1.4).
//! Trigger: `s3:PutBucketAcl` granting `AllUsers` or `AuthenticatedUsers`, by canned ACL, grant
//! header or access control policy (policy `s3-bucket-acl-public`).
//! What: only the grants to the groups this call granted are removed; the owner and every
//! other grant (the owner's `FULL_CONTROL`, `LogDelivery`, named accounts) are kept. The ACL
//! is not reset to `private` wholesale.
//! Calls: `GetBucketAcl`; if a grant to those groups remains, `PutBucketAcl` with the same
//! owner and the other grants; `GetBucketAcl` to verify. A deleted bucket is a no-op.
//!
//! ```cedar
//! @remediation("s3-make-bucket-acl-private")
//! forbid (principal, action == Aws::Action::"s3:PutBucketAcl", resource is Aws::Bucket)
//! when { context has bucketAcl && (context.bucketAcl.public || context.bucketAcl.authenticatedUsers) };
//! ```

use super::prelude::*;
use crate::model::s3::public_acl_groups;

/// The plan's arguments: the URIs of the groups whose grants are taken out.
#[derive(serde::Deserialize)]
struct Args {
    grantees: Vec<String>,
}

remediation! {
    MakeBucketAclPrivate {
        name: "s3-make-bucket-acl-private",
        service: "s3",
        iam: &["s3:GetBucketAcl", "s3:PutBucketAcl"],
    }
    plan: |p| {
        let bucket = p.target("Bucket")?;
        let groups = p.event.request_parameters().map(public_acl_groups).unwrap_or_default();
        if groups.is_empty() {
            return Err(p.error("the ACL grants nothing to everyone"));
        }
        let names: Vec<&str> = groups.iter().map(|g| g.rsplit('/').next().unwrap_or(g)).collect();
        let summary = format!(
            "remove the grants to {} from the ACL of bucket `{bucket}`",
            names.join(" and ")
        );
        Ok(p.plan(serde_json::json!({"grantees": groups}), summary))
    },
    revert: |plan, aws, args: Args| {
        let (bucket, s3, grantees) = (plan.resource.as_str(), aws.s3(), args.grantees.as_slice());
        read: || s3.bucket_acl(bucket),
        still_wrong: |acl| {
            grantees
                .iter()
                .any(|g| acl.grants_to(g))
                .then(|| format!("bucket `{bucket}` still grants to everyone"))
        },
        act: |acl| async move { s3.put_acl_without(bucket, &acl, grantees).await },
    },
}
