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
//!
//! ```cedar
//! @remediation("iam-delete-inline-policy")
//! forbid (principal, action in [Aws::Action::"iam:PutUserPolicy",
//!     Aws::Action::"iam:PutGroupPolicy", Aws::Action::"iam:PutRolePolicy"], resource)
//! when { context has iamPolicy && context.iamPolicy.adminAccess };
//! ```

use serde::{Deserialize, Serialize};

use super::iam_principal::policy_put;
use super::prelude::*;
use crate::aws::{ApiError, ErrorKind, IamPrincipal};
use crate::model::iam::allows_everything;
use crate::model::json::document;

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

remediation! {
    DeleteInlinePolicy {
        name: "iam-delete-inline-policy",
        service: "iam",
        iam: &[
            "iam:GetUserPolicy",
            "iam:GetGroupPolicy",
            "iam:GetRolePolicy",
            "iam:DeleteUserPolicy",
            "iam:DeleteGroupPolicy",
            "iam:DeleteRolePolicy",
        ],
    }
    plan: |p| {
        let put = policy_put(&p, "policyName")?;
        let summary = format!("delete inline policy `{}` from {}", put.policy, put.principal);
        let args = Args { kind: put.kind, policy_name: put.policy.to_owned() };
        let args = serde_json::to_value(args).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Args| {
        let (iam, kind, name) = (aws.iam(), args.kind, plan.resource.as_str());
        let policy = args.policy_name.as_str();
        read: || async move {
            let raw = iam.inline_policy(kind, name, policy).await?;
            raw.map(|raw| admin(&kind.get_inline_call(), &raw)).transpose()
        },
        still_wrong: |admin| {
            admin.then(|| format!("inline policy `{policy}` still allows everything"))
        },
        act: |_| iam.delete_inline_policy(kind, name, policy),
    },
}
