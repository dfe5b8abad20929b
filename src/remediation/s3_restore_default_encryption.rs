//! `s3-restore-default-encryption`: give a bucket default encryption again after someone
//! deleted its configuration.
//!
//! Why: without default encryption, objects written without encryption headers are stored as
//! the writer chose (AWS FSBP S3.4).
//! Trigger: `s3:DeleteBucketEncryption` (policy `s3-bucket-encryption-deleted`).
//! Baseline: the declared baseline is SSE-S3 (`AES256`). The deleted configuration (an SSE-KMS
//! key, a bucket key) is not in the event and so is not restored; a bucket that already has
//! any encryption configuration again is left as it is. On AWS, since January 2023, deleting
//! the configuration resets a bucket to SSE-S3, which this reads as compliant (a no-op).
//! Calls: `GetBucketEncryption`; only if the bucket has no configuration, `PutBucketEncryption`
//! with SSE-S3; `GetBucketEncryption` to verify. A deleted bucket is a no-op.
//! IAM: `s3:GetEncryptionConfiguration`, `s3:PutEncryptionConfiguration`.
//!
//! ```cedar
//! @remediation("s3-restore-default-encryption")
//! forbid (principal, action == Aws::Action::"s3:DeleteBucketEncryption", resource is Aws::Bucket);
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct RestoreDefaultEncryption;

impl Remediation for RestoreDefaultEncryption {
    fn name(&self) -> &'static str {
        "s3-restore-default-encryption"
    }

    fn service(&self) -> &'static str {
        "s3"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "s3:GetEncryptionConfiguration",
            "s3:PutEncryptionConfiguration",
        ]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let bucket = target(self.name(), request, "Bucket")?;
        let summary = format!("set SSE-S3 default encryption on bucket `{bucket}`");
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({"algorithm": "AES256"}),
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
            calls.push("s3:GetBucketEncryption".into());
            match aws.s3_has_default_encryption(bucket).await? {
                None | Some(true) => return Ok(Status::Noop),
                Some(false) => {}
            }
            calls.push("s3:PutBucketEncryption".into());
            aws.s3_put_default_encryption_sse_s3(bucket).await?;
            calls.push("s3:GetBucketEncryption".into());
            match aws.s3_has_default_encryption(bucket).await? {
                Some(false) => Err(unverified(
                    "s3:GetBucketEncryption",
                    format!("bucket `{bucket}` has no default encryption"),
                )),
                _ => Ok(Status::Applied),
            }
        })
    }
}
