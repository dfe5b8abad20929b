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

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct EnableMultiRegion;

impl Remediation for EnableMultiRegion {
    fn name(&self) -> &'static str {
        "cloudtrail-enable-multi-region"
    }

    fn service(&self) -> &'static str {
        "cloudtrail"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["cloudtrail:GetTrail", "cloudtrail:UpdateTrail"]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let trail = target(self.name(), request, "Trail")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({}),
            format!("make trail `{trail}` log every region"),
        ))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let name = plan.resource.as_str();
            calls.push("cloudtrail:GetTrail".into());
            match aws.cloudtrail_get_trail(name).await? {
                None => return Ok(Status::Noop),
                Some(t) if t.multi_region => return Ok(Status::Noop),
                Some(_) => {}
            }
            calls.push("cloudtrail:UpdateTrail".into());
            aws.cloudtrail_update_trail(name, None, Some(true)).await?;
            calls.push("cloudtrail:GetTrail".into());
            match aws.cloudtrail_get_trail(name).await? {
                Some(t) if !t.multi_region => Err(unverified(
                    "cloudtrail:GetTrail",
                    "the trail is still single-region",
                )),
                _ => Ok(Status::Applied),
            }
        })
    }
}
