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
//!
//! ```cedar
//! @remediation("s3-restore-bucket-public-access-block")
//! forbid (principal, action == Aws::Action::"s3:PutBucketPublicAccessBlock", resource is Aws::Bucket)
//! when { context has publicAccessBlock && !context.publicAccessBlock.allEnabled };
//! ```

use super::prelude::*;

remediation! {
    RestoreBucketPublicAccessBlock {
        name: "s3-restore-bucket-public-access-block",
        service: "s3",
        iam: &["s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"],
    }
    plan: |p| p.resource("Bucket", |bucket| {
        format!("turn on all four Block Public Access flags of bucket `{bucket}`")
    }),
    revert: |plan, aws| {
        let (bucket, s3) = (plan.resource.as_str(), aws.s3());
        read: || s3.public_access_block(bucket),
        still_wrong: |flags| {
            (!flags.all_enabled())
                .then(|| format!("bucket `{bucket}` still has a flag off: {flags:?}"))
        },
        act: |_| s3.block_public_access(bucket),
    },
}
