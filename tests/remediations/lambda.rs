//! Lambda remediations on moto: a function's permission, its URL's auth type and a layer
//! version's permission, through the shipped pack (`lambda-permission-outside`,
//! `lambda-function-url-public`, `lambda-layer-shared-outside`, run in enforce mode).

use aws_sdk_lambda::Client;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, FunctionUrlAuthType, LayerVersionContentInput, Runtime};
use serde_json::json;
use snapback::Event;
use snapback::decision_log::DecisionRecord;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

/// An attacker's account: neither ours nor trusted.
const OUTSIDE: &str = "210987654321";
/// A member of the organization (`policies/entities.json`).
const MEMBER: &str = "111122223333";

/// The smallest zip archive: an empty one (moto stores the code, never runs it here).
const EMPTY_ZIP: &[u8] = &[
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

async fn lambda() -> Client {
    Client::new(&sdk_config().await)
}

/// A role Lambda can assume (moto checks that it exists).
async fn role() -> String {
    let iam = aws_sdk_iam::Client::new(&sdk_config().await);
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let out = iam
        .create_role()
        .role_name(unique("fn-role"))
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap();
    out.role.unwrap().arn
}

async fn function(lambda: &Client) -> String {
    let name = unique("fn");
    lambda
        .create_function()
        .function_name(&name)
        .runtime(Runtime::Python312)
        .role(role().await)
        .handler("index.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(EMPTY_ZIP))
                .build(),
        )
        .send()
        .await
        .unwrap();
    name
}

/// Give `principal` permission to invoke `function` under statement `sid`.
async fn permit(lambda: &Client, function: &str, sid: &str, principal: &str) {
    lambda
        .add_permission()
        .function_name(function)
        .statement_id(sid)
        .action("lambda:InvokeFunction")
        .principal(principal)
        .send()
        .await
        .unwrap();
}

/// The statement ids of the function's policy (none when it has no policy).
async fn function_sids(lambda: &Client, function: &str) -> Vec<String> {
    match lambda.get_policy().function_name(function).send().await {
        Ok(out) => sids(out.policy()),
        Err(_) => Vec::new(),
    }
}

fn sids(policy: Option<&str>) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(policy.unwrap_or("{}")).unwrap();
    let statements = doc["Statement"].as_array().cloned().unwrap_or_default();
    statements
        .iter()
        .map(|s| s["Sid"].as_str().unwrap().to_owned())
        .collect()
}

fn lambda_event(name: &str, params: serde_json::Value) -> Event {
    event("lambda.amazonaws.com", name, params)
}

fn applied(record: &DecisionRecord, calls: &[&str]) {
    assert_eq!(status(record), "applied", "{record:?}");
    assert_eq!(record.remediation.as_ref().unwrap().api_calls, calls);
}

#[tokio::test]
async fn an_outside_permission_is_removed_and_ours_kept() {
    let lambda = lambda().await;
    let (name, other) = (function(&lambda).await, function(&lambda).await);
    permit(&lambda, &name, "member", MEMBER).await;
    permit(&lambda, &name, "attacker", OUTSIDE).await;
    permit(&lambda, &other, "attacker", OUTSIDE).await;
    let add = lambda_event(
        "AddPermission20150331v2",
        json!({"functionName": name, "statementId": "attacker", "action": "lambda:InvokeFunction",
            "principal": OUTSIDE}),
    );

    let audit = react(&reactor(ModeOverride::Audit).await, &add).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert_eq!(function_sids(&lambda, &name).await, ["member", "attacker"]);

    let enforce = reactor(ModeOverride::Enforce).await;
    applied(
        &react(&enforce, &add).await,
        &[
            "lambda:GetPolicy",
            "lambda:RemovePermission",
            "lambda:GetPolicy",
        ],
    );
    assert_eq!(function_sids(&lambda, &name).await, ["member"]);
    assert_eq!(
        function_sids(&lambda, &other).await,
        ["attacker"],
        "another function was not touched"
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &add).await),
        "noop",
        "a second delivery"
    );
}

#[tokio::test]
async fn the_last_statement_removed_leaves_no_policy() {
    let lambda = lambda().await;
    let name = function(&lambda).await;
    permit(&lambda, &name, "anyone", "*").await;
    let add = lambda_event(
        "AddPermission20150331v2",
        json!({"functionName": name, "statementId": "anyone", "action": "lambda:InvokeFunction",
            "principal": "*"}),
    );
    let enforce = reactor(ModeOverride::Enforce).await;
    assert_eq!(status(&react(&enforce, &add).await), "applied");
    assert!(function_sids(&lambda, &name).await.is_empty());
}

#[tokio::test]
async fn a_permission_on_a_deleted_function_is_a_noop() {
    let add = lambda_event(
        "AddPermission20150331v2",
        json!({"functionName": unique("gone"), "statementId": "attacker",
            "action": "lambda:InvokeFunction", "principal": OUTSIDE}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &add).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}

async fn public_url(lambda: &Client, function: &str) {
    lambda
        .create_function_url_config()
        .function_name(function)
        .auth_type(FunctionUrlAuthType::None)
        .send()
        .await
        .unwrap();
}

async fn url_auth(lambda: &Client, function: &str) -> FunctionUrlAuthType {
    let out = lambda
        .get_function_url_config()
        .function_name(function)
        .send()
        .await
        .unwrap();
    out.auth_type().clone()
}

#[tokio::test]
async fn a_public_function_url_is_made_to_require_iam() {
    let lambda = lambda().await;
    let (name, other) = (function(&lambda).await, function(&lambda).await);
    public_url(&lambda, &name).await;
    public_url(&lambda, &other).await;
    let create = lambda_event(
        "CreateFunctionUrlConfig20211031",
        json!({"functionName": name, "authType": "NONE"}),
    );

    let audit = react(&reactor(ModeOverride::Audit).await, &create).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert_eq!(url_auth(&lambda, &name).await, FunctionUrlAuthType::None);

    let enforce = reactor(ModeOverride::Enforce).await;
    applied(
        &react(&enforce, &create).await,
        &[
            "lambda:GetFunctionUrlConfig",
            "lambda:UpdateFunctionUrlConfig",
            "lambda:GetFunctionUrlConfig",
        ],
    );
    assert_eq!(url_auth(&lambda, &name).await, FunctionUrlAuthType::AwsIam);
    assert_eq!(
        url_auth(&lambda, &other).await,
        FunctionUrlAuthType::None,
        "another function's URL was not touched"
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &create).await),
        "noop",
        "a second delivery"
    );
}

#[tokio::test]
async fn a_deleted_function_url_is_a_noop() {
    let lambda = lambda().await;
    let name = function(&lambda).await;
    let update = lambda_event(
        "UpdateFunctionUrlConfig20211031",
        json!({"functionName": name, "authType": "NONE"}),
    );
    let enforce = reactor(ModeOverride::Enforce).await;
    assert_eq!(
        status(&react(&enforce, &update).await),
        "noop",
        "a function without a URL"
    );
    let gone = lambda_event(
        "UpdateFunctionUrlConfig20211031",
        json!({"functionName": unique("gone"), "authType": "NONE"}),
    );
    assert_eq!(status(&react(&enforce, &gone).await), "noop");
}

/// A new layer with one version; its name.
async fn layer(lambda: &Client) -> String {
    let name = unique("layer");
    let content = LayerVersionContentInput::builder()
        .zip_file(Blob::new(EMPTY_ZIP))
        .build();
    lambda
        .publish_layer_version()
        .layer_name(&name)
        .content(content)
        .send()
        .await
        .unwrap();
    name
}

async fn share_layer(lambda: &Client, layer: &str, sid: &str, principal: &str) {
    lambda
        .add_layer_version_permission()
        .layer_name(layer)
        .version_number(1)
        .statement_id(sid)
        .action("lambda:GetLayerVersion")
        .principal(principal)
        .send()
        .await
        .unwrap();
}

async fn layer_sids(lambda: &Client, layer: &str) -> Vec<String> {
    let read = lambda
        .get_layer_version_policy()
        .layer_name(layer)
        .version_number(1);
    match read.send().await {
        Ok(out) => sids(out.policy()),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn a_layer_shared_outside_is_unshared_and_ours_kept() {
    let lambda = lambda().await;
    let (name, other) = (layer(&lambda).await, layer(&lambda).await);
    share_layer(&lambda, &name, "org", MEMBER).await;
    share_layer(&lambda, &name, "everyone", "*").await;
    share_layer(&lambda, &other, "everyone", "*").await;
    let add = lambda_event(
        "AddLayerVersionPermission20181031",
        json!({"layerName": name, "versionNumber": 1, "statementId": "everyone",
            "action": "lambda:GetLayerVersion", "principal": "*"}),
    );

    let audit = react(&reactor(ModeOverride::Audit).await, &add).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert_eq!(layer_sids(&lambda, &name).await, ["org", "everyone"]);

    let enforce = reactor(ModeOverride::Enforce).await;
    applied(
        &react(&enforce, &add).await,
        &[
            "lambda:GetLayerVersionPolicy",
            "lambda:RemoveLayerVersionPermission",
            "lambda:GetLayerVersionPolicy",
        ],
    );
    assert_eq!(layer_sids(&lambda, &name).await, ["org"]);
    assert_eq!(
        layer_sids(&lambda, &other).await,
        ["everyone"],
        "another layer was not touched"
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &add).await),
        "noop",
        "a second delivery"
    );
}

#[tokio::test]
async fn a_deleted_layer_version_is_a_noop() {
    let lambda = lambda().await;
    let name = layer(&lambda).await;
    share_layer(&lambda, &name, "everyone", "*").await;
    lambda
        .delete_layer_version()
        .layer_name(&name)
        .version_number(1)
        .send()
        .await
        .unwrap();
    let add = lambda_event(
        "AddLayerVersionPermission20181031",
        json!({"layerName": name, "versionNumber": 1, "statementId": "everyone",
            "action": "lambda:GetLayerVersion", "principal": "*"}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &add).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}
