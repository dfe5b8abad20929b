//! `ec2-revoke-world-ingress`: take back the world-open ingress a call added to a security
//! group, and nothing else.
//!
//! Why: SSH, RDP or every port open to `0.0.0.0/0` or `::/0` is the most common way hosts get
//! scanned and broken into (CIS 5.2, 5.3).
//! Trigger: `ec2:AuthorizeSecurityGroupIngress` or `ec2:ModifySecurityGroupRules` opening a
//! watched port or every port to the internet (policies `ec2-sg-world-ssh`,
//! `ec2-sg-world-rdp`, `ec2-sg-world-all-ports`).
//! Plan: from the event alone, the (protocol, ports, range) entries whose range is `0.0.0.0/0`
//! or `::/0`; ranges, groups and prefix lists the same call added that are not world-open stay,
//! and so do the group's other rules. For `ModifySecurityGroupRules` the event names the rule
//! (`SecurityGroupRuleId`) but not what it allowed before, so the rule cannot be put back as it
//! was: it is revoked, and only while it is still open to the internet.
//! Calls: `DescribeSecurityGroups` (permissions) and/or `DescribeSecurityGroupRules` (rule
//! ids); `RevokeSecurityGroupIngress` for those still present; the same reads to verify. A
//! deleted group, or permissions already gone, is a no-op.
//!
//! ```cedar
//! @remediation("ec2-revoke-world-ingress")
//! forbid (principal, action in [Aws::Action::"ec2:AuthorizeSecurityGroupIngress",
//!     Aws::Action::"ec2:ModifySecurityGroupRules"], resource is Aws::SecurityGroup)
//! when { context has ingress && context.ingress.worldOpenPorts.contains(22) };
//! ```

use super::ec2_ingress::{IAM_ACTIONS, Scope};
use super::prelude::*;

remediation! {
    RevokeWorldIngress { name: "ec2-revoke-world-ingress", service: "ec2", iam: IAM_ACTIONS }
    plan: |p| Scope::WorldOpen.plan(&p),
    apply: |plan, aws| Scope::WorldOpen.revoke(plan, aws),
}
