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
//! IAM: `ec2:DescribeSecurityGroups`, `ec2:DescribeSecurityGroupRules`,
//! `ec2:RevokeSecurityGroupIngress`.
//!
//! ```cedar
//! @remediation("ec2-revoke-ingress")
//! forbid (principal, action in [Aws::Action::"ec2:AuthorizeSecurityGroupIngress",
//!     Aws::Action::"ec2:ModifySecurityGroupRules"], resource is Aws::SecurityGroup)
//! when { resource.name == "default" };
//! ```

use serde::{Deserialize, Serialize};

use super::args;
use super::prelude::*;
use crate::aws::{ApiError, Ec2Ops, IngressPermission, IngressSource};
use crate::model::ec2::ingress_rules;

pub struct RevokeIngress;

/// What both ingress reverts call: the two reads, and the revoke.
pub(super) const IAM_ACTIONS: &[&str] = &[
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSecurityGroupRules",
    "ec2:RevokeSecurityGroupIngress",
];

/// What an ingress revert takes back: permissions an authorize call added, rules a modify
/// call changed. Read back, the same shape says which of them are still open.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Args {
    #[serde(default)]
    pub permissions: Vec<IngressPermission>,
    #[serde(default)]
    pub rule_ids: Vec<String>,
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
    pub(super) fn into_plan(
        mut self,
        remediation: &'static str,
        request: &Request,
        what: &str,
    ) -> Result<Plan, PlanError> {
        let group = target(remediation, request, "SecurityGroup")?;
        self.permissions.sort();
        self.permissions.dedup();
        self.rule_ids.sort();
        self.rule_ids.dedup();
        if self.is_empty() {
            return Err(PlanError {
                remediation,
                message: format!("the event opens no {what}"),
            });
        }
        let summary = format!(
            "revoke {what} on security group `{group}`: {}",
            self.parts()
        );
        let args = serde_json::to_value(&self).map_err(|e| PlanError {
            remediation,
            message: format!("cannot write the plan: {e}"),
        })?;
        Ok(plan(remediation, request, args, summary))
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

/// Read, revoke what is still there, read back: the apply both ingress reverts share. A
/// permission or rule already gone when it is revoked is not an error.
pub(super) fn revoke<'a>(
    plan: &'a Plan,
    aws: &'a dyn Capabilities,
    world_only: bool,
) -> Applying<'a> {
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
            move || still_open(group, planned, ec2, world_only),
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

impl Remediation for RevokeIngress {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "ec2-revoke-ingress",
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
            if let Some(id) = rule.rule_id {
                args.rule_ids.push(id);
                continue;
            }
            let sources = rule
                .cidrs
                .iter()
                .map(|c| IngressSource::range(c))
                .chain(rule.groups.iter().map(|g| IngressSource::Group(g.clone())))
                .chain(
                    rule.prefix_lists
                        .iter()
                        .map(|l| IngressSource::PrefixList(l.clone())),
                );
            args.permissions.extend(sources.map(|s| {
                IngressPermission::new(&rule.protocol, Some(rule.from), Some(rule.to), s)
            }));
        }
        args.into_plan(self.name(), request, "ingress")
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        revoke(plan, aws, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::tests::ec2_plan;

    fn plan_for(params: serde_json::Value) -> Result<Plan, PlanError> {
        ec2_plan(&RevokeIngress, "AuthorizeSecurityGroupIngress", params)
    }

    #[test]
    fn every_source_the_call_added_is_planned() {
        let plan = plan_for(serde_json::json!({"groupId": "sg-1", "groupName": "default", "ipPermissions": {"items": [
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
        assert!(plan_for(serde_json::json!({"groupId": "sg-1"})).is_err());
    }
}
