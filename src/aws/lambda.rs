//! Lambda calls the remediations make: the statements of a function's or a layer version's
//! resource policy and removing one of them, and the auth type of a function URL. A function,
//! layer version or URL that is gone reads as `None`, and so does a resource policy that has no
//! statement left (Lambda answers `ResourceNotFoundException` for both).

use aws_sdk_lambda::types::FunctionUrlAuthType;
use serde_json::Value as Json;

use super::error::{found, sent};
use super::{ApiError, ErrorKind, capability};

/// The `Sid` of each statement of a resource policy Lambda returned as JSON text.
fn statement_ids(call: &str, text: Option<&str>) -> Result<Vec<String>, ApiError> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(Vec::new());
    };
    let doc: Json = serde_json::from_str(text).map_err(|e| {
        ApiError::new(
            call,
            ErrorKind::Rejected,
            format!("the resource policy is not json: {e}"),
        )
    })?;
    let statements = match doc.get("Statement") {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(one @ Json::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    Ok(statements
        .into_iter()
        .filter_map(|s| s.get("Sid").and_then(Json::as_str))
        .map(str::to_owned)
        .collect())
}

capability! {
    /// The Lambda calls of the permission and function URL remediations.
    pub trait LambdaOps(lambda) for aws_sdk_lambda::Client {
        /// The statement ids of the function's resource policy (of the version or alias
        /// `qualifier`), or None when the function is gone or has no policy.
        fn function_statement_ids<'a>(&'a self, function: &'a str, qualifier: Option<&'a str>)
            -> Option<Vec<String>> = "lambda:GetPolicy", |call| {
            let read = self
                .get_policy()
                .function_name(function)
                .set_qualifier(qualifier.map(str::to_owned));
            let out = found(call, read.send().await, &[])?;
            out.map(|o| statement_ids(call, o.policy())).transpose()
        }

        /// Remove the statement `sid` from the function's resource policy.
        fn remove_function_statement<'a>(
            &'a self,
            function: &'a str,
            qualifier: Option<&'a str>,
            sid: &'a str,
        ) -> () = "lambda:RemovePermission", |call| {
            let remove = self
                .remove_permission()
                .function_name(function)
                .statement_id(sid)
                .set_qualifier(qualifier.map(str::to_owned));
            sent(call, remove.send().await).map(drop)
        }

        /// The auth type of the function URL (`NONE`, `AWS_IAM`), or None when the function or
        /// its URL is gone.
        fn function_url_auth<'a>(&'a self, function: &'a str, qualifier: Option<&'a str>)
            -> Option<String> = "lambda:GetFunctionUrlConfig", |call| {
            let read = self
                .get_function_url_config()
                .function_name(function)
                .set_qualifier(qualifier.map(str::to_owned));
            let out = found(call, read.send().await, &[])?;
            Ok(out.map(|o| o.auth_type().as_str().to_owned()))
        }

        /// Require IAM authentication (`AWS_IAM`) on the function URL; its CORS settings and
        /// invoke mode are left as they are.
        fn require_url_iam_auth<'a>(&'a self, function: &'a str, qualifier: Option<&'a str>)
            -> () = "lambda:UpdateFunctionUrlConfig", |call| {
            let update = self
                .update_function_url_config()
                .function_name(function)
                .set_qualifier(qualifier.map(str::to_owned))
                .auth_type(FunctionUrlAuthType::AwsIam);
            sent(call, update.send().await).map(drop)
        }

        /// The statement ids of the layer version's resource policy, or None when the layer
        /// version is gone or has no policy.
        fn layer_statement_ids<'a>(&'a self, layer: &'a str, version: i64)
            -> Option<Vec<String>> = "lambda:GetLayerVersionPolicy", |call| {
            let read = self.get_layer_version_policy().layer_name(layer).version_number(version);
            let out = found(call, read.send().await, &[])?;
            out.map(|o| statement_ids(call, o.policy())).transpose()
        }

        /// Remove the statement `sid` from the layer version's resource policy.
        fn remove_layer_statement<'a>(&'a self, layer: &'a str, version: i64, sid: &'a str)
            -> () = "lambda:RemoveLayerVersionPermission", |call| {
            let remove = self
                .remove_layer_version_permission()
                .layer_name(layer)
                .version_number(version)
                .statement_id(sid);
            sent(call, remove.send().await).map(drop)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_ids_are_read_from_the_policy_text() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow"},{"Effect":"Allow"},{"Sid":"b"}]}"#;
        assert_eq!(
            statement_ids("lambda:GetPolicy", Some(text)).unwrap(),
            ["a", "b"]
        );
        assert_eq!(
            statement_ids("lambda:GetPolicy", Some(r#"{"Statement":{"Sid":"one"}}"#)).unwrap(),
            ["one"]
        );
        assert!(statement_ids("lambda:GetPolicy", None).unwrap().is_empty());
        let err = statement_ids("lambda:GetPolicy", Some("not json")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Rejected);
    }
}
