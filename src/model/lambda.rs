//! Lambda: function and layer permissions, function URLs and the layers a function runs.
//! CloudTrail names Lambda's calls with their API version (`AddPermission20150331v2`), and so
//! do these tables, for that is what EventBridge matches.

use super::access::{Access, Pin};
use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{Arn, EventSpec, ResourceKind, Value};

const FUNCTION: ResourceKind = ResourceKind::new(
    "Function",
    super::Id::Paths(&["functionName", "FunctionName"]),
)
.arn(Arn::Build(|account, region, id| {
    if id.starts_with("arn:") {
        id.to_owned()
    } else {
        format!("arn:aws:lambda:{region}:{account}:function:{id}")
    }
}));

const LAYER: ResourceKind = ResourceKind::new("Layer", super::Id::Paths(&["layerName"])).arn(
    Arn::Build(|account, region, id| {
        if id.starts_with("arn:") {
            id.to_owned()
        } else {
            format!("arn:aws:lambda:{region}:{account}:layer:{id}")
        }
    }),
);

pub const EVENTS: &[EventSpec] = events! {
    FUNCTION: [
        "AddPermission20150331v2" => permission,
        "AddPermission20150331" => permission,
        "RemovePermission20150331v2",
        "RemovePermission20150331",
        "CreateFunctionUrlConfig20211031" => function_url,
        "UpdateFunctionUrlConfig20211031" => function_url,
        "DeleteFunctionUrlConfig20211031",
        "CreateFunction20150331" => layers,
        "UpdateFunctionConfiguration20150331v2" => layers,
        "UpdateFunctionConfiguration20150331" => layers,
    ],
    LAYER: [
        "AddLayerVersionPermission20181031" => layer_permission,
        "RemoveLayerVersionPermission20181031",
    ],
};

/// `access`: the principal an `AddPermission` lets invoke the function, pinned by the source
/// account, source ARN or organization it names.
fn permission(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let mut report = Report::new("access", out);
    let root = Path::root("requestParameters");
    let text = |report: &mut Report<'_>, key: &str| report.string(&root.key(key), params.get(key));
    let Some(principal) = text(&mut report, "principal") else {
        return Vec::new();
    };
    let mut pins = Vec::new();
    if let Some(account) = text(&mut report, "sourceAccount") {
        pins.push(Pin::Accounts(vec![account]));
    }
    if let Some(arn) = text(&mut report, "sourceArn") {
        pins.push(Pin::Accounts(vec![arn]));
    }
    if let Some(org) = text(&mut report, "principalOrgID") {
        pins.push(Pin::Orgs(vec![org]));
    }
    let mut access = Access::new(input);
    access.principal(principal, &pins);
    access.fact()
}

/// `functionUrl`: the auth type a function URL is created or updated with (`NONE` is public).
fn function_url(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("functionUrl", out);
    let root = Path::root("requestParameters");
    let auth = report
        .string(&root.key("authType"), input.params.get("authType"))
        .unwrap_or("");
    fact("functionUrl", [("authType", Value::str(auth))])
}

/// `layers`: the accounts whose layers the function is set to run (an `Access`: `outside`
/// when one is outside the organization and not trusted). No fact when the call sets none.
fn layers(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("layers", out);
    let root = Path::root("requestParameters");
    let Some(value) = super::malformed::present(input.params.get("layers")) else {
        return Vec::new();
    };
    let arns = report.strings(&root.key("layers"), Some(value));
    let mut access = Access::new(input);
    for arn in arns {
        access.account(arn);
    }
    let mut facts = access.fact();
    for (name, _) in &mut facts {
        "layers".clone_into(name);
    }
    facts
}

/// `access`: the account (or `*`, limited to an organization or not) a layer version is
/// shared with.
fn layer_permission(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let mut report = Report::new("access", out);
    let root = Path::root("requestParameters");
    let Some(principal) = report.string(&root.key("principal"), params.get("principal")) else {
        return Vec::new();
    };
    let org = report.string(&root.key("organizationId"), params.get("organizationId"));
    let pins: Vec<Pin<'_>> = org.map(|o| Pin::Orgs(vec![o])).into_iter().collect();
    let mut access = Access::new(input);
    access.principal(principal, &pins);
    access.fact()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use crate::model::malformed::derive;
    use serde_json::json;

    fn field(facts: &[(String, Value)], name: &str) -> serde_json::Value {
        facts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.to_json())
            .unwrap_or_default()
    }

    #[test]
    fn a_permission_for_anyone_is_public_unless_a_source_pins_it() {
        let (facts, found) = derive(
            permission,
            json!({"functionName": "f", "principal": "*", "action": "lambda:InvokeFunction"}),
        );
        assert!(found.is_empty());
        assert_eq!(field(&facts, "access")["public"], json!(true));
        let (facts, _) = derive(
            permission,
            json!({"principal": "s3.amazonaws.com", "sourceAccount": "444455556666"}),
        );
        assert_eq!(field(&facts, "access")["outside"], json!(false));
        let (facts, _) = derive(
            permission,
            json!({"principal": "*", "sourceAccount": "444455556666"}),
        );
        assert_eq!(
            field(&facts, "access")["outsideAccounts"],
            json!(["444455556666"])
        );
        let (facts, _) = derive(permission, json!({"principal": "444455556666"}));
        assert_eq!(field(&facts, "access")["outside"], json!(true));
    }

    #[test]
    fn layers_from_another_account_are_outside() {
        let (facts, found) = derive(
            layers,
            json!({"functionName": "f", "layers": ["arn:aws:lambda:us-east-1:444455556666:layer:x:1",
                "arn:aws:lambda:us-east-1:111122223333:layer:mine:3"]}),
        );
        assert!(found.is_empty());
        assert_eq!(
            field(&facts, "layers")["outsideAccounts"],
            json!(["444455556666"])
        );
        let (_, found) = derive(layers, json!({"layers": [{"arn": "x"}]}));
        assert_eq!(found.len(), 1);
    }
}
