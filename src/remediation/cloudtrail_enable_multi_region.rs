//! `cloudtrail-enable-multi-region`: make the trail log every region again.
//!
//! Why: a single-region trail misses activity in every other region (CIS 3.1).
//! Trigger: `cloudtrail:UpdateTrail` with `isMultiRegionTrail: false`
//! (policy `cloudtrail-multi-region-disabled`).
//! Calls: `GetTrail`; `UpdateTrail` with only `IsMultiRegionTrail=true` if it is off; `GetTrail`.
//! Other trail settings are left as they are. A deleted trail is a no-op.
//! IAM: `cloudtrail:GetTrail`, `cloudtrail:UpdateTrail`.
//!
//! ```cedar
//! @remediation("cloudtrail-enable-multi-region")
//! forbid (principal, action == Aws::Action::"cloudtrail:UpdateTrail", resource is Aws::Trail)
//! when { context has trail && context.trail has isMultiRegionTrail && !context.trail.isMultiRegionTrail };
//! ```

use super::prelude::*;

pub struct EnableMultiRegion;

impl Remediation for EnableMultiRegion {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "cloudtrail-enable-multi-region",
            service: "cloudtrail",
            iam_actions: &["cloudtrail:GetTrail", "cloudtrail:UpdateTrail"],
        }
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        plan_target(self.name(), request, "Trail", |trail| {
            format!("make trail `{trail}` log every region")
        })
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let (name, ct) = (plan.resource.as_str(), aws.cloudtrail());
        revert(
            aws,
            move || ct.trail(name),
            move |t| (!t.multi_region).then(|| "the trail is still single-region".into()),
            move |_| ct.set_trail_flags(name, None, Some(true)),
        )
    }
}
