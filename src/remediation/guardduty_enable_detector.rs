//! `guardduty-enable-detector`: turn a suspended GuardDuty detector back on.
//!
//! Why: a suspended detector stops analysing CloudTrail, VPC flow and DNS logs, so no finding
//! is raised for what happens next; suspending it is a step in covering tracks.
//! Trigger: `guardduty:UpdateDetector` with `enable: false` (policy
//! `guardduty-detector-suspended`).
//! Calls: `GetDetector`; if it is not enabled, `UpdateDetector` (`Enable=true` only: the
//! finding frequency, data sources and features are left as they are); `GetDetector` to
//! verify. A deleted detector is a no-op (`guardduty-create-detector` is the revert of that).
//!
//! ```cedar
//! @remediation("guardduty-enable-detector")
//! forbid (principal, action == Aws::Action::"guardduty:UpdateDetector", resource is Aws::Detector)
//! when { context has detector && context.detector has enable && !context.detector.enable };
//! ```

use super::prelude::*;

remediation! {
    EnableDetector {
        name: "guardduty-enable-detector",
        service: "guardduty",
        iam: &["guardduty:GetDetector", "guardduty:UpdateDetector"],
    }
    plan: |p| p.resource("Detector", |detector| {
        format!("turn GuardDuty detector `{detector}` back on")
    }),
    revert: |plan, aws| {
        let (detector, guardduty) = (plan.resource.as_str(), aws.guardduty());
        read: || guardduty.detector_enabled(detector),
        still_wrong: |on| (!on).then(|| format!("detector `{detector}` is still suspended")),
        act: |_| guardduty.enable_detector(detector),
    },
}
