//! `securityhub-enable`: enable Security Hub again in a region where someone disabled it.
//!
//! Why: disabling Security Hub stops every standard's checks and drops the region's findings
//! (CIS 4.16). The disabled hub's configuration is gone, so the revert restores the declared
//! baseline: Security Hub enabled with its default standards.
//! Trigger: `securityhub:DisableSecurityHub` (policy `securityhub-disabled`).
//! Calls: `DescribeHub` (`InvalidAccessException`, "not subscribed", means disabled);
//! `EnableSecurityHub` with `EnableDefaultStandards=true` only if it is disabled; `DescribeHub`
//! to verify. A hub that is already enabled is a no-op.
//! IAM: `securityhub:DescribeHub`, `securityhub:EnableSecurityHub`.
//!
//! ```cedar
//! @remediation("securityhub-enable")
//! forbid (principal, action == Aws::Action::"securityhub:DisableSecurityHub", resource);
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct EnableSecurityHub;

impl Remediation for EnableSecurityHub {
    fn name(&self) -> &'static str {
        "securityhub-enable"
    }

    fn service(&self) -> &'static str {
        "securityhub"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["securityhub:DescribeHub", "securityhub:EnableSecurityHub"]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let account = target(self.name(), request, "SecurityHub")?;
        let region = request.resource.attr_str("region");
        if region.is_empty() {
            return Err(PlanError {
                remediation: self.name(),
                message: "the event names no region".to_owned(),
            });
        }
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({ "enableDefaultStandards": true }),
            format!(
                "enable Security Hub with its default standards in account `{account}`, region `{region}`"
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
            calls.push("securityhub:DescribeHub".into());
            if aws.securityhub_hub_arn().await?.is_some() {
                return Ok(Status::Noop);
            }
            calls.push("securityhub:EnableSecurityHub".into());
            aws.securityhub_enable().await?;
            calls.push("securityhub:DescribeHub".into());
            match aws.securityhub_hub_arn().await? {
                Some(_) => Ok(Status::Applied),
                None => Err(unverified(
                    "securityhub:DescribeHub",
                    "security hub is still not enabled",
                )),
            }
        })
    }
}
