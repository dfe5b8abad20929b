//! `iam-detach-policy`: detach a managed policy that someone attached to a user, group or role
//! and a policy forbids (an administrator policy, `AWSCloudShellFullAccess`).
//!
//! Why: `AdministratorAccess` on a principal grants every action on every resource; CIS asks
//! that full administrative privileges are not handed out through attached policies (1.16).
//! Trigger: `iam:AttachUserPolicy`, `iam:AttachGroupPolicy` or `iam:AttachRolePolicy` attaching
//! an administrator policy (policy `iam-admin-policy-attached`) or CloudShell's full access
//! (`iam-cloudshell-full-access-attached`, CIS 1.22).
//! Calls: `ListAttached{User,Group,Role}Policies` for the principal the event names; if the
//! policy this event attached (its `policyArn`, nothing else) is still attached,
//! `Detach{User,Group,Role}Policy`; `ListAttached...Policies` again to verify. Other attached
//! policies are never touched. A principal that is gone, or a policy no longer attached, is a
//! no-op.
//!
//! ```cedar
//! @remediation("iam-detach-policy")
//! forbid (principal, action in [Aws::Action::"iam:AttachUserPolicy",
//!     Aws::Action::"iam:AttachGroupPolicy", Aws::Action::"iam:AttachRolePolicy"], resource)
//! when { context has iamPolicy && context.iamPolicy.adminAccess };
//! ```

use serde::{Deserialize, Serialize};

use super::iam_principal::policy_put;
use super::prelude::*;
use crate::aws::IamPrincipal;

#[derive(Debug, Serialize, Deserialize)]
struct Args {
    kind: IamPrincipal,
    #[serde(rename = "policyArn")]
    policy_arn: String,
}

remediation! {
    DetachPolicy {
        name: "iam-detach-policy",
        service: "iam",
        iam: &[
            "iam:ListAttachedUserPolicies",
            "iam:ListAttachedGroupPolicies",
            "iam:ListAttachedRolePolicies",
            "iam:DetachUserPolicy",
            "iam:DetachGroupPolicy",
            "iam:DetachRolePolicy",
        ],
    }
    plan: |p| {
        let put = policy_put(&p, "policyArn")?;
        let summary = format!("detach `{}` from {}", put.policy, put.principal);
        let args = Args { kind: put.kind, policy_arn: put.policy.to_owned() };
        let args = serde_json::to_value(args).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Args| {
        let (iam, kind, name) = (aws.iam(), args.kind, plan.resource.as_str());
        let arn = args.policy_arn.as_str();
        read: || async move {
            let attached = iam.attached_policies(kind, name).await?;
            Ok(attached.map(|arns| arns.iter().any(|a| a == arn)))
        },
        still_wrong: |attached| attached.then(|| format!("`{arn}` is still attached")),
        act: |_| iam.detach_policy(kind, name, arn),
    },
}
