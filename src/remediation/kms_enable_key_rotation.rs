//! `kms-enable-key-rotation`: turn automatic key rotation back on for a KMS key.
//!
//! Why: rotation limits how much data one key version protects and how long a leaked version
//! is useful; CIS asks for it on customer-managed symmetric keys (3.6).
//! Trigger: `kms:DisableKeyRotation` (policy `kms-key-rotation-disabled`).
//! Calls: `GetKeyRotationStatus`; if rotation is off, `EnableKeyRotation` (with the service's
//! default period, 365 days: the event does not carry the period that was set before);
//! `GetKeyRotationStatus` to verify. A key that is gone is a no-op. A key that is disabled or
//! pending deletion cannot have rotation enabled: KMS rejects the call and the revert fails.
//! IAM: `kms:GetKeyRotationStatus`, `kms:EnableKeyRotation`.
//!
//! ```cedar
//! @remediation("kms-enable-key-rotation")
//! forbid (principal, action == Aws::Action::"kms:DisableKeyRotation", resource is Aws::KmsKey);
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct EnableKeyRotation;

impl Remediation for EnableKeyRotation {
    fn name(&self) -> &'static str {
        "kms-enable-key-rotation"
    }

    fn service(&self) -> &'static str {
        "kms"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["kms:GetKeyRotationStatus", "kms:EnableKeyRotation"]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let key = target(self.name(), request, "KmsKey")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({}),
            format!("enable automatic rotation of KMS key `{key}`"),
        ))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let key = plan.resource.as_str();
            calls.push("kms:GetKeyRotationStatus".into());
            match aws.kms_rotation_enabled(key).await? {
                None | Some(true) => return Ok(Status::Noop),
                Some(false) => {}
            }
            calls.push("kms:EnableKeyRotation".into());
            aws.kms_enable_key_rotation(key).await?;
            calls.push("kms:GetKeyRotationStatus".into());
            match aws.kms_rotation_enabled(key).await? {
                Some(false) => Err(unverified(
                    "kms:GetKeyRotationStatus",
                    "rotation is still off",
                )),
                _ => Ok(Status::Applied),
            }
        })
    }
}
