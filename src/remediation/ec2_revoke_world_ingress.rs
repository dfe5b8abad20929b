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
//! IAM: `ec2:DescribeSecurityGroups`, `ec2:DescribeSecurityGroupRules`,
//! `ec2:RevokeSecurityGroupIngress`.
//!
//! ```cedar
//! @remediation("ec2-revoke-world-ingress")
//! forbid (principal, action in [Aws::Action::"ec2:AuthorizeSecurityGroupIngress",
//!     Aws::Action::"ec2:ModifySecurityGroupRules"], resource is Aws::SecurityGroup)
//! when { context has ingress && context.ingress.worldOpenPorts.contains(22) };
//! ```

use super::ec2_revoke_ingress::{Args, IAM_ACTIONS, revoke};
use super::prelude::*;
use crate::aws::{IngressPermission, IngressSource};
use crate::model::ec2::ingress_rules;

pub struct RevokeWorldIngress;

impl Remediation for RevokeWorldIngress {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "ec2-revoke-world-ingress",
            service: "ec2",
            iam_actions: IAM_ACTIONS,
        }
    }

    fn plan(&self, event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let params = event.request_parameters().ok_or_else(|| PlanError {
            remediation: self.name(),
            message: "the event has no request parameters".to_owned(),
        })?;
        let mut args = Args::default();
        for rule in ingress_rules(params) {
            let world = rule.world_cidrs();
            if world.is_empty() {
                continue;
            }
            match &rule.rule_id {
                Some(id) => args.rule_ids.push(id.clone()),
                None => args.permissions.extend(world.into_iter().map(|c| {
                    IngressPermission::new(
                        &rule.protocol,
                        Some(rule.from),
                        Some(rule.to),
                        IngressSource::range(c),
                    )
                })),
            }
        }
        args.into_plan(self.name(), request, "world-open ingress")
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        revoke(plan, aws, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::tests::ec2_plan;

    fn plan_for(name: &str, params: serde_json::Value) -> Result<Plan, PlanError> {
        ec2_plan(&RevokeWorldIngress, name, params)
    }

    #[test]
    fn only_world_ranges_are_planned() {
        let plan = plan_for(
            "AuthorizeSecurityGroupIngress",
            serde_json::json!({"groupId": "sg-1", "ipPermissions": {"items": [
            {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
             "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}, {"cidrIp": "10.0.0.0/8"}]},
             "ipv6Ranges": {"items": [{"cidrIpv6": "::/0"}]}},
            {"ipProtocol": "-1", "ipRanges": {"items": [{"cidrIp": "192.168.0.0/16"}]}}]}}),
        )
        .unwrap();
        assert_eq!(
            plan.args,
            serde_json::json!({"permissions": [
                {"protocol": "tcp", "fromPort": 22, "toPort": 22, "source": {"cidr": "0.0.0.0/0"}},
                {"protocol": "tcp", "fromPort": 22, "toPort": 22, "source": {"cidrIpv6": "::/0"}}],
                "ruleIds": []})
        );
        assert_eq!(
            plan.summary,
            "revoke world-open ingress on security group `sg-1`: tcp 22 from 0.0.0.0/0, tcp 22 from ::/0"
        );
    }

    #[test]
    fn a_modified_rule_is_planned_by_id() {
        let plan = plan_for("ModifySecurityGroupRules", serde_json::json!({"ModifySecurityGroupRulesRequest": {"GroupId": "sg-1",
            "SecurityGroupRule": {"SecurityGroupRuleId": "sgr-1", "SecurityGroupRule": {"IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0"}}}}))
        .unwrap();
        assert_eq!(
            plan.args,
            serde_json::json!({"permissions": [], "ruleIds": ["sgr-1"]})
        );
    }

    #[test]
    fn nothing_world_open_cannot_be_planned() {
        let err = plan_for("AuthorizeSecurityGroupIngress", serde_json::json!({"groupId": "sg-1", "ipPermissions": {"items": [
            {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]}}]}}))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot plan `ec2-revoke-world-ingress`: the event opens no world-open ingress"
        );
    }
}
