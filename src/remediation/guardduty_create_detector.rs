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
//!
//! ```cedar
//! @remediation("guardduty-create-detector")
//! forbid (principal, action == Aws::Action::"guardduty:DeleteDetector", resource is Aws::Detector);
//! ```

use super::prelude::*;
use super::{Status, unverified};

remediation! {
    CreateDetector {
        name: "guardduty-create-detector",
        service: "guardduty",
        iam: &["guardduty:ListDetectors", "guardduty:CreateDetector", "guardduty:GetDetector"],
    }
    plan: |p| {
        let deleted = p.target("Detector")?;
        let region = p.request.resource.attr_str("region");
        Ok(p.plan(
            serde_json::json!({ "deletedDetectorId": deleted }),
            format!(
                "create an enabled GuardDuty detector with default settings in `{region}` (detector `{deleted}` was deleted)"
            ),
        ))
    },
    apply: |_plan, aws| {
        let guardduty = aws.guardduty();
        Box::pin(async move {
            if !guardduty.detectors().await?.is_empty() {
                return Ok(Status::Noop);
            }
            let id = guardduty.create_enabled_detector().await?;
            let wrong = match guardduty.detector_enabled(&id).await? {
                Some(true) => return Ok(Status::Applied),
                Some(false) => "is not enabled",
                None => "does not exist",
            };
            let call = aws.last_call().unwrap_or_default();
            Err(unverified(&call, format!("detector `{id}` {wrong}")))
        })
    },
}
