//! What the reverts that rewrite a resource policy share: the policy read as JSON, and what is
//! left of it written back, or the policy removed when no statement is left (S3 and SQS reject
//! a policy without statements).

use serde_json::Value as Json;

use super::PlanError;
use super::declare::Planning;
use crate::aws::{ApiError, ErrorKind, S3Ops};
use crate::model::json::{document, items};

/// The bucket policy a `PutBucketPolicy` event wrote, or a plan error when it cannot be read:
/// what both S3 policy reverts plan from.
pub(super) fn requested_bucket_policy(p: &Planning<'_>) -> Result<Json, PlanError> {
    p.event
        .request_parameters()
        .and_then(crate::model::s3::requested_bucket_policy)
        .ok_or_else(|| p.error("the event carries no readable bucket policy"))
}

/// A policy document as the read `call` returned it (JSON or URL-encoded JSON), or a rejected
/// error.
pub(super) fn parse(call: &str, text: &str) -> Result<Json, ApiError> {
    document(Some(&Json::String(text.to_owned()))).ok_or_else(|| {
        ApiError::new(
            call,
            ErrorKind::Rejected,
            "the policy read is not readable json",
        )
    })
}

/// Whether the policy has no statement left.
pub(super) fn is_empty(doc: &Json) -> bool {
    items(doc.get("Statement")).is_empty()
}

/// The bucket's policy, or None when it has none or the bucket is gone.
pub(super) async fn read_bucket_policy(
    s3: &dyn S3Ops,
    bucket: &str,
) -> Result<Option<Json>, ApiError> {
    let text = s3.bucket_policy(bucket).await?;
    text.map(|text| parse("s3:GetBucketPolicy", &text))
        .transpose()
}

/// Write `doc` as the bucket's policy, or delete the policy when `doc` has no statement.
pub(super) async fn write_bucket_policy(
    s3: &dyn S3Ops,
    bucket: &str,
    doc: &Json,
) -> Result<(), ApiError> {
    if is_empty(doc) {
        return s3.remove_bucket_policy(bucket).await;
    }
    s3.set_bucket_policy(bucket, &doc.to_string()).await
}
