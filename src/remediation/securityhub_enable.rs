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

use super::prelude::*;

pub struct EnableSecurityHub;

impl Remediation for EnableSecurityHub {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "securityhub-enable",
            service: "securityhub",
            iam_actions: &["securityhub:DescribeHub", "securityhub:EnableSecurityHub"],
        }
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

    fn apply<'a>(&'a self, _plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let hub = aws.securityhub();
        revert(
            aws,
            move || setting(hub.hub_arn()),
            move |arn| {
                arn.is_none()
                    .then(|| "security hub is still not enabled".into())
            },
            move |_| hub.enable_hub(),
        )
    }
}
