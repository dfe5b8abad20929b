//! S3 calls the remediations make: a bucket's Block Public Access, ACL, policy and default
//! encryption. A bucket that is gone reads as `None`; a configuration that is merely absent
//! (no Block Public Access, no encryption) reads as its empty value, since that is the
//! non-compliant state the remediations restore.

use aws_sdk_s3::types::{
    AccessControlPolicy, Grant, Owner, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};

use super::{ApiError, Aws, ErrorKind, classify};

/// The four Block Public Access flags (of a bucket or an account); an absent configuration or
/// flag is off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four flags on: the baseline the remediations restore.
    pub const ALL: Self = Self {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    pub fn all_enabled(&self) -> bool {
        *self == Self::ALL
    }
}

/// A bucket's ACL as read, kept whole so that it can be written back less some grantees.
#[derive(Debug, Clone)]
pub struct BucketAcl {
    owner: Option<Owner>,
    grants: Vec<Grant>,
}

impl BucketAcl {
    /// Whether some grant goes to the group with this URI.
    pub fn grants_to(&self, uri: &str) -> bool {
        self.grants.iter().any(|g| grantee_uri(g) == Some(uri))
    }
}

fn grantee_uri(grant: &Grant) -> Option<&str> {
    grant.grantee().and_then(|g| g.uri())
}

/// Sorts a failed read of a bucket configuration: `Ok(None)` when the bucket is gone,
/// `Ok(Some(()))` when only the configuration is absent (any other not-found code, such as
/// `NoSuchPublicAccessBlockConfiguration`), the error otherwise.
fn absent(err: ApiError) -> Result<Option<()>, ApiError> {
    match err.code.as_deref() {
        Some("NoSuchBucket") => Ok(None),
        _ if err.is_not_found() => Ok(Some(())),
        _ => Err(err),
    }
}

impl Aws {
    /// The bucket's Block Public Access flags (all off when it has no configuration), or None
    /// when the bucket does not exist.
    pub async fn s3_public_access_block(
        &self,
        bucket: &str,
    ) -> Result<Option<PublicAccessBlock>, ApiError> {
        const CALL: &str = "s3:GetPublicAccessBlock";
        match self
            .s3
            .get_public_access_block()
            .bucket(bucket)
            .send()
            .await
        {
            Ok(out) => Ok(Some(
                out.public_access_block_configuration()
                    .map(flags)
                    .unwrap_or_default(),
            )),
            Err(e) => Ok(absent(classify(CALL, &e))?.map(|()| PublicAccessBlock::default())),
        }
    }

    /// Turn all four Block Public Access flags on for the bucket.
    pub async fn s3_block_all_public_access(&self, bucket: &str) -> Result<(), ApiError> {
        let all = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        self.s3
            .put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(all)
            .send()
            .await
            .map_err(|e| classify("s3:PutPublicAccessBlock", &e))?;
        Ok(())
    }

    /// The bucket's ACL, or None when the bucket does not exist.
    pub async fn s3_bucket_acl(&self, bucket: &str) -> Result<Option<BucketAcl>, ApiError> {
        const CALL: &str = "s3:GetBucketAcl";
        match self.s3.get_bucket_acl().bucket(bucket).send().await {
            Ok(out) => Ok(Some(BucketAcl {
                owner: out.owner().cloned(),
                grants: out.grants().to_vec(),
            })),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }

    /// Write `acl` back without the grants to the groups in `uris`, keeping its owner and every
    /// other grant.
    pub async fn s3_put_acl_without(
        &self,
        bucket: &str,
        acl: &BucketAcl,
        uris: &[String],
    ) -> Result<(), ApiError> {
        let kept: Vec<Grant> = acl
            .grants
            .iter()
            .filter(|g| !grantee_uri(g).is_some_and(|u| uris.iter().any(|r| r == u)))
            .cloned()
            .collect();
        let policy = AccessControlPolicy::builder()
            .set_owner(acl.owner.clone())
            .set_grants(Some(kept))
            .build();
        self.s3
            .put_bucket_acl()
            .bucket(bucket)
            .access_control_policy(policy)
            .send()
            .await
            .map_err(|e| classify("s3:PutBucketAcl", &e))?;
        Ok(())
    }

    /// The bucket policy as JSON text, or None when the bucket has none or does not exist.
    pub async fn s3_bucket_policy(&self, bucket: &str) -> Result<Option<String>, ApiError> {
        const CALL: &str = "s3:GetBucketPolicy";
        match self.s3.get_bucket_policy().bucket(bucket).send().await {
            Ok(out) => Ok(out.policy().map(str::to_owned)),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }

    pub async fn s3_put_bucket_policy(&self, bucket: &str, policy: &str) -> Result<(), ApiError> {
        self.s3
            .put_bucket_policy()
            .bucket(bucket)
            .policy(policy)
            .send()
            .await
            .map_err(|e| classify("s3:PutBucketPolicy", &e))?;
        Ok(())
    }

    pub async fn s3_delete_bucket_policy(&self, bucket: &str) -> Result<(), ApiError> {
        self.s3
            .delete_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| classify("s3:DeleteBucketPolicy", &e))?;
        Ok(())
    }

    /// Whether the bucket has a default encryption configuration, or None when the bucket
    /// does not exist.
    pub async fn s3_has_default_encryption(&self, bucket: &str) -> Result<Option<bool>, ApiError> {
        const CALL: &str = "s3:GetBucketEncryption";
        match self.s3.get_bucket_encryption().bucket(bucket).send().await {
            Ok(out) => Ok(Some(
                out.server_side_encryption_configuration()
                    .is_some_and(|c| !c.rules().is_empty()),
            )),
            Err(e) => Ok(absent(classify(CALL, &e))?.map(|()| false)),
        }
    }

    /// Set SSE-S3 (AES256) default encryption on the bucket.
    pub async fn s3_put_default_encryption_sse_s3(&self, bucket: &str) -> Result<(), ApiError> {
        const CALL: &str = "s3:PutBucketEncryption";
        let rejected = |e: aws_smithy_types::error::operation::BuildError| {
            ApiError::new(CALL, ErrorKind::Rejected, e.to_string())
        };
        let default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::Aes256)
            .build()
            .map_err(rejected)?;
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(default)
            .build();
        let config = ServerSideEncryptionConfiguration::builder()
            .rules(rule)
            .build()
            .map_err(rejected)?;
        self.s3
            .put_bucket_encryption()
            .bucket(bucket)
            .server_side_encryption_configuration(config)
            .send()
            .await
            .map_err(|e| classify(CALL, &e))?;
        Ok(())
    }
}

fn flags(c: &PublicAccessBlockConfiguration) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: c.block_public_acls().unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
        block_public_policy: c.block_public_policy().unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
    }
}
