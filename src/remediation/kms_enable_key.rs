//! `kms-enable-key`: enable a KMS key someone disabled.
//!
//! Why: a disabled key fails every encrypt and decrypt, so whatever depends on it (volumes,
//! buckets, secrets) stops working; disabling a key is also a cheap way to hold data hostage.
//! Trigger: `kms:DisableKey` (policy `kms-key-disabled`).
//! Calls: `DescribeKey`; if the key is disabled, `EnableKey`; `DescribeKey` to verify. A key
//! that is gone, already enabled, or in another state is a no-op; a key pending deletion is
//! left to `kms-cancel-key-deletion`, which cancels and enables it.
//! IAM: `kms:DescribeKey`, `kms:EnableKey`.
//!
//! ```cedar
//! @remediation("kms-enable-key")
//! forbid (principal, action == Aws::Action::"kms:DisableKey", resource is Aws::KmsKey);
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws, KmsKeyState};
use crate::event::Event;
use crate::model::Request;

pub struct EnableKey;

impl Remediation for EnableKey {
    fn name(&self) -> &'static str {
        "kms-enable-key"
    }

    fn service(&self) -> &'static str {
        "kms"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["kms:DescribeKey", "kms:EnableKey"]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let key = target(self.name(), request, "KmsKey")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({}),
            format!("enable KMS key `{key}`"),
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
            let key = match aws.kms_describe_key(&plan.resource).await? {
                Some(key) if key.state == KmsKeyState::Disabled => key,
                _ => return Ok(Status::Noop),
            };
            calls.push("kms:EnableKey".into());
            aws.kms_enable_key(&key.id).await?;
            calls.push("kms:DescribeKey".into());
            match aws.kms_describe_key(&key.id).await? {
                Some(k) if k.state == KmsKeyState::Disabled => {
                    Err(unverified("kms:DescribeKey", "the key is still disabled"))
                }
                _ => Ok(Status::Applied),
            }
        })
    }
}
