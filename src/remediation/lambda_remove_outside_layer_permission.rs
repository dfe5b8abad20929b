//! `lambda-remove-outside-layer-permission`: stop sharing a layer version outside the
//! organization.
//!
//! Why: a layer is code that runs inside every function using it; one shared with `*` or an
//! outside account can be read (and its secrets, if someone packaged any, with it) by anyone
//! it is shared with.
//! Trigger: `lambda:AddLayerVersionPermission20181031` whose `access` is outside (policy
//! `lambda-layer-shared-outside`).
//! What: the statement the call added to the layer version's policy: the event's `layerName`,
//! `versionNumber` and `statementId`. Other statements and versions are kept.
//! Calls: `GetLayerVersionPolicy`; if the statement is still there,
//! `RemoveLayerVersionPermission`; `GetLayerVersionPolicy` to verify. A layer version that is
//! gone, or a statement already removed, is a no-op.
//!
//! ```cedar
//! @remediation("lambda-remove-outside-layer-permission")
//! forbid (principal, action == Aws::Action::"lambda:AddLayerVersionPermission20181031",
//!     resource is Aws::Layer)
//! when { context has access && context.access.outside };
//! ```

use serde::Deserialize;
use serde_json::{Value as Json, json};

use super::prelude::*;

/// The plan's arguments: the version and the statement the call added.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Args {
    version_number: i64,
    statement_id: String,
}

remediation! {
    RemoveOutsideLayerPermission {
        name: "lambda-remove-outside-layer-permission",
        service: "lambda",
        iam: &["lambda:GetLayerVersionPolicy", "lambda:RemoveLayerVersionPermission"],
    }
    plan: |p| {
        let layer = p.target("Layer")?;
        let sid = p
            .param("statementId")
            .ok_or_else(|| p.error("the event names no `statementId`"))?;
        // CloudTrail writes the version as a number; a string of digits is read too.
        let version = p
            .event
            .request_parameters()
            .and_then(|params| params.get("versionNumber"))
            .and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
            .filter(|v| *v > 0)
            .ok_or_else(|| p.error("the event names no `versionNumber`"))?;
        let summary = format!(
            "remove statement `{sid}` from the policy of version {version} of layer `{layer}`"
        );
        Ok(p.plan(json!({"versionNumber": Json::from(version), "statementId": sid}), summary))
    },
    revert: |plan, aws, args: Args| {
        let (layer, lambda) = (plan.resource.as_str(), aws.lambda());
        let (version, sid) = (args.version_number, args.statement_id.as_str());
        read: || lambda.layer_statement_ids(layer, version),
        still_wrong: |ids| {
            ids.iter().any(|id| id == sid).then(|| {
                format!("version {version} of layer `{layer}` still has statement `{sid}`")
            })
        },
        act: |_| lambda.remove_layer_statement(layer, version, sid),
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::tests::plan_for;

    fn layer_plan(params: Json) -> Result<crate::remediation::Plan, crate::remediation::PlanError> {
        plan_for(
            &RemoveOutsideLayerPermission,
            "lambda.amazonaws.com",
            "AddLayerVersionPermission20181031",
            params,
        )
    }

    #[test]
    fn the_plan_names_the_version_and_statement() {
        let plan = layer_plan(
            json!({"layerName": "common", "versionNumber": 3, "statementId": "share",
            "action": "lambda:GetLayerVersion", "principal": "*"}),
        )
        .unwrap();
        assert_eq!(plan.resource, "common");
        assert_eq!(
            plan.args,
            json!({"versionNumber": 3, "statementId": "share"})
        );
        let text =
            layer_plan(json!({"layerName": "common", "versionNumber": "4", "statementId": "s"}));
        assert_eq!(text.unwrap().args["versionNumber"], json!(4));
        let none = layer_plan(json!({"layerName": "common", "statementId": "s"}));
        assert!(none.unwrap_err().message.contains("versionNumber"));
    }
}
