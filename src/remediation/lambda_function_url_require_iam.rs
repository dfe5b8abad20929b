//! `lambda-function-url-require-iam`: make a public function URL require IAM authentication.
//!
//! Why: a function URL with auth type `NONE` is an HTTPS endpoint anyone on the internet can
//! call, running the function with its role; `AWS_IAM` lets only signed callers with
//! `lambda:InvokeFunctionUrl` through (AWS FSBP Lambda.1).
//! Trigger: `lambda:CreateFunctionUrlConfig20211031` or `UpdateFunctionUrlConfig20211031` with
//! `authType: NONE` (policy `lambda-function-url-public`).
//! Calls: `GetFunctionUrlConfig` (of the event's `qualifier`, if any); if the auth type is not
//! `AWS_IAM`, `UpdateFunctionUrlConfig` setting only `AuthType: AWS_IAM` (CORS and invoke mode
//! are left as they are); `GetFunctionUrlConfig` to verify. A function or URL that is gone is
//! a no-op. Callers of the URL must sign their requests afterwards: that is the point.
//!
//! ```cedar
//! @remediation("lambda-function-url-require-iam")
//! forbid (principal, action in [Aws::Action::"lambda:CreateFunctionUrlConfig20211031",
//!     Aws::Action::"lambda:UpdateFunctionUrlConfig20211031"], resource is Aws::Function)
//! when { context has functionUrl && context.functionUrl.authType == "NONE" };
//! ```

use serde::Deserialize;
use serde_json::json;

use super::prelude::*;

/// The auth type the revert sets.
const IAM: &str = "AWS_IAM";

/// The plan's arguments: the version or alias the URL is on, if the event names one.
#[derive(Deserialize)]
struct Args {
    qualifier: Option<String>,
}

remediation! {
    FunctionUrlRequireIam {
        name: "lambda-function-url-require-iam",
        service: "lambda",
        iam: &["lambda:GetFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig"],
    }
    plan: |p| {
        let function = p.target("Function")?;
        let summary = format!("require IAM authentication (AWS_IAM) on the URL of function `{function}`");
        Ok(p.plan(json!({"qualifier": p.param("qualifier")}), summary))
    },
    revert: |plan, aws, args: Args| {
        let (function, lambda) = (plan.resource.as_str(), aws.lambda());
        let qualifier = args.qualifier.as_deref();
        read: || lambda.function_url_auth(function, qualifier),
        still_wrong: |auth| {
            (auth != IAM).then(|| format!("the URL of function `{function}` is still auth type `{auth}`"))
        },
        act: |_| lambda.require_url_iam_auth(function, qualifier),
    },
}
