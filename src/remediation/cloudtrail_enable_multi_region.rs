//! `cloudtrail-enable-multi-region`: make the trail log every region again.
//!
//! Why: a single-region trail misses activity in every other region (CIS 3.1).
//! Trigger: `cloudtrail:UpdateTrail` with `isMultiRegionTrail: false`
//! (policy `cloudtrail-multi-region-disabled`).
//! Calls: `GetTrail`; `UpdateTrail` with only `IsMultiRegionTrail=true` if it is off; `GetTrail`.
//! Other trail settings are left as they are. A deleted trail is a no-op.
//!
//! ```cedar
//! @remediation("cloudtrail-enable-multi-region")
//! forbid (principal, action == Aws::Action::"cloudtrail:UpdateTrail", resource is Aws::Trail)
//! when { context has trail && context.trail has isMultiRegionTrail && !context.trail.isMultiRegionTrail };
//! ```

use super::prelude::*;

remediation! {
    EnableMultiRegion {
        name: "cloudtrail-enable-multi-region",
        service: "cloudtrail",
        iam: &["cloudtrail:GetTrail", "cloudtrail:UpdateTrail"],
    }
    plan: |p| p.resource("Trail", |trail| format!("make trail `{trail}` log every region")),
    revert: |plan, aws| {
        let (name, ct) = (plan.resource.as_str(), aws.cloudtrail());
        read: || ct.trail(name),
        still_wrong: |t| (!t.multi_region).then(|| "the trail is still single-region".into()),
        act: |_| ct.set_trail_flags(name, None, Some(true)),
    },
}
