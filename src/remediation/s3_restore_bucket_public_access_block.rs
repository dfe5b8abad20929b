//! `s3-restore-bucket-public-access-block`: turn a bucket's S3 Block Public Access back on.
//!
//! Why: Block Public Access is the guard that keeps a bucket private whatever its ACLs and
//! policy say; deleting it or turning a flag off is the first step to exposing data (CIS 2.1.4).
//! Trigger: `s3:DeleteBucketPublicAccessBlock` (policy `s3-bucket-public-access-block-removed`)
//! and `s3:PutBucketPublicAccessBlock` with a flag off (policy
//! `s3-bucket-public-access-block-weakened`).
//! Baseline: the declared baseline is all four flags on (`BlockPublicAcls`, `IgnorePublicAcls`,
//! `BlockPublicPolicy`, `RestrictPublicBuckets`); the event's own values are not kept, since
//! any flag off is what the policies forbid.
//! Calls: `GetPublicAccessBlock`; if a flag is off (or there is no configuration),
//! `PutPublicAccessBlock` with all four flags on; `GetPublicAccessBlock` to verify. A deleted
//! bucket is a no-op.
//! IAM: `s3:GetBucketPublicAccessBlock`, `s3:PutBucketPublicAccessBlock`.
//!
//! ```cedar
//! @remediation("s3-restore-bucket-public-access-block")
//! forbid (principal, action == Aws::Action::"s3:PutBucketPublicAccessBlock", resource is Aws::Bucket)
//! when { context has publicAccessBlock && !context.publicAccessBlock.allEnabled };
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct RestoreBucketPublicAccessBlock;

impl Remediation for RestoreBucketPublicAccessBlock {
    fn name(&self) -> &'static str {
        "s3-restore-bucket-public-access-block"
    }

    fn service(&self) -> &'static str {
        "s3"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "s3:GetBucketPublicAccessBlock",
            "s3:PutBucketPublicAccessBlock",
        ]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let bucket = target(self.name(), request, "Bucket")?;
        let summary = format!("turn on all four Block Public Access flags of bucket `{bucket}`");
        Ok(plan(self.name(), request, serde_json::json!({}), summary))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let bucket = plan.resource.as_str();
            calls.push("s3:GetPublicAccessBlock".into());
            match aws.s3_public_access_block(bucket).await? {
                None => return Ok(Status::Noop),
                Some(flags) if flags.all_enabled() => return Ok(Status::Noop),
                Some(_) => {}
            }
            calls.push("s3:PutPublicAccessBlock".into());
            aws.s3_block_all_public_access(bucket).await?;
            calls.push("s3:GetPublicAccessBlock".into());
            match aws.s3_public_access_block(bucket).await? {
                Some(flags) if !flags.all_enabled() => Err(unverified(
                    "s3:GetPublicAccessBlock",
                    format!("bucket `{bucket}` still has a flag off: {flags:?}"),
                )),
                _ => Ok(Status::Applied),
            }
        })
    }
}
