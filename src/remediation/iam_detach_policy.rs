//! `iam-detach-policy`: detach an administrator managed policy that someone attached to a user,
//! group or role.
//!
//! Why: `AdministratorAccess` on a principal grants every action on every resource; CIS asks
//! that full administrative privileges are not handed out through attached policies (1.16).
//! Trigger: `iam:AttachUserPolicy`, `iam:AttachGroupPolicy` or `iam:AttachRolePolicy` attaching
//! an administrator policy (policy `iam-admin-policy-attached`).
//! Calls: `ListAttached{User,Group,Role}Policies` for the principal the event names; if the
//! policy this event attached (its `policyArn`, nothing else) is still attached,
//! `Detach{User,Group,Role}Policy`; `ListAttached...Policies` again to verify. Other attached
//! policies are never touched. A principal that is gone, or a policy no longer attached, is a
//! no-op.
//! IAM: `iam:ListAttachedUserPolicies`, `iam:ListAttachedGroupPolicies`,
//! `iam:ListAttachedRolePolicies`, `iam:DetachUserPolicy`, `iam:DetachGroupPolicy`,
//! `iam:DetachRolePolicy`.
//!
//! ```cedar
//! @remediation("iam-detach-policy")
//! forbid (principal, action in [Aws::Action::"iam:AttachUserPolicy",
//!     Aws::Action::"iam:AttachGroupPolicy", Aws::Action::"iam:AttachRolePolicy"], resource)
//! when { context has iamPolicy && context.iamPolicy.adminAccess };
//! ```

use serde::{Deserialize, Serialize};

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, unverified};
use crate::aws::{ApiError, Aws, ErrorKind, IamPrincipal};
use crate::event::Event;
use crate::model::Request;

pub struct DetachPolicy;

#[derive(Debug, Serialize, Deserialize)]
struct Args {
    kind: IamPrincipal,
    #[serde(rename = "policyArn")]
    policy_arn: String,
}

impl Remediation for DetachPolicy {
    fn name(&self) -> &'static str {
        "iam-detach-policy"
    }

    fn service(&self) -> &'static str {
        "iam"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "iam:ListAttachedUserPolicies",
            "iam:ListAttachedGroupPolicies",
            "iam:ListAttachedRolePolicies",
            "iam:DetachUserPolicy",
            "iam:DetachGroupPolicy",
            "iam:DetachRolePolicy",
        ]
    }

    fn plan(&self, event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let error = |message: &str| PlanError {
            remediation: self.name(),
            message: message.to_owned(),
        };
        let kind = IamPrincipal::from_resource_type(request.resource.uid.ty)
            .ok_or_else(|| error("the event names no user, group or role"))?;
        let policy_arn = event
            .request_parameters()
            .and_then(|p| p.get("policyArn"))
            .and_then(serde_json::Value::as_str)
            .filter(|arn| !arn.is_empty())
            .ok_or_else(|| error("the event names no `policyArn`"))?;
        let args = serde_json::to_value(Args {
            kind,
            policy_arn: policy_arn.to_owned(),
        })
        .map_err(|e| error(&e.to_string()))?;
        let summary = format!(
            "detach `{policy_arn}` from {} `{}`",
            kind.label(),
            request.resource.uid.id
        );
        Ok(plan(self.name(), request, args, summary))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let args: Args = serde_json::from_value(plan.args.clone()).map_err(|e| {
                ApiError::new(
                    self.name(),
                    ErrorKind::Rejected,
                    format!("invalid plan arguments: {e}"),
                )
            })?;
            let name = plan.resource.as_str();
            let attached = |arns: &[String]| arns.iter().any(|a| a == &args.policy_arn);
            calls.push(args.kind.list_attached_call());
            match aws.iam_attached_policies(args.kind, name).await? {
                Some(arns) if attached(&arns) => {}
                _ => return Ok(Status::Noop),
            }
            calls.push(args.kind.detach_call());
            match aws
                .iam_detach_policy(args.kind, name, &args.policy_arn)
                .await
            {
                Err(err) if err.is_not_found() => return Ok(Status::Noop),
                other => other?,
            }
            calls.push(args.kind.list_attached_call());
            match aws.iam_attached_policies(args.kind, name).await? {
                Some(arns) if attached(&arns) => Err(unverified(
                    &args.kind.list_attached_call(),
                    format!("`{}` is still attached", args.policy_arn),
                )),
                _ => Ok(Status::Applied),
            }
        })
    }
}
