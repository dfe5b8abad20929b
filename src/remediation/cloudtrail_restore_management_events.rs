//! `cloudtrail-restore-management-events`: make a trail record management write events again.
//!
//! Why: selectors that drop management events blind the trail to control-plane changes, the
//! very events snapback and auditors rely on (CIS 3.1).
//! Trigger: `cloudtrail:PutEventSelectors` leaving no selector that records management writes
//! (policy `cloudtrail-management-events-dropped`).
//! Calls: `GetEventSelectors`; if management writes are not recorded, `PutEventSelectors` that
//! records all management events while keeping the trail's data-event selectors (basic or
//! advanced, whichever the trail uses); `GetEventSelectors` to verify. A deleted trail is a no-op.
//! IAM: `cloudtrail:GetEventSelectors`, `cloudtrail:PutEventSelectors`.
//!
//! ```cedar
//! @remediation("cloudtrail-restore-management-events")
//! forbid (principal, action == Aws::Action::"cloudtrail:PutEventSelectors", resource is Aws::Trail)
//! when { context has eventSelectors && !context.eventSelectors.includesManagementWrites };
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct RestoreManagementEvents;

impl Remediation for RestoreManagementEvents {
    fn name(&self) -> &'static str {
        "cloudtrail-restore-management-events"
    }

    fn service(&self) -> &'static str {
        "cloudtrail"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "cloudtrail:GetEventSelectors",
            "cloudtrail:PutEventSelectors",
        ]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let trail = target(self.name(), request, "Trail")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({}),
            format!("record management events on trail `{trail}`"),
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
            calls.push("cloudtrail:GetEventSelectors".into());
            match aws.cloudtrail_management_events(name).await? {
                None => return Ok(Status::Noop),
                Some(m) if m.writes_recorded => return Ok(Status::Noop),
                Some(_) => {}
            }
            calls.push("cloudtrail:GetEventSelectors".into());
            calls.push("cloudtrail:PutEventSelectors".into());
            aws.cloudtrail_record_management_events(name).await?;
            calls.push("cloudtrail:GetEventSelectors".into());
            match aws.cloudtrail_management_events(name).await? {
                Some(m) if !m.writes_recorded => Err(unverified(
                    "cloudtrail:GetEventSelectors",
                    "management writes are still not recorded",
                )),
                _ => Ok(Status::Applied),
            }
        })
    }
}
