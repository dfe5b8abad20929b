//! S3: bucket and account public access, ACLs, bucket policies and default encryption.

use serde_json::{Map, Value as Json};

use super::access::Access;
use super::json::{document, items, strings};
use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{ACCOUNT, EventSpec, ResourceKind, Value};

const BUCKET: ResourceKind =
    ResourceKind::at("Bucket", &["bucketName", "BucketName"], "arn:aws:s3:::{id}");

pub const EVENTS: &[EventSpec] = events! {
    BUCKET: [
        "CreateBucket",
        "DeleteBucket",
        "PutBucketPublicAccessBlock" => public_access_block,
        "DeleteBucketPublicAccessBlock",
        "PutBucketAcl" => bucket_acl,
        "PutBucketPolicy" => bucket_policy,
        "DeleteBucketPolicy",
        "PutBucketEncryption",
        "DeleteBucketEncryption",
        "PutBucketLogging" => logging,
        "PutBucketVersioning" => versioning,
    ],
    ACCOUNT: [
        "PutAccountPublicAccessBlock" => public_access_block,
        "DeleteAccountPublicAccessBlock",
    ],
};

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// Condition keys that limit who can use a `Principal: "*"` statement.
const LIMITING_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "aws:username",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

fn public_access_block(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let mut report = Report::new("publicAccessBlock", out);
    let root = Path::root("requestParameters");
    let at = root.key("PublicAccessBlockConfiguration");
    let config = report.object(&at, params.get("PublicAccessBlockConfiguration"));
    let mut flag = |name: &str| {
        report
            .boolean(&at.key(name), config.and_then(|c| c.get(name)))
            .unwrap_or(false)
    };
    let flags = [
        ("blockPublicAcls", flag("BlockPublicAcls")),
        ("ignorePublicAcls", flag("IgnorePublicAcls")),
        ("blockPublicPolicy", flag("BlockPublicPolicy")),
        ("restrictPublicBuckets", flag("RestrictPublicBuckets")),
    ];
    let all = flags.iter().all(|(_, on)| *on);
    let mut fields: Vec<(&str, Value)> = flags
        .into_iter()
        .map(|(k, on)| (k, Value::Bool(on)))
        .collect();
    fields.push(("allEnabled", Value::Bool(all)));
    fact("publicAccessBlock", fields)
}

fn bucket_acl(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let canned = canned_acl(params);
    let start = out.len();
    let groups = acl_groups(params, &mut Report::new("bucketAcl", out));
    super::malformed::also_for(out, start, "access");
    let mut access = Access::new(input);
    if !groups.is_empty() {
        // AllUsers is anyone; AuthenticatedUsers is anyone with an AWS account.
        access.anyone();
    }
    let mut facts = fact(
        "bucketAcl",
        [
            ("public", Value::Bool(groups.contains(&ALL_USERS))),
            (
                "authenticatedUsers",
                Value::Bool(groups.contains(&AUTHENTICATED_USERS)),
            ),
            ("cannedAcl", Value::str(canned)),
        ],
    );
    facts.extend(access.fact());
    facts
}

fn canned_acl(params: &Map<String, Json>) -> &str {
    strings(params.get("x-amz-acl"))
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("")
}

/// The grantee groups a `PutBucketAcl` request opens the bucket to, as group URIs: `AllUsers`
/// and/or `AuthenticatedUsers`, from its canned ACL, its grant headers or its access control
/// policy.
pub fn public_acl_groups(params: &Map<String, Json>) -> Vec<&'static str> {
    acl_groups(params, &mut Report::new("bucketAcl", &mut Vec::new()))
}

/// [`public_acl_groups`], reporting the fields it reads that are present but malformed.
fn acl_groups(params: &Map<String, Json>, report: &mut Report<'_>) -> Vec<&'static str> {
    let root = Path::root("requestParameters");
    let canned_at = root.key("x-amz-acl");
    let canned = report
        .strings(&canned_at, params.get("x-amz-acl"))
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let mut public = matches!(canned, "public-read" | "public-read-write");
    let mut authenticated = canned == "authenticated-read";
    let policy_at = root.key("AccessControlPolicy");
    let list_at = policy_at.key("AccessControlList");
    let grants_at = list_at.key("Grant");
    let grants = report
        .object(&policy_at, params.get("AccessControlPolicy"))
        .and_then(|p| report.object(&list_at, p.get("AccessControlList")))
        .and_then(|l| l.get("Grant"));
    for (item, grant) in report.objects(&grants_at, grants) {
        let at = item.path(&grants_at);
        let grantee_at = at.key("Grantee");
        let uri = report
            .object(&grantee_at, grant.get("Grantee"))
            .and_then(|g| report.string(&grantee_at.key("URI"), g.get("URI")));
        public |= uri == Some(ALL_USERS);
        authenticated |= uri == Some(AUTHENTICATED_USERS);
    }
    for (key, value) in params.iter().filter(|(k, _)| k.starts_with("x-amz-grant-")) {
        let text = report.strings(&root.key(key), Some(value)).join(",");
        public |= text.contains(ALL_USERS);
        authenticated |= text.contains(AUTHENTICATED_USERS);
    }
    [(public, ALL_USERS), (authenticated, AUTHENTICATED_USERS)]
        .into_iter()
        .filter_map(|(on, uri)| on.then_some(uri))
        .collect()
}

fn bucket_policy(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let start = out.len();
    let mut report = Report::new("bucketPolicy", out);
    let root = Path::root("requestParameters");
    let doc = super::document::policy(
        &mut report,
        &root.key("bucketPolicy"),
        params.get("bucketPolicy"),
    );
    super::malformed::also_for(out, start, "access");
    let Some(doc) = doc else {
        return fact("bucketPolicy", [("public", Value::Bool(false))]);
    };
    let mut facts = fact(
        "bucketPolicy",
        [
            ("public", Value::Bool(grants_public(&doc))),
            ("services", Value::Set(service_principals(&doc))),
            (
                "deniesInsecureTransport",
                Value::Bool(denies_insecure_transport(&doc)),
            ),
        ],
    );
    let mut access = Access::new(input);
    access.document(&doc);
    facts.extend(access.fact());
    facts
}

/// The service principals (`cloudtrail.amazonaws.com`) a policy's `Allow` statements name.
fn service_principals(doc: &Json) -> Vec<Value> {
    let mut out: Vec<&str> = statements(doc)
        .into_iter()
        .filter(|s| s.get("Effect").and_then(Json::as_str) == Some("Allow"))
        .filter_map(|s| s.get("Principal")?.get("Service"))
        .flat_map(|v| strings(Some(v)))
        .collect();
    out.sort_unstable();
    out.dedup();
    out.into_iter().map(Value::str).collect()
}

/// Whether a `Deny` statement refuses requests made without TLS: a `Bool` condition on
/// `aws:SecureTransport` being false, as CIS 2.1.1 asks.
fn denies_insecure_transport(doc: &Json) -> bool {
    statements(doc).into_iter().any(|s| {
        s.get("Effect").and_then(Json::as_str) == Some("Deny")
            && s.get("Condition")
                .and_then(Json::as_object)
                .and_then(|ops| ops.get("Bool"))
                .and_then(Json::as_object)
                .and_then(|keys| {
                    keys.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("aws:SecureTransport"))
                })
                .is_some_and(|(_, v)| {
                    strings(Some(v)).contains(&"false") || v == &Json::Bool(false)
                })
    })
}

/// `versioning`: the versioning status and MFA delete setting a `PutBucketVersioning` sets
/// ("" when not given).
fn versioning(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("versioning", out);
    let root = Path::root("requestParameters");
    let at = root.key("VersioningConfiguration");
    let config = report.object(&at, input.params.get("VersioningConfiguration"));
    let mut text = |key: &str| {
        let value = report.string(&at.key(key), config.and_then(|c| c.get(key)));
        Value::str(value.unwrap_or(""))
    };
    fact(
        "versioning",
        [("status", text("Status")), ("mfaDelete", text("MfaDelete"))],
    )
}

/// `bucketLogging`: whether a `PutBucketLogging` turns server access logging on (it has a
/// `LoggingEnabled` target) or off.
fn logging(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("bucketLogging", out);
    let root = Path::root("requestParameters");
    let at = root.key("BucketLoggingStatus");
    let status = report.object(&at, input.params.get("BucketLoggingStatus"));
    let enabled = status
        .and_then(|s| super::malformed::present(s.get("LoggingEnabled")))
        .is_some();
    fact("bucketLogging", [("enabled", Value::Bool(enabled))])
}

/// The bucket policy a `PutBucketPolicy` request set, as a JSON document.
pub fn requested_bucket_policy(params: &Map<String, Json>) -> Option<Json> {
    document(params.get("bucketPolicy"))
}

/// The statements of a policy document, however `Statement` is written (a list or one object).
pub fn statements(doc: &Json) -> Vec<&Json> {
    items(doc.get("Statement"))
}

/// Whether a resource policy has an Allow statement anyone can use.
pub fn grants_public(doc: &Json) -> bool {
    statements(doc).into_iter().any(statement_is_public)
}

/// Whether one policy statement allows anyone (`Principal: "*"` or `{"AWS": "*"}`) without a
/// condition that limits who can use it.
pub fn statement_is_public(statement: &Json) -> bool {
    let allow = statement.get("Effect").and_then(Json::as_str) == Some("Allow");
    let anyone = match statement.get("Principal") {
        Some(Json::String(s)) => s == "*",
        Some(Json::Object(p)) => p
            .get("AWS")
            .is_some_and(|aws| strings(Some(aws)).contains(&"*")),
        _ => false,
    };
    allow && anyone && !limited_by_condition(statement.get("Condition"))
}

fn limited_by_condition(condition: Option<&Json>) -> bool {
    let Some(Json::Object(operators)) = condition else {
        return false;
    };
    operators.values().filter_map(Json::as_object).any(|keys| {
        keys.keys()
            .any(|k| LIMITING_KEYS.contains(&k.to_ascii_lowercase().as_str()))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use serde_json::json;

    #[test]
    fn public_policies() {
        let open = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]});
        assert!(grants_public(&open));
        let aws_star = json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:*"}});
        assert!(grants_public(&aws_star));
        let vpce = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]});
        assert!(!grants_public(&vpce));
        let deny = json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*"}]});
        assert!(!grants_public(&deny));
        let account = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]});
        assert!(!grants_public(&account));
    }

    use crate::model::malformed::{derive, problems};

    #[test]
    fn bucket_policy_that_is_not_json_is_malformed_not_private() {
        // Reported for both facts read from it: neither fails open.
        let found = problems(
            bucket_policy,
            json!({"bucketName": "b", "bucketPolicy": "invalid-json-policy"}),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("bucketPolicy requestParameters.bucketPolicy: not JSON ("));
        assert!(found[1].starts_with("access requestParameters.bucketPolicy: not JSON ("));
    }

    #[test]
    fn bucket_policy_with_an_unknown_principal_shape_is_malformed() {
        let found = problems(
            bucket_policy,
            json!({"bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": 1, "Action": "s3:*"}]}}),
        );
        assert_eq!(
            found,
            [
                "bucketPolicy requestParameters.bucketPolicy.Statement.0.Principal: unknown principal shape: expected `\"*\"` or an object",
                "access requestParameters.bucketPolicy.Statement.0.Principal: unknown principal shape: expected `\"*\"` or an object",
            ]
        );
    }

    #[test]
    fn public_access_block_flags_that_are_not_booleans_are_malformed() {
        let found = problems(
            public_access_block,
            json!({"PublicAccessBlockConfiguration": {"BlockPublicAcls": "yes", "IgnorePublicAcls": "true",
                "BlockPublicPolicy": true, "RestrictPublicBuckets": 1}}),
        );
        assert_eq!(
            found,
            [
                "publicAccessBlock requestParameters.PublicAccessBlockConfiguration.BlockPublicAcls: expected a boolean, found a string",
                "publicAccessBlock requestParameters.PublicAccessBlockConfiguration.RestrictPublicBuckets: expected a boolean, found a number",
            ]
        );
        let found = problems(
            public_access_block,
            json!({"PublicAccessBlockConfiguration": "on"}),
        );
        assert_eq!(
            found,
            [
                "publicAccessBlock requestParameters.PublicAccessBlockConfiguration: expected an object, found a string"
            ]
        );
    }

    #[test]
    fn acl_grants_of_the_wrong_shape_are_malformed() {
        let found = problems(
            bucket_acl,
            json!({"AccessControlPolicy": {"AccessControlList": {"Grant": [
                {"Grantee": {"URI": ["http://acs.amazonaws.com/groups/global/AllUsers"]}}, "READ"]}},
                "x-amz-acl": [{"canned": "public-read"}]}),
        );
        assert_eq!(
            found,
            [
                "bucketAcl requestParameters.x-amz-acl.0: expected a string, found an object",
                "bucketAcl requestParameters.AccessControlPolicy.AccessControlList.Grant.1: expected an object, found a string",
                "bucketAcl requestParameters.AccessControlPolicy.AccessControlList.Grant.0.Grantee.URI: expected a string, found a list",
                "access requestParameters.x-amz-acl.0: expected a string, found an object",
                "access requestParameters.AccessControlPolicy.AccessControlList.Grant.1: expected an object, found a string",
                "access requestParameters.AccessControlPolicy.AccessControlList.Grant.0.Grantee.URI: expected a string, found a list",
            ]
        );
    }

    #[test]
    fn well_formed_acls_and_policies_report_nothing() {
        let acl = json!({"AccessControlPolicy": {"AccessControlList": {"Grant": {"Grantee": {
            "xsi:type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"}}}, "acl": [""], "x-amz-acl": ["private"]});
        assert!(problems(bucket_acl, acl).is_empty());
        let policy = json!({"bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*"}]}});
        let (facts, found) = derive(bucket_policy, policy);
        assert!(found.is_empty());
        assert_eq!(
            facts.first().map(|(name, _)| name.as_str()),
            Some("bucketPolicy")
        );
        assert_eq!(
            facts.first().map(|(_, v)| v.to_json()["public"].clone()),
            Some(serde_json::json!(true))
        );
        assert_eq!(
            facts.get(1).map(|(_, v)| v.to_json()["outside"].clone()),
            Some(serde_json::json!(true)),
            "the access fact comes from the same document"
        );
        assert!(problems(public_access_block, json!({"bucketName": "b"})).is_empty());
    }
}
