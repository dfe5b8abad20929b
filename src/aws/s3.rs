//! S3 calls the remediations make: a bucket's Block Public Access, ACL, policy and default
//! encryption. A bucket that is gone reads as `None`; a configuration that is merely absent
//! (no Block Public Access, no encryption) reads as its empty value, since that is the
//! non-compliant state the remediations restore.

use aws_sdk_s3::types::{
    AccessControlPolicy, Grant, Owner, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};

use aws_sdk_s3::operation::get_bucket_encryption::GetBucketEncryptionOutput;
use aws_sdk_s3::operation::get_public_access_block::GetPublicAccessBlockOutput;

use super::error::{found, sent};
use super::{ApiError, ErrorKind, capability};

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

impl PublicAccessBlock {
    /// The flags of a configuration, from S3 or S3 Control (the same four flags).
    pub(super) fn from_flags(flags: [Option<bool>; 4]) -> Self {
        let [
            block_public_acls,
            ignore_public_acls,
            block_public_policy,
            restrict_public_buckets,
        ] = flags.map(|f| f.unwrap_or(false));
        Self {
            block_public_acls,
            ignore_public_acls,
            block_public_policy,
            restrict_public_buckets,
        }
    }
}

fn grantee_uri(grant: &Grant) -> Option<&str> {
    grant.grantee().and_then(|g| g.uri())
}

/// Sorts the read of a bucket configuration: `Ok(None)` when the bucket is gone, `missing` when
/// only the configuration is absent (any other not-found code, such as
/// `NoSuchPublicAccessBlockConfiguration`), the error otherwise.
fn absent<T, U>(
    read: Result<T, ApiError>,
    present: impl FnOnce(T) -> U,
    missing: U,
) -> Result<Option<U>, ApiError> {
    match read {
        Ok(out) => Ok(Some(present(out))),
        Err(err) if err.code.as_deref() == Some("NoSuchBucket") => Ok(None),
        Err(err) if err.is_not_found() => Ok(Some(missing)),
        Err(err) => Err(err),
    }
}

/// S3 and S3 Control each have a `PublicAccessBlockConfiguration`: distinct types with the
/// same four flags. `read` turns either into a [`PublicAccessBlock`]; `all` builds either with
/// every flag on.
macro_rules! public_access_block {
    (read $config:expr) => {{
        let c = $config;
        $crate::aws::PublicAccessBlock::from_flags([
            c.block_public_acls(),
            c.ignore_public_acls(),
            c.block_public_policy(),
            c.restrict_public_buckets(),
        ])
    }};
    (all $config:ty) => {
        <$config>::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build()
    };
}

pub(super) use public_access_block;

fn flags(c: &PublicAccessBlockConfiguration) -> PublicAccessBlock {
    public_access_block!(read c)
}

capability! {
    /// The S3 calls of the bucket remediations.
    pub trait S3Ops(s3) for aws_sdk_s3::Client {
        /// The bucket's Block Public Access flags (all off when it has no configuration), or
        /// None when the bucket does not exist.
        fn public_access_block<'a>(&'a self, bucket: &'a str) -> Option<PublicAccessBlock>
            = "s3:GetPublicAccessBlock", |call| {
            let read = sent(call, self.get_public_access_block().bucket(bucket).send().await);
            let config = |out: GetPublicAccessBlockOutput| out.public_access_block_configuration().map(flags);
            absent(read, |out| config(out).unwrap_or_default(), PublicAccessBlock::default())
        }

        /// Turn all four Block Public Access flags on for the bucket.
        fn block_public_access<'a>(&'a self, bucket: &'a str) -> () = "s3:PutPublicAccessBlock", |call| {
            let all = public_access_block!(all PublicAccessBlockConfiguration);
            let put = self.put_public_access_block().bucket(bucket).public_access_block_configuration(all);
            sent(call, put.send().await).map(drop)
        }

        /// The bucket's ACL, or None when the bucket does not exist.
        fn bucket_acl<'a>(&'a self, bucket: &'a str) -> Option<BucketAcl> = "s3:GetBucketAcl", |call| {
            let out = found(call, self.get_bucket_acl().bucket(bucket).send().await, &[])?;
            Ok(out.map(|o| BucketAcl {
                owner: o.owner().cloned(),
                grants: o.grants().to_vec(),
            }))
        }

        /// Write `acl` back without the grants to the groups in `uris`, keeping its owner and
        /// every other grant.
        fn put_acl_without<'a>(&'a self, bucket: &'a str, acl: &'a BucketAcl, uris: &'a [String])
            -> () = "s3:PutBucketAcl", |call| {
            let kept = acl
                .grants
                .iter()
                .filter(|g| !grantee_uri(g).is_some_and(|u| uris.iter().any(|r| r == u)));
            let policy = AccessControlPolicy::builder()
                .set_owner(acl.owner.clone())
                .set_grants(Some(kept.cloned().collect()))
                .build();
            let put = self.put_bucket_acl().bucket(bucket).access_control_policy(policy);
            sent(call, put.send().await).map(drop)
        }

        /// The bucket policy as JSON text, or None when the bucket has none or does not exist.
        fn bucket_policy<'a>(&'a self, bucket: &'a str) -> Option<String> = "s3:GetBucketPolicy", |call| {
            let out = found(call, self.get_bucket_policy().bucket(bucket).send().await, &[])?;
            Ok(out.and_then(|o| o.policy))
        }

        /// Replace the bucket policy.
        fn set_bucket_policy<'a>(&'a self, bucket: &'a str, policy: &'a str) -> () = "s3:PutBucketPolicy", |call| {
            sent(call, self.put_bucket_policy().bucket(bucket).policy(policy).send().await).map(drop)
        }

        /// Delete the bucket policy.
        fn remove_bucket_policy<'a>(&'a self, bucket: &'a str) -> () = "s3:DeleteBucketPolicy", |call| {
            sent(call, self.delete_bucket_policy().bucket(bucket).send().await).map(drop)
        }

        /// Whether the bucket has a default encryption configuration, or None when the bucket
        /// does not exist.
        fn has_default_encryption<'a>(&'a self, bucket: &'a str) -> Option<bool>
            = "s3:GetBucketEncryption", |call| {
            let read = sent(call, self.get_bucket_encryption().bucket(bucket).send().await);
            let rules = |out: GetBucketEncryptionOutput| {
                out.server_side_encryption_configuration().is_some_and(|c| !c.rules().is_empty())
            };
            absent(read, rules, false)
        }

        /// Set SSE-S3 (AES256) default encryption on the bucket.
        fn encrypt_by_default<'a>(&'a self, bucket: &'a str) -> () = "s3:PutBucketEncryption", |call| {
            let rejected = |e: aws_smithy_types::error::operation::BuildError| {
                ApiError::new(call, ErrorKind::Rejected, e.to_string())
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
            let put = self.put_bucket_encryption().bucket(bucket).server_side_encryption_configuration(config);
            sent(call, put.send().await).map(drop)
        }
    }
}
