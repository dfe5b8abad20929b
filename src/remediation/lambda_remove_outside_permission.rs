//! `lambda-remove-outside-permission`: take back the permission an `AddPermission` gave to
//! someone outside the organization.
//!
//! Why: a function's resource policy decides who may invoke it (or read its configuration); a
//! statement for `*`, or for an account that is neither ours nor trusted, lets strangers run
//! code with the function's role and reach what it reaches.
//! Trigger: `lambda:AddPermission20150331v2` (or `AddPermission20150331`) whose `access` is
//! outside (policy `lambda-permission-outside`).
//! What: the statement the call added, by its `statementId` (and the event's `qualifier`, for
//! a version or alias). Every other statement of the policy is kept.
//! Calls: `GetPolicy`; if the statement is still there, `RemovePermission`; `GetPolicy` to
//! verify. A function that is gone, or a statement already removed, is a no-op. A statement
//! someone added again later under the same id is removed too: the id is what the event names.
//!
//! ```cedar
//! @remediation("lambda-remove-outside-permission")
//! forbid (principal, action in [Aws::Action::"lambda:AddPermission20150331v2",
//!     Aws::Action::"lambda:AddPermission20150331"], resource is Aws::Function)
//! when { context has access && context.access.outside };
//! ```

use serde::Deserialize;
use serde_json::json;

use super::prelude::*;

/// The plan's arguments: the statement the call added, and the version or alias it was on.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Args {
    statement_id: String,
    qualifier: Option<String>,
}

remediation! {
    RemoveOutsidePermission {
        name: "lambda-remove-outside-permission",
        service: "lambda",
        iam: &["lambda:GetPolicy", "lambda:RemovePermission"],
    }
    plan: |p| {
        let function = p.target("Function")?;
        let sid = p
            .param("statementId")
            .ok_or_else(|| p.error("the event names no `statementId`"))?;
        let qualifier = p.param("qualifier");
        let summary =
            format!("remove statement `{sid}` from the resource policy of function `{function}`");
        Ok(p.plan(json!({"statementId": sid, "qualifier": qualifier}), summary))
    },
    revert: |plan, aws, args: Args| {
        let (function, lambda) = (plan.resource.as_str(), aws.lambda());
        let (sid, qualifier) = (args.statement_id.as_str(), args.qualifier.as_deref());
        read: || lambda.function_statement_ids(function, qualifier),
        still_wrong: |ids| {
            ids.iter()
                .any(|id| id == sid)
                .then(|| format!("function `{function}` still has statement `{sid}`"))
        },
        act: |_| lambda.remove_function_statement(function, qualifier, sid),
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::tests::plan_for;

    #[test]
    fn the_plan_names_the_added_statement() {
        let plan = plan_for(
            &RemoveOutsidePermission,
            "lambda.amazonaws.com",
            "AddPermission20150331v2",
            json!({"functionName": "report", "statementId": "open", "action": "lambda:InvokeFunction",
                "principal": "210987654321"}),
        )
        .unwrap();
        assert_eq!(plan.resource, "report");
        assert_eq!(plan.args, json!({"statementId": "open", "qualifier": null}));
        let missing = plan_for(
            &RemoveOutsidePermission,
            "lambda.amazonaws.com",
            "AddPermission20150331v2",
            json!({"functionName": "report", "principal": "*"}),
        );
        assert!(missing.unwrap_err().message.contains("statementId"));
    }
}
