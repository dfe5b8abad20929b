//! S3 Control calls the remediations make: the account-level Block Public Access. (For local
//! endpoints, `Aws::from_config` strips the account id S3 Control puts in front of the host.)

use aws_sdk_s3control::types::PublicAccessBlockConfiguration;

use super::capability;
use super::error::{none_if_gone, sent};
use super::s3::{PublicAccessBlock, public_access_block};

capability! {
    /// The S3 Control calls of the account Block Public Access remediation.
    pub trait S3ControlOps(s3control) for aws_sdk_s3control::Client {
        /// The account's Block Public Access flags; all off when it has no configuration.
        fn account_public_access_block<'a>(&'a self, account: &'a str) -> PublicAccessBlock
            = "s3control:GetPublicAccessBlock", |call| {
            let read = self.get_public_access_block().account_id(account).send().await;
            let out = none_if_gone(sent(call, read), &[])?;
            let c = out.as_ref().and_then(|o| o.public_access_block_configuration());
            Ok(c.map_or_else(PublicAccessBlock::default, |c| public_access_block!(read c)))
        }

        /// Turn all four Block Public Access flags on for the account.
        fn block_account_public_access<'a>(&'a self, account: &'a str) -> ()
            = "s3control:PutPublicAccessBlock", |call| {
            let all = public_access_block!(all PublicAccessBlockConfiguration);
            let put = self.put_public_access_block().account_id(account).public_access_block_configuration(all);
            sent(call, put.send().await).map(drop)
        }
    }
}
