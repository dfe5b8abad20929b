//! `ec2-enable-ebs-default-encryption`: turn EBS encryption by default back on in the region.
//!
//! Why: with it off, new volumes and snapshot copies are created unencrypted unless every
//! caller asks for encryption (CIS 2.2.1).
//! Trigger: `ec2:DisableEbsEncryptionByDefault` (policy `ec2-ebs-default-encryption-disabled`).
//! Calls: `GetEbsEncryptionByDefault`; `EnableEbsEncryptionByDefault` only if it is off;
//! `GetEbsEncryptionByDefault` to verify. The default KMS key is left as it is.
//! IAM: `ec2:GetEbsEncryptionByDefault`, `ec2:EnableEbsEncryptionByDefault`.
//!
//! ```cedar
//! @remediation("ec2-enable-ebs-default-encryption")
//! forbid (principal, action == Aws::Action::"ec2:DisableEbsEncryptionByDefault", resource);
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct EnableEbsDefaultEncryption;

impl Remediation for EnableEbsDefaultEncryption {
    fn name(&self) -> &'static str {
        "ec2-enable-ebs-default-encryption"
    }

    fn service(&self) -> &'static str {
        "ec2"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "ec2:GetEbsEncryptionByDefault",
            "ec2:EnableEbsEncryptionByDefault",
        ]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let region = target(self.name(), request, "EbsDefaults")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({}),
            format!("enable EBS encryption by default in `{region}`"),
        ))
    }

    fn apply<'a>(
        &'a self,
        _plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            calls.push("ec2:GetEbsEncryptionByDefault".into());
            if aws.ec2_ebs_encryption_by_default().await? {
                return Ok(Status::Noop);
            }
            calls.push("ec2:EnableEbsEncryptionByDefault".into());
            aws.ec2_enable_ebs_encryption_by_default().await?;
            calls.push("ec2:GetEbsEncryptionByDefault".into());
            if aws.ec2_ebs_encryption_by_default().await? {
                Ok(Status::Applied)
            } else {
                Err(unverified(
                    "ec2:GetEbsEncryptionByDefault",
                    "EBS encryption by default is still off",
                ))
            }
        })
    }
}
