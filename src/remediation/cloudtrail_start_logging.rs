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

use super::prelude::*;

pub struct StartLogging;

impl Remediation for StartLogging {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "cloudtrail-start-logging",
            service: "cloudtrail",
            iam_actions: &["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"],
        }
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        plan_target(self.name(), request, "Trail", |trail| {
            format!("start logging on trail `{trail}`")
        })
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let (trail, ct) = (plan.resource.as_str(), aws.cloudtrail());
        revert(
            aws,
            move || ct.is_logging(trail),
            move |logging| (!logging).then(|| "the trail is still not logging".into()),
            move |_| ct.start_trail(trail),
        )
    }
}
