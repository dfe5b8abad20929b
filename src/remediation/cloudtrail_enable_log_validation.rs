//! `cloudtrail-enable-log-validation`: turn log file integrity validation back on.
//!
//! Why: without digest files nobody can prove the trail's logs were not altered (CIS 3.2).
//! Trigger: `cloudtrail:UpdateTrail`/`CreateTrail` with `enableLogFileValidation: false`
//! (policy `cloudtrail-log-validation-disabled`).
//! Calls: `GetTrail`; `UpdateTrail` with only `EnableLogFileValidation=true` if it is off; `GetTrail`.
//! Other trail settings are left as they are. A deleted trail is a no-op.
//! IAM: `cloudtrail:GetTrail`, `cloudtrail:UpdateTrail`.
//!
//! ```cedar
//! @remediation("cloudtrail-enable-log-validation")
//! forbid (principal, action == Aws::Action::"cloudtrail:UpdateTrail", resource is Aws::Trail)
//! when { context has trail && context.trail has enableLogFileValidation && !context.trail.enableLogFileValidation };
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct EnableLogValidation;

impl Remediation for EnableLogValidation {
    fn name(&self) -> &'static str {
        "cloudtrail-enable-log-validation"
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
            format!("enable log file validation on trail `{trail}`"),
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
                Some(t) if t.log_file_validation => return Ok(Status::Noop),
                Some(_) => {}
            }
            calls.push("cloudtrail:UpdateTrail".into());
            aws.cloudtrail_update_trail(name, Some(true), None).await?;
            calls.push("cloudtrail:GetTrail".into());
            match aws.cloudtrail_get_trail(name).await? {
                Some(t) if !t.log_file_validation => Err(unverified(
                    "cloudtrail:GetTrail",
                    "log file validation is still off",
                )),
                _ => Ok(Status::Applied),
            }
        })
    }
}
