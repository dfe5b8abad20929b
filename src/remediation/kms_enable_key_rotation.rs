//! `kms-enable-key-rotation`: turn automatic key rotation back on for a KMS key.
//!
//! Why: rotation limits how much data one key version protects and how long a leaked version
//! is useful; CIS asks for it on customer-managed symmetric keys (3.6).
//! Trigger: `kms:DisableKeyRotation` (policy `kms-key-rotation-disabled`).
//! Calls: `GetKeyRotationStatus`; if rotation is off, `EnableKeyRotation` (with the service's
//! default period, 365 days: the event does not carry the period that was set before);
//! `GetKeyRotationStatus` to verify. A key that is gone is a no-op. A key that is disabled or
//! pending deletion cannot have rotation enabled: KMS rejects the call and the revert fails.
//!
//! ```cedar
//! @remediation("kms-enable-key-rotation")
//! forbid (principal, action == Aws::Action::"kms:DisableKeyRotation", resource is Aws::KmsKey);
//! ```

use super::prelude::*;

remediation! {
    EnableKeyRotation {
        name: "kms-enable-key-rotation",
        service: "kms",
        iam: &["kms:GetKeyRotationStatus", "kms:EnableKeyRotation"],
    }
    plan: |p| p.resource("KmsKey", |key| format!("enable automatic rotation of KMS key `{key}`")),
    revert: |plan, aws| {
        let (key, kms) = (plan.resource.as_str(), aws.kms());
        read: || kms.rotation_enabled(key),
        still_wrong: |on| (!on).then(|| "rotation is still off".into()),
        act: |_| kms.enable_rotation(key),
    },
}
