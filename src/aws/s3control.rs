//! S3 Control calls the remediations make: the account-level Block Public Access. (For local
//! endpoints, `Aws::from_config` strips the account id S3 Control puts in front of the host.)

use aws_sdk_s3control::types::PublicAccessBlockConfiguration;

use super::s3::PublicAccessBlock;
use super::{ApiError, Aws, classify};

impl Aws {
    /// The account's Block Public Access flags; all off when it has no configuration.
    pub async fn s3control_public_access_block(
        &self,
        account: &str,
    ) -> Result<PublicAccessBlock, ApiError> {
        const CALL: &str = "s3control:GetPublicAccessBlock";
        match self
            .s3control
            .get_public_access_block()
            .account_id(account)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .public_access_block_configuration()
                .map(flags)
                .unwrap_or_default()),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(PublicAccessBlock::default()),
                err => Err(err),
            },
        }
    }

    /// Turn all four Block Public Access flags on for the account.
    pub async fn s3control_block_all_public_access(&self, account: &str) -> Result<(), ApiError> {
        let all = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        self.s3control
            .put_public_access_block()
            .account_id(account)
            .public_access_block_configuration(all)
            .send()
            .await
            .map_err(|e| classify("s3control:PutPublicAccessBlock", &e))?;
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
