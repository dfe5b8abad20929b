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

use super::prelude::*;

pub struct EnableEbsDefaultEncryption;

impl Remediation for EnableEbsDefaultEncryption {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "ec2-enable-ebs-default-encryption",
            service: "ec2",
            iam_actions: &[
                "ec2:GetEbsEncryptionByDefault",
                "ec2:EnableEbsEncryptionByDefault",
            ],
        }
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        plan_target(self.name(), request, "EbsDefaults", |region| {
            format!("enable EBS encryption by default in `{region}`")
        })
    }

    fn apply<'a>(&'a self, _plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let ec2 = aws.ec2();
        revert(
            aws,
            move || setting(ec2.ebs_encryption_by_default()),
            move |on| (!on).then(|| "EBS encryption by default is still off".into()),
            move |_| ec2.encrypt_ebs_by_default(),
        )
    }
}
