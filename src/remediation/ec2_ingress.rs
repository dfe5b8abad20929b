//! What the two ingress reverts (`ec2-revoke-ingress`, `ec2-revoke-world-ingress`) share: the
//! plan, every permission an `AuthorizeSecurityGroupIngress` added or the rules a
//! `ModifySecurityGroupRules` changed (all of them, or only the world-open ones), and the apply
//! that revokes those still in the group.

use serde::{Deserialize, Serialize};

use super::{Applying, Plan, PlanError, Planning, args, revert};
use crate::aws::{ApiError, Capabilities, Ec2Ops, IngressPermission, IngressSource};
use crate::model::ec2::ingress_rules;

/// What both ingress reverts call: the two reads, and the revoke.
pub(super) const IAM_ACTIONS: &[&str] = &[
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSecurityGroupRules",
    "ec2:RevokeSecurityGroupIngress",
];

/// Which ingress a revert takes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Every permission the call added, and every rule it changed.
    Every,
    /// Only the ranges that are the whole internet, and the changed rules while they are open
    /// to it.
    WorldOpen,
}

impl Scope {
    /// The plan: from the event alone, the permissions and rules in scope.
    pub(super) fn plan(self, p: &Planning) -> Result<Plan, PlanError> {
        let params = p
            .event
            .request_parameters()
            .ok_or_else(|| p.error("the event has no request parameters"))?;
        let mut args = Args::default();
        for rule in ingress_rules(params) {
            let world = rule.world_cidrs();
            if self == Scope::WorldOpen && world.is_empty() {
                continue;
            }
            if let Some(id) = &rule.rule_id {
                args.rule_ids.push(id.clone());
                continue;
            }
            let sources: Vec<IngressSource> = match self {
                Scope::WorldOpen => world.into_iter().map(IngressSource::range).collect(),
                Scope::Every => (rule.cidrs.iter().map(|c| IngressSource::range(c)))
                    .chain(rule.groups.iter().map(|g| IngressSource::Group(g.clone())))
                    .chain(
                        rule.prefix_lists
                            .iter()
                            .map(|l| IngressSource::PrefixList(l.clone())),
                    )
                    .collect(),
            };
            args.permissions.extend(sources.into_iter().map(|s| {
                IngressPermission::new(&rule.protocol, Some(rule.from), Some(rule.to), s)
            }));
        }
        args.into_plan(p, self.what())
    }

    /// Read, revoke what is still there, read back. A permission or rule already gone when it
    /// is revoked is not an error.
    pub(super) fn revoke<'a>(self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let (group, ec2) = (plan.resource.as_str(), aws.ec2());
        let gone_is_done = |result: Result<(), ApiError>| match result {
            Err(err) if err.is_not_found() => Ok(()),
            other => other,
        };
        Box::pin(async move {
            let planned: Args = args(plan)?;
            let planned = &planned;
            revert(
                aws,
                move || still_open(group, planned, ec2, self == Scope::WorldOpen),
                move |open| (!open.is_empty()).then(|| format!("still open: {}", open.parts())),
                move |open| async move {
                    if !open.permissions.is_empty() {
                        gone_is_done(ec2.revoke_ingress(group, &open.permissions).await)?;
                    }
                    if !open.rule_ids.is_empty() {
                        gone_is_done(ec2.revoke_ingress_rules(group, &open.rule_ids).await)?;
                    }
                    Ok(())
                },
            )
            .await
        })
    }

    /// The ingress in scope, for people.
    fn what(self) -> &'static str {
        match self {
            Scope::Every => "ingress",
            Scope::WorldOpen => "world-open ingress",
        }
    }
}

/// What an ingress revert takes back: permissions an authorize call added, rules a modify
/// call changed. Read back, the same shape says which of them are still open.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Args {
    #[serde(default)]
    permissions: Vec<IngressPermission>,
    #[serde(default)]
    rule_ids: Vec<String>,
}

impl Args {
    fn is_empty(&self) -> bool {
        self.permissions.is_empty() && self.rule_ids.is_empty()
    }

    /// Each permission and rule, for people.
    fn parts(&self) -> String {
        let mut parts: Vec<String> = self.permissions.iter().map(ToString::to_string).collect();
        parts.extend(self.rule_ids.iter().map(|id| format!("rule `{id}`")));
        parts.join(", ")
    }

    /// Plan arguments and a summary, or a plan error when there is nothing to revert.
    fn into_plan(mut self, p: &Planning, what: &str) -> Result<Plan, PlanError> {
        let group = p.target("SecurityGroup")?;
        self.permissions.sort();
        self.permissions.dedup();
        self.rule_ids.sort();
        self.rule_ids.dedup();
        if self.is_empty() {
            return Err(p.error(format!("the event opens no {what}")));
        }
        let summary = format!(
            "revoke {what} on security group `{group}`: {}",
            self.parts()
        );
        let args = serde_json::to_value(&self)
            .map_err(|e| p.error(format!("cannot write the plan: {e}")))?;
        Ok(p.plan(args, summary))
    }
}

/// Which of the planned permissions and rules are still in the group; None when it is gone.
/// With `world_only`, a modified rule counts only while it is open to the whole internet.
async fn still_open(
    group: &str,
    planned: &Args,
    ec2: &dyn Ec2Ops,
    world_only: bool,
) -> Result<Option<Args>, ApiError> {
    let mut open = Args::default();
    if !planned.permissions.is_empty() {
        let Some(current) = ec2.ingress(group).await? else {
            return Ok(None);
        };
        let still = planned.permissions.iter().filter(|p| current.contains(p));
        open.permissions = still.cloned().collect();
    }
    if !planned.rule_ids.is_empty() {
        let rules = ec2.ingress_rules(group, &planned.rule_ids).await?;
        let still = rules
            .into_iter()
            .filter(|r| !world_only || r.permission.source.is_world());
        open.rule_ids = still.map(|r| r.id).collect();
    }
    Ok(Some(open))
}

#[cfg(test)]
mod tests {
    use super::super::ec2_revoke_ingress::RevokeIngress;
    use super::super::ec2_revoke_world_ingress::RevokeWorldIngress;
    use super::super::tests::ec2_plan;

    #[test]
    fn every_source_the_call_added_is_planned() {
        let plan = ec2_plan(&RevokeIngress, "AuthorizeSecurityGroupIngress", serde_json::json!({"groupId": "sg-1", "groupName": "default", "ipPermissions": {"items": [
            {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]},
             "groups": {"items": [{"groupId": "sg-2"}]}, "prefixListIds": {"items": [{"prefixListId": "pl-1"}]}}]}}))
        .unwrap();
        assert_eq!(plan.resource, "sg-1");
        assert_eq!(plan.args["permissions"].as_array().map(Vec::len), Some(3));
        assert!(
            plan.summary.contains("tcp 443 from group sg-2"),
            "{}",
            plan.summary
        );
    }

    #[test]
    fn an_event_without_permissions_cannot_be_planned() {
        assert!(
            ec2_plan(
                &RevokeIngress,
                "AuthorizeSecurityGroupIngress",
                serde_json::json!({"groupId": "sg-1"})
            )
            .is_err()
        );
    }

    #[test]
    fn only_world_ranges_are_planned() {
        let plan = ec2_plan(
            &RevokeWorldIngress,
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
        let plan = ec2_plan(&RevokeWorldIngress, "ModifySecurityGroupRules", serde_json::json!({"ModifySecurityGroupRulesRequest": {"GroupId": "sg-1",
            "SecurityGroupRule": {"SecurityGroupRuleId": "sgr-1", "SecurityGroupRule": {"IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0"}}}}))
        .unwrap();
        assert_eq!(
            plan.args,
            serde_json::json!({"permissions": [], "ruleIds": ["sgr-1"]})
        );
    }

    #[test]
    fn nothing_world_open_cannot_be_planned() {
        let err = ec2_plan(&RevokeWorldIngress, "AuthorizeSecurityGroupIngress", serde_json::json!({"groupId": "sg-1", "ipPermissions": {"items": [
            {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]}}]}}))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot plan `ec2-revoke-world-ingress`: the event opens no world-open ingress"
        );
    }
}
