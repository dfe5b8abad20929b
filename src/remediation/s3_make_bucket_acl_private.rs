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
//! IAM: `s3:GetBucketAcl`, `s3:PutBucketAcl`.
//!
//! ```cedar
//! @remediation("s3-make-bucket-acl-private")
//! forbid (principal, action == Aws::Action::"s3:PutBucketAcl", resource is Aws::Bucket)
//! when { context has bucketAcl && (context.bucketAcl.public || context.bucketAcl.authenticatedUsers) };
//! ```

use super::args;
use super::prelude::*;
use crate::model::s3::public_acl_groups;

pub struct MakeBucketAclPrivate;

/// The plan's arguments: the URIs of the groups whose grants are taken out.
#[derive(serde::Deserialize)]
struct Args {
    grantees: Vec<String>,
}

impl Remediation for MakeBucketAclPrivate {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "s3-make-bucket-acl-private",
            service: "s3",
            iam_actions: &["s3:GetBucketAcl", "s3:PutBucketAcl"],
        }
    }

    fn plan(&self, event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let bucket = target(self.name(), request, "Bucket")?;
        let groups = event
            .request_parameters()
            .map(public_acl_groups)
            .unwrap_or_default();
        if groups.is_empty() {
            return Err(PlanError {
                remediation: self.name(),
                message: "the ACL grants nothing to everyone".into(),
            });
        }
        let names: Vec<&str> = groups
            .iter()
            .map(|g| g.rsplit('/').next().unwrap_or(g))
            .collect();
        let summary = format!(
            "remove the grants to {} from the ACL of bucket `{bucket}`",
            names.join(" and ")
        );
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({"grantees": groups}),
            summary,
        ))
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let (bucket, s3) = (plan.resource.as_str(), aws.s3());
        Box::pin(async move {
            let Args { grantees } = args(plan)?;
            let grantees = grantees.as_slice();
            revert(
                aws,
                move || s3.bucket_acl(bucket),
                move |acl| {
                    grantees
                        .iter()
                        .any(|g| acl.grants_to(g))
                        .then(|| format!("bucket `{bucket}` still grants to everyone"))
                },
                move |acl| async move { s3.put_acl_without(bucket, &acl, grantees).await },
            )
            .await
        })
    }
}
