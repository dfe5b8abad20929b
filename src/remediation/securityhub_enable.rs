//! `securityhub-enable`: enable Security Hub again in a region where someone disabled it.
//!
//! Why: disabling Security Hub stops every standard's checks and drops the region's findings
//! (CIS 4.16). The disabled hub's configuration is gone, so the revert restores the declared
//! baseline: Security Hub enabled with its default standards.
//! Trigger: `securityhub:DisableSecurityHub` (policy `securityhub-disabled`).
//! Calls: `DescribeHub` (`InvalidAccessException`, "not subscribed", means disabled);
//! `EnableSecurityHub` with `EnableDefaultStandards=true` only if it is disabled; `DescribeHub`
//! to verify. A hub that is already enabled is a no-op.
//!
//! ```cedar
//! @remediation("securityhub-enable")
//! forbid (principal, action == Aws::Action::"securityhub:DisableSecurityHub", resource);
//! ```

use super::prelude::*;

remediation! {
    EnableSecurityHub {
        name: "securityhub-enable",
        service: "securityhub",
        iam: &["securityhub:DescribeHub", "securityhub:EnableSecurityHub"],
    }
    plan: |p| {
        let account = p.target("SecurityHub")?;
        let region = p.request.resource.attr_str("region");
        if region.is_empty() {
            return Err(p.error("the event names no region"));
        }
        Ok(p.plan(
            serde_json::json!({ "enableDefaultStandards": true }),
            format!(
                "enable Security Hub with its default standards in account `{account}`, region `{region}`"
            ),
        ))
    },
    revert: |_plan, aws| {
        let hub = aws.securityhub();
        read: || setting(hub.hub_arn()),
        still_wrong: |arn| arn.is_none().then(|| "security hub is still not enabled".into()),
        act: |_| hub.enable_hub(),
    },
}
