//! `guardduty-create-detector`: put a GuardDuty detector back in a region whose detector was
//! deleted.
//!
//! Why: without a detector GuardDuty watches nothing in the region; deleting it is a classic
//! way to go unseen. A deleted detector cannot be restored (its id, findings, filters, IP and
//! threat lists, member accounts and feature settings are gone with it), so the revert restores
//! the declared baseline instead: one enabled detector with GuardDuty's default settings.
//! Trigger: `guardduty:DeleteDetector` (policy `guardduty-detector-deleted`).
//! Calls: `ListDetectors`; if the region has no detector, `CreateDetector` with `Enable=true`
//! and nothing else; `GetDetector` on the new id to verify it is enabled. A region that already
//! has a detector (recreated by someone else, or a redelivery) is a no-op.
//! IAM: `guardduty:ListDetectors`, `guardduty:CreateDetector`, `guardduty:GetDetector`.
//!
//! ```cedar
//! @remediation("guardduty-create-detector")
//! forbid (principal, action == Aws::Action::"guardduty:DeleteDetector", resource is Aws::Detector);
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct CreateDetector;

impl Remediation for CreateDetector {
    fn name(&self) -> &'static str {
        "guardduty-create-detector"
    }

    fn service(&self) -> &'static str {
        "guardduty"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "guardduty:ListDetectors",
            "guardduty:CreateDetector",
            "guardduty:GetDetector",
        ]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let deleted = target(self.name(), request, "Detector")?;
        let region = request.resource.attr_str("region");
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({ "deletedDetectorId": deleted }),
            format!(
                "create an enabled GuardDuty detector with default settings in `{region}` (detector `{deleted}` was deleted)"
            ),
        ))
    }

    fn apply<'a>(
        &'a self,
        _plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            calls.push("guardduty:ListDetectors".into());
            if !aws.guardduty_list_detectors().await?.is_empty() {
                return Ok(Status::Noop);
            }
            calls.push("guardduty:CreateDetector".into());
            let id = aws.guardduty_create_detector().await?;
            calls.push("guardduty:GetDetector".into());
            match aws.guardduty_detector_enabled(&id).await? {
                Some(true) => Ok(Status::Applied),
                Some(false) => Err(unverified(
                    "guardduty:GetDetector",
                    format!("detector `{id}` is not enabled"),
                )),
                None => Err(unverified(
                    "guardduty:GetDetector",
                    format!("detector `{id}` does not exist"),
                )),
            }
        })
    }
}
