//! `kms-cancel-key-deletion`: cancel the scheduled deletion of a KMS key and enable it again.
//!
//! Why: once the waiting period ends, everything encrypted under the key is lost for good;
//! while the key waits for deletion it cannot be used, so whatever uses it already fails.
//! Trigger: `kms:ScheduleKeyDeletion` (policy `kms-key-deletion-scheduled`).
//! Calls: `DescribeKey`; if the key is pending deletion, `CancelKeyDeletion` then `EnableKey`;
//! `DescribeKey` to verify that the key is enabled. A key that is gone, already enabled, or in
//! another state (pending import, unavailable) is a no-op.
//!
//! Decision: cancelling leaves the key `Disabled` (AWS and moto both do), and this revert
//! enables it. The key was in use when someone scheduled its deletion, and a disabled key
//! breaks its users just as a deleted one would, only reversibly; reverting the deletion means
//! giving them the key back. A key found `Disabled` is enabled too, so that a retry after a
//! cancel whose enable was lost finishes the job. Teams that keep keys disabled on purpose
//! grant an exception to `kms-key-deletion-scheduled` for those keys, or run it in audit mode.
//!
//! ```cedar
//! @remediation("kms-cancel-key-deletion")
//! forbid (principal, action == Aws::Action::"kms:ScheduleKeyDeletion", resource is Aws::KmsKey);
//! ```

use super::prelude::*;
use crate::aws::KmsKeyState;

remediation! {
    CancelKeyDeletion {
        name: "kms-cancel-key-deletion",
        service: "kms",
        iam: &["kms:DescribeKey", "kms:CancelKeyDeletion", "kms:EnableKey"],
    }
    plan: |p| p.resource("KmsKey", |key| {
        format!("cancel the deletion of KMS key `{key}` and enable it")
    }),
    revert: |plan, aws| {
        let kms = aws.kms();
        read: || kms.key(&plan.resource),
        still_wrong: |key| match key.state {
            KmsKeyState::PendingDeletion | KmsKeyState::Disabled => {
                Some(format!("the key is {:?}, not enabled", key.state))
            }
            KmsKeyState::Enabled | KmsKeyState::Other(_) => None,
        },
        act: |key| async move {
            if key.state == KmsKeyState::PendingDeletion {
                kms.cancel_deletion(&key.id).await?;
            }
            kms.enable(&key.id).await
        },
    },
}
