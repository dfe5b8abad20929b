//! `cloudtrail-start-logging`: restart logging on a trail someone stopped.
//!
//! Why: a stopped trail records nothing; an attacker's first move is often `StopLogging`.
//! Trigger: `cloudtrail:StopLogging` (policy `cloudtrail-logging-stopped`).
//! Calls: `GetTrailStatus`, then `StartLogging` only if the trail is not logging, then
//! `GetTrailStatus` to verify. A deleted trail is a no-op.
//! IAM: `cloudtrail:GetTrailStatus`, `cloudtrail:StartLogging`.
//!
//! ```cedar
//! @remediation("cloudtrail-start-logging")
//! forbid (principal, action == Aws::Action::"cloudtrail:StopLogging", resource is Aws::Trail);
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct StartLogging;

impl Remediation for StartLogging {
    fn name(&self) -> &'static str {
        "cloudtrail-start-logging"
    }

    fn service(&self) -> &'static str {
        "cloudtrail"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let trail = target(self.name(), request, "Trail")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({}),
            format!("start logging on trail `{trail}`"),
        ))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let trail = plan.resource.as_str();
            calls.push("cloudtrail:GetTrailStatus".into());
            match aws.cloudtrail_is_logging(trail).await? {
                None | Some(true) => return Ok(Status::Noop),
                Some(false) => {}
            }
            calls.push("cloudtrail:StartLogging".into());
            aws.cloudtrail_start_logging(trail).await?;
            calls.push("cloudtrail:GetTrailStatus".into());
            match aws.cloudtrail_is_logging(trail).await? {
                Some(true) => Ok(Status::Applied),
                None => Ok(Status::Noop),
                Some(false) => Err(unverified(
                    "cloudtrail:GetTrailStatus",
                    "the trail is still not logging",
                )),
            }
        })
    }
}
