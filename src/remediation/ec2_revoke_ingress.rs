//! `ec2-revoke-ingress`: take back every ingress permission a call added to a VPC's default
//! security group.
//!
//! Why: the default group is attached to anything launched without a group; CIS asks that it
//! allow no traffic at all (5.4), so whatever the call opened is reverted, not only world-open
//! ranges.
//! Trigger: `ec2:AuthorizeSecurityGroupIngress` or `ec2:ModifySecurityGroupRules` on a group
//! named `default` (policy `ec2-default-sg-ingress`).
//! Plan: from the event alone, every (protocol, ports, source) the call authorized: IPv4 and
//! IPv6 ranges, referenced groups and prefix lists; for `ModifySecurityGroupRules`, the rule
//! ids it changed (the rule's earlier content is not in the event, so the rule is revoked).
//! Rules the event did not add are never touched.
//! Calls: `DescribeSecurityGroups` (permissions) and/or `DescribeSecurityGroupRules` (rule
//! ids); `RevokeSecurityGroupIngress` for those still present; the same reads to verify. A
//! deleted group, or permissions already gone, is a no-op.
//!
//! ```cedar
//! @remediation("ec2-revoke-ingress")
//! forbid (principal, action in [Aws::Action::"ec2:AuthorizeSecurityGroupIngress",
//!     Aws::Action::"ec2:ModifySecurityGroupRules"], resource is Aws::SecurityGroup)
//! when { resource.name == "default" };
//! ```

use super::ec2_ingress::{IAM_ACTIONS, Scope};
use super::prelude::*;

remediation! {
    RevokeIngress { name: "ec2-revoke-ingress", service: "ec2", iam: IAM_ACTIONS }
    plan: |p| Scope::Every.plan(&p),
    apply: |plan, aws| Scope::Every.revoke(plan, aws),
}
