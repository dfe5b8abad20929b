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
//!
//! ```cedar
//! @remediation("s3-restore-default-encryption")
//! forbid (principal, action == Aws::Action::"s3:DeleteBucketEncryption", resource is Aws::Bucket);
//! ```

use super::prelude::*;

remediation! {
    RestoreDefaultEncryption {
        name: "s3-restore-default-encryption",
        service: "s3",
        iam: &["s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"],
    }
    plan: |p| {
        let summary = format!("set SSE-S3 default encryption on bucket `{}`", p.target("Bucket")?);
        Ok(p.plan(serde_json::json!({"algorithm": "AES256"}), summary))
    },
    revert: |plan, aws| {
        let (bucket, s3) = (plan.resource.as_str(), aws.s3());
        read: || s3.has_default_encryption(bucket),
        still_wrong: |on| (!on).then(|| format!("bucket `{bucket}` has no default encryption")),
        act: |_| s3.encrypt_by_default(bucket),
    },
}
