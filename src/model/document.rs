//! Policy documents embedded in a request (an IAM policy, a bucket policy): parsed from an
//! object or a (possibly URL-encoded) JSON string, and checked against the policy grammar as far
//! as the facts read it. A document that is not JSON, or not a policy's shape, is reported as
//! malformed rather than read as a policy that grants nothing.

use serde_json::{Map, Value as Json};

use super::json;
use super::malformed::{Path, Report};

/// The keys a `Principal` object may hold.
const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

/// The document at `at`, if present: parsed, its shape checked (what is wrong is reported), and
/// returned when it is an object (so that the facts can still read what is well-formed).
pub fn policy(report: &mut Report<'_>, at: &Path<'_>, value: Option<&Json>) -> Option<Json> {
    let value = super::malformed::present(value)?;
    let doc = match value {
        Json::Object(_) => value.clone(),
        Json::String(s) => match json::parse_document(s) {
            Ok(doc) => doc,
            Err(e) => {
                report.flag(at, format!("not JSON ({e})"));
                return None;
            }
        },
        Json::Array(_) => {
            report.flag(at, "not a policy document (a list)");
            return None;
        }
        _ => {
            report.flag(at, "not a policy document");
            return None;
        }
    };
    let Json::Object(map) = &doc else {
        report.flag(at, "not a policy document (JSON, but not an object)");
        return None;
    };
    check(report, at, map);
    Some(doc)
}

/// The grammar the facts rely on: `Statement` is an object or a list of objects, each with a
/// string `Effect`, string-or-list `Action`/`NotAction`/`Resource`/`NotResource`, a `Principal`
/// of a known shape and a `Condition` of operator objects.
fn check(report: &mut Report<'_>, at: &Path<'_>, doc: &Map<String, Json>) {
    let list = at.key("Statement");
    let Some(statement) = super::malformed::present(doc.get("Statement")) else {
        report.flag(&list, "missing: a policy document has a `Statement`");
        return;
    };
    if !matches!(statement, Json::Object(_) | Json::Array(_)) {
        report.flag(&list, "expected an object or a list of objects");
        return;
    }
    for (item, s) in report.objects(&list, Some(statement)) {
        let at = item.path(&list);
        match super::malformed::present(s.get("Effect")) {
            None => report.flag(&at.key("Effect"), "missing: a statement has an `Effect`"),
            Some(effect) => {
                report.string(&at.key("Effect"), Some(effect));
            }
        }
        for key in ["Action", "NotAction", "Resource", "NotResource"] {
            report.expect_strings(&at.key(key), s.get(key));
        }
        for key in ["Principal", "NotPrincipal"] {
            principal(report, &at.key(key), s.get(key));
        }
        let condition = at.key("Condition");
        if let Some(operators) = report.object(&condition, s.get("Condition")) {
            for (op, keys) in operators {
                report.object(&condition.key(op), Some(keys));
            }
        }
    }
}

/// `"*"`, or an object of `AWS`/`Service`/`Federated`/`CanonicalUser` to a string or a list of
/// strings.
fn principal(report: &mut Report<'_>, at: &Path<'_>, value: Option<&Json>) {
    match super::malformed::present(value) {
        None => {}
        Some(Json::String(s)) if s == "*" => {}
        Some(Json::Object(map)) => {
            for (key, ids) in map {
                if PRINCIPAL_KEYS.contains(&key.as_str()) {
                    report.expect_strings(&at.key(key), Some(ids));
                } else {
                    report.flag(&at.key(key), "unknown principal kind");
                }
            }
        }
        Some(_) => report.flag(at, "unknown principal shape: expected `\"*\"` or an object"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use serde_json::json;

    fn problems(value: Json) -> Vec<String> {
        let mut out = Vec::new();
        let mut report = Report::new("bucketPolicy", &mut out);
        let root = Path::root("requestParameters");
        policy(&mut report, &root.key("bucketPolicy"), Some(&value));
        out.into_iter()
            .map(|m| format!("{}: {}", m.field, m.problem))
            .collect()
    }

    #[test]
    fn well_formed_documents_are_not_reported() {
        let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::1:root"], "Service": "s3.amazonaws.com"},
            "Action": "s3:*", "Resource": ["*"],
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]});
        assert!(problems(doc.clone()).is_empty());
        assert!(problems(Json::String(doc.to_string())).is_empty());
        assert!(problems(json!({"Statement": {"Effect": "Deny", "Principal": "*"}})).is_empty());
    }

    #[test]
    fn a_document_that_is_not_json_is_reported() {
        let found = problems(json!("{\"Statement\": [{\"Effect\": \"Allow\""));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("requestParameters.bucketPolicy: not JSON ("),
            "{found:?}"
        );
        assert_eq!(
            problems(json!([1])),
            ["requestParameters.bucketPolicy: not a policy document (a list)"]
        );
        assert_eq!(
            problems(json!("\"text\"")),
            ["requestParameters.bucketPolicy: not a policy document (JSON, but not an object)"]
        );
    }

    #[test]
    fn a_statement_of_the_wrong_shape_is_reported() {
        assert_eq!(
            problems(json!({"Statement": "Allow everything"})),
            ["requestParameters.bucketPolicy.Statement: expected an object or a list of objects"]
        );
        assert_eq!(
            problems(json!({"Version": "2012-10-17"})),
            [
                "requestParameters.bucketPolicy.Statement: missing: a policy document has a `Statement`"
            ]
        );
        assert_eq!(
            problems(json!({"Statement": [{"Effect": "Allow", "Action": ["s3:*", 1]}, 3]})),
            [
                "requestParameters.bucketPolicy.Statement.1: expected an object, found a number",
                "requestParameters.bucketPolicy.Statement.0.Action.1: expected a string, found a number"
            ]
        );
    }

    #[test]
    fn a_principal_of_an_unknown_shape_is_reported() {
        assert_eq!(
            problems(json!({"Statement": [{"Effect": "Allow", "Principal": ["*"]}]})),
            [
                "requestParameters.bucketPolicy.Statement.0.Principal: unknown principal shape: expected `\"*\"` or an object"
            ]
        );
        assert_eq!(
            problems(json!({"Statement": [{"Effect": "Allow", "Principal": {"Everyone": "*"}}]})),
            [
                "requestParameters.bucketPolicy.Statement.0.Principal.Everyone: unknown principal kind"
            ]
        );
    }
}
