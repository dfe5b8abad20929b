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

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws, ErrorKind};
use crate::event::Event;
use crate::model::Request;
use crate::model::s3::public_acl_groups;

pub struct MakeBucketAclPrivate;

impl Remediation for MakeBucketAclPrivate {
    fn name(&self) -> &'static str {
        "s3-make-bucket-acl-private"
    }

    fn service(&self) -> &'static str {
        "s3"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["s3:GetBucketAcl", "s3:PutBucketAcl"]
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

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let bucket = plan.resource.as_str();
            let grantees: Vec<String> =
                serde_json::from_value(plan.args.get("grantees").cloned().unwrap_or_default())
                    .map_err(|e| {
                        ApiError::new(
                            "s3:PutBucketAcl",
                            ErrorKind::Rejected,
                            format!("bad plan: {e}"),
                        )
                    })?;
            calls.push("s3:GetBucketAcl".into());
            let acl = match aws.s3_bucket_acl(bucket).await? {
                Some(acl) if grantees.iter().any(|g| acl.grants_to(g)) => acl,
                _ => return Ok(Status::Noop),
            };
            calls.push("s3:PutBucketAcl".into());
            aws.s3_put_acl_without(bucket, &acl, &grantees).await?;
            calls.push("s3:GetBucketAcl".into());
            match aws.s3_bucket_acl(bucket).await? {
                Some(acl) if grantees.iter().any(|g| acl.grants_to(g)) => Err(unverified(
                    "s3:GetBucketAcl",
                    format!("bucket `{bucket}` still grants to everyone"),
                )),
                _ => Ok(Status::Applied),
            }
        })
    }
}
