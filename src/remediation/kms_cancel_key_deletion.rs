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
//! IAM: `kms:DescribeKey`, `kms:CancelKeyDeletion`, `kms:EnableKey`.
//!
//! ```cedar
//! @remediation("kms-cancel-key-deletion")
//! forbid (principal, action == Aws::Action::"kms:ScheduleKeyDeletion", resource is Aws::KmsKey);
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws, KmsKeyState};
use crate::event::Event;
use crate::model::Request;

pub struct CancelKeyDeletion;

impl Remediation for CancelKeyDeletion {
    fn name(&self) -> &'static str {
        "kms-cancel-key-deletion"
    }

    fn service(&self) -> &'static str {
        "kms"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["kms:DescribeKey", "kms:CancelKeyDeletion", "kms:EnableKey"]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let key = target(self.name(), request, "KmsKey")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({}),
            format!("cancel the deletion of KMS key `{key}` and enable it"),
        ))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            calls.push("kms:DescribeKey".into());
            let Some(key) = aws.kms_describe_key(&plan.resource).await? else {
                return Ok(Status::Noop);
            };
            match key.state {
                KmsKeyState::PendingDeletion => {
                    calls.push("kms:CancelKeyDeletion".into());
                    aws.kms_cancel_key_deletion(&key.id).await?;
                }
                KmsKeyState::Disabled => {}
                KmsKeyState::Enabled | KmsKeyState::Other(_) => return Ok(Status::Noop),
            }
            calls.push("kms:EnableKey".into());
            aws.kms_enable_key(&key.id).await?;
            calls.push("kms:DescribeKey".into());
            match aws.kms_describe_key(&key.id).await? {
                Some(k) if k.state != KmsKeyState::Enabled => Err(unverified(
                    "kms:DescribeKey",
                    format!("the key is {:?}, not enabled", k.state),
                )),
                _ => Ok(Status::Applied),
            }
        })
    }
}
