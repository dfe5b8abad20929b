//! `kms-enable-key`: enable a KMS key someone disabled.
//!
//! Why: a disabled key fails every encrypt and decrypt, so whatever depends on it (volumes,
//! buckets, secrets) stops working; disabling a key is also a cheap way to hold data hostage.
//! Trigger: `kms:DisableKey` (policy `kms-key-disabled`).
//! Calls: `DescribeKey`; if the key is disabled, `EnableKey`; `DescribeKey` to verify. A key
//! that is gone, already enabled, or in another state is a no-op; a key pending deletion is
//! left to `kms-cancel-key-deletion`, which cancels and enables it.
//!
//! ```cedar
//! @remediation("kms-enable-key")
//! forbid (principal, action == Aws::Action::"kms:DisableKey", resource is Aws::KmsKey);
//! ```

use super::prelude::*;
use crate::aws::KmsKeyState;

remediation! {
    EnableKey {
        name: "kms-enable-key",
        service: "kms",
        iam: &["kms:DescribeKey", "kms:EnableKey"],
    }
    plan: |p| p.resource("KmsKey", |key| format!("enable KMS key `{key}`")),
    revert: |plan, aws| {
        let kms = aws.kms();
        read: || kms.key(&plan.resource),
        still_wrong: |key| {
            (key.state == KmsKeyState::Disabled).then(|| "the key is still disabled".into())
        },
        act: |key| async move { kms.enable(&key.id).await },
    },
}
