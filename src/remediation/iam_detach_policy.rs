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

use super::args;
use super::prelude::*;
use crate::aws::IamPrincipal;

pub struct DetachPolicy;

#[derive(Debug, Serialize, Deserialize)]
struct Args {
    kind: IamPrincipal,
    #[serde(rename = "policyArn")]
    policy_arn: String,
}

impl Remediation for DetachPolicy {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "iam-detach-policy",
            service: "iam",
            iam_actions: &[
                "iam:ListAttachedUserPolicies",
                "iam:ListAttachedGroupPolicies",
                "iam:ListAttachedRolePolicies",
                "iam:DetachUserPolicy",
                "iam:DetachGroupPolicy",
                "iam:DetachRolePolicy",
            ],
        }
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

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let iam = aws.iam();
        Box::pin(async move {
            let args: Args = args(plan)?;
            let (kind, name, arn) = (args.kind, plan.resource.as_str(), &*args.policy_arn);
            revert(
                aws,
                move || async move {
                    let attached = iam.attached_policies(kind, name).await?;
                    Ok(attached.map(|arns| arns.iter().any(|a| a == arn)))
                },
                move |attached| attached.then(|| format!("`{arn}` is still attached")),
                move |_| iam.detach_policy(kind, name, arn),
            )
            .await
        })
    }
}
