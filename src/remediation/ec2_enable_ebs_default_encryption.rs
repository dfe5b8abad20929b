//! `ec2-enable-ebs-default-encryption`: turn EBS encryption by default back on in the region.
//!
//! Why: with it off, new volumes and snapshot copies are created unencrypted unless every
//! caller asks for encryption (CIS 2.2.1).
//! Trigger: `ec2:DisableEbsEncryptionByDefault` (policy `ec2-ebs-default-encryption-disabled`).
//! Calls: `GetEbsEncryptionByDefault`; `EnableEbsEncryptionByDefault` only if it is off;
//! `GetEbsEncryptionByDefault` to verify. The default KMS key is left as it is.
//!
//! ```cedar
//! @remediation("ec2-enable-ebs-default-encryption")
//! forbid (principal, action == Aws::Action::"ec2:DisableEbsEncryptionByDefault", resource);
//! ```

use super::prelude::*;

remediation! {
    EnableEbsDefaultEncryption {
        name: "ec2-enable-ebs-default-encryption",
        service: "ec2",
        iam: &["ec2:GetEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault"],
    }
    plan: |p| p.resource("EbsDefaults", |region| {
        format!("enable EBS encryption by default in `{region}`")
    }),
    revert: |_plan, aws| {
        let ec2 = aws.ec2();
        read: || setting(ec2.ebs_encryption_by_default()),
        still_wrong: |on| (!on).then(|| "EBS encryption by default is still off".into()),
        act: |_| ec2.encrypt_ebs_by_default(),
    },
}
