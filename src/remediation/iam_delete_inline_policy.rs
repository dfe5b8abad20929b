//! `iam-delete-inline-policy`: delete an inline policy that allows every action on every
//! resource from the user, group or role someone put it on.
//!
//! Why: an inline `"Action": "*", "Resource": "*"` is full administrator access hidden inside
//! one principal, out of sight of managed-policy reviews (CIS 1.16).
//! Trigger: `iam:PutUserPolicy`, `iam:PutGroupPolicy` or `iam:PutRolePolicy` with such a
//! document (policy `iam-inline-admin-policy`).
//! Calls: `Get{User,Group,Role}Policy` for the policy name the event put; only if its *current*
//! document still allows everything (someone may have fixed it meanwhile: then it is kept),
//! `Delete{User,Group,Role}Policy`; `Get...Policy` again to verify. Other inline policies are
//! never touched. A policy or principal that is gone is a no-op.
//! IAM: `iam:GetUserPolicy`, `iam:GetGroupPolicy`, `iam:GetRolePolicy`,
//! `iam:DeleteUserPolicy`, `iam:DeleteGroupPolicy`, `iam:DeleteRolePolicy`.
//!
//! ```cedar
//! @remediation("iam-delete-inline-policy")
//! forbid (principal, action in [Aws::Action::"iam:PutUserPolicy",
//!     Aws::Action::"iam:PutGroupPolicy", Aws::Action::"iam:PutRolePolicy"], resource)
//! when { context has iamPolicy && context.iamPolicy.adminAccess };
//! ```

use serde::{Deserialize, Serialize};

use super::args;
use super::prelude::*;
use crate::aws::{ApiError, ErrorKind, IamPrincipal};
use crate::model::iam::allows_everything;
use crate::model::json::document;

pub struct DeleteInlinePolicy;

#[derive(Debug, Serialize, Deserialize)]
struct Args {
    kind: IamPrincipal,
    #[serde(rename = "policyName")]
    policy_name: String,
}

/// Whether a document as IAM returns it (URL-encoded JSON) allows everything.
fn admin(call: &str, raw: &str) -> Result<bool, ApiError> {
    document(Some(&serde_json::Value::String(raw.to_owned())))
        .map(|doc| allows_everything(&doc))
        .ok_or_else(|| {
            ApiError::new(
                call,
                ErrorKind::Rejected,
                "the policy document is not readable JSON",
            )
        })
}

impl Remediation for DeleteInlinePolicy {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "iam-delete-inline-policy",
            service: "iam",
            iam_actions: &[
                "iam:GetUserPolicy",
                "iam:GetGroupPolicy",
                "iam:GetRolePolicy",
                "iam:DeleteUserPolicy",
                "iam:DeleteGroupPolicy",
                "iam:DeleteRolePolicy",
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
        let policy_name = event
            .request_parameters()
            .and_then(|p| p.get("policyName"))
            .and_then(serde_json::Value::as_str)
            .filter(|name| !name.is_empty())
            .ok_or_else(|| error("the event names no `policyName`"))?;
        let args = serde_json::to_value(Args {
            kind,
            policy_name: policy_name.to_owned(),
        })
        .map_err(|e| error(&e.to_string()))?;
        let summary = format!(
            "delete inline policy `{policy_name}` from {} `{}`",
            kind.label(),
            request.resource.uid.id
        );
        Ok(plan(self.name(), request, args, summary))
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let iam = aws.iam();
        Box::pin(async move {
            let args: Args = args(plan)?;
            let (kind, name, policy) = (args.kind, plan.resource.as_str(), &*args.policy_name);
            revert(
                aws,
                move || async move {
                    let raw = iam.inline_policy(kind, name, policy).await?;
                    raw.map(|raw| admin(&kind.get_inline_call(), &raw))
                        .transpose()
                },
                move |admin| {
                    admin.then(|| format!("inline policy `{policy}` still allows everything"))
                },
                move |_| iam.delete_inline_policy(kind, name, policy),
            )
            .await
        })
    }
}
