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

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws, ErrorKind, IngressPermission, IngressSource};
use crate::event::Event;
use crate::model::Request;
use crate::model::ec2::ingress_rules;

pub struct RevokeIngress;

const DESCRIBE_GROUPS: &str = "ec2:DescribeSecurityGroups";
const DESCRIBE_RULES: &str = "ec2:DescribeSecurityGroupRules";
const REVOKE: &str = "ec2:RevokeSecurityGroupIngress";

/// What an ingress revert takes back: permissions an authorize call added, rules a modify
/// call changed.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Args {
    #[serde(default)]
    pub permissions: Vec<IngressPermission>,
    #[serde(default)]
    pub rule_ids: Vec<String>,
}

impl Args {
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
        if self.permissions.is_empty() && self.rule_ids.is_empty() {
            return Err(PlanError {
                remediation,
                message: format!("the event opens no {what}"),
            });
        }
        let mut parts: Vec<String> = self.permissions.iter().map(ToString::to_string).collect();
        parts.extend(self.rule_ids.iter().map(|id| format!("rule `{id}`")));
        let summary = format!(
            "revoke {what} on security group `{group}`: {}",
            parts.join(", ")
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
    args: &Args,
    aws: &Aws,
    calls: &mut Calls,
    world_only: bool,
) -> Result<Option<(Vec<IngressPermission>, Vec<String>)>, ApiError> {
    let mut permissions = Vec::new();
    if !args.permissions.is_empty() {
        calls.push(DESCRIBE_GROUPS.into());
        let Some(current) = aws.ec2_ingress(group).await? else {
            return Ok(None);
        };
        permissions = args
            .permissions
            .iter()
            .filter(|p| current.contains(p))
            .cloned()
            .collect();
    }
    let mut ids = Vec::new();
    if !args.rule_ids.is_empty() {
        calls.push(DESCRIBE_RULES.into());
        ids = aws
            .ec2_ingress_rules(group, &args.rule_ids)
            .await?
            .into_iter()
            .filter(|r| !world_only || r.permission.source.is_world())
            .map(|r| r.id)
            .collect();
    }
    Ok(Some((permissions, ids)))
}

/// Read, revoke what is still there, read back: the apply both ingress reverts share.
pub(super) async fn revoke(
    remediation: &str,
    plan: &Plan,
    aws: &Aws,
    calls: &mut Calls,
    world_only: bool,
) -> Result<Status, ApiError> {
    let args: Args = serde_json::from_value(plan.args.clone()).map_err(|e| {
        ApiError::new(
            remediation,
            ErrorKind::Rejected,
            format!("invalid plan arguments: {e}"),
        )
    })?;
    let group = plan.resource.as_str();
    let Some((permissions, ids)) = still_open(group, &args, aws, calls, world_only).await? else {
        return Ok(Status::Noop);
    };
    if permissions.is_empty() && ids.is_empty() {
        return Ok(Status::Noop);
    }
    if !permissions.is_empty() {
        calls.push(REVOKE.into());
        match aws.ec2_revoke_ingress(group, &permissions).await {
            Err(err) if err.is_not_found() => {}
            other => other?,
        }
    }
    if !ids.is_empty() {
        calls.push(REVOKE.into());
        match aws.ec2_revoke_ingress_rules(group, &ids).await {
            Err(err) if err.is_not_found() => {}
            other => other?,
        }
    }
    match still_open(group, &args, aws, calls, world_only).await? {
        None => Ok(Status::Noop),
        Some((p, i)) if p.is_empty() && i.is_empty() => Ok(Status::Applied),
        Some((p, i)) => {
            let mut left: Vec<String> = p.iter().map(ToString::to_string).collect();
            left.extend(i.iter().map(|id| format!("rule `{id}`")));
            let call = if p.is_empty() {
                DESCRIBE_RULES
            } else {
                DESCRIBE_GROUPS
            };
            Err(unverified(call, format!("still open: {}", left.join(", "))))
        }
    }
}

impl Remediation for RevokeIngress {
    fn name(&self) -> &'static str {
        "ec2-revoke-ingress"
    }

    fn service(&self) -> &'static str {
        "ec2"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[DESCRIBE_GROUPS, DESCRIBE_RULES, REVOKE]
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

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(revoke(self.name(), plan, aws, calls, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_for(params: serde_json::Value) -> Result<Plan, PlanError> {
        let record = serde_json::json!({
            "eventVersion": "1.09", "eventSource": "ec2.amazonaws.com", "eventName": "AuthorizeSecurityGroupIngress",
            "awsRegion": "us-east-1", "recipientAccountId": "123456789012", "eventID": "e1",
            "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/dev", "accountId": "123456789012"},
            "requestParameters": params
        });
        let mut events = Vec::new();
        let mut parser = crate::event::StreamParser::new("test");
        parser.push(record.to_string().as_bytes(), &mut |e| events.push(e));
        parser.finish(&mut |e| events.push(e));
        let event = events.pop().unwrap().unwrap();
        RevokeIngress.plan(&event, &crate::model::build(&event))
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
