//! S3 and S3 Control remediations on moto (bucket policies open outside the organization in
//! [`outside`]).

mod outside;

use aws_sdk_s3::types::{
    AccessControlPolicy, BucketCannedAcl, Grant, Grantee, Permission,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Type,
};
use serde_json::json;
use snapback::Event;
use snapback::decision_log::DecisionRecord;
use snapback::reactor::ModeOverride;

use super::common::{ACCOUNT, event, react, reactor, sdk_config, status, unique};

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

pub(super) async fn s3() -> aws_sdk_s3::Client {
    let config = sdk_config().await;
    let config = aws_sdk_s3::config::Builder::from(&config).force_path_style(true);
    aws_sdk_s3::Client::from_conf(config.build())
}

pub(super) async fn bucket(s3: &aws_sdk_s3::Client) -> String {
    let name = unique("snapback-s3").to_lowercase();
    s3.create_bucket().bucket(&name).send().await.unwrap();
    name
}

fn s3_event(name: &str, params: serde_json::Value) -> Event {
    event("s3.amazonaws.com", name, params)
}

/// The event through a fresh reactor in enforce mode.
async fn enforce(event: &Event) -> DecisionRecord {
    react(&reactor(ModeOverride::Enforce).await, event).await
}

/// The event through a fresh reactor in audit mode: a plan, nothing applied.
async fn assert_planned(event: &Event) {
    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, event).await),
        "planned"
    );
}

/// The event applied, with exactly these calls.
fn assert_applied(record: &DecisionRecord, calls: &[&str]) {
    assert_eq!(status(record), "applied", "{record:?}");
    assert_eq!(record.remediation.as_ref().unwrap().api_calls, calls);
}

fn pab(on: bool, restrict: bool) -> PublicAccessBlockConfiguration {
    PublicAccessBlockConfiguration::builder()
        .block_public_acls(on)
        .ignore_public_acls(on)
        .block_public_policy(on)
        .restrict_public_buckets(restrict)
        .build()
}

async fn put_pab(s3: &aws_sdk_s3::Client, name: &str, on: bool, restrict: bool) {
    let put = s3.put_public_access_block().bucket(name);
    put.public_access_block_configuration(pab(on, restrict))
        .send()
        .await
        .unwrap();
}

fn on(flags: [Option<bool>; 4]) -> [bool; 4] {
    flags.map(|f| f == Some(true))
}

/// The bucket's four flags, or None without a configuration.
async fn bucket_flags(s3: &aws_sdk_s3::Client, name: &str) -> Option<[bool; 4]> {
    let out = s3
        .get_public_access_block()
        .bucket(name)
        .send()
        .await
        .ok()?;
    let c = out.public_access_block_configuration()?;
    Some(on([
        c.block_public_acls,
        c.ignore_public_acls,
        c.block_public_policy,
        c.restrict_public_buckets,
    ]))
}

const PAB_CALLS: &[&str] = &[
    "s3:GetPublicAccessBlock",
    "s3:PutPublicAccessBlock",
    "s3:GetPublicAccessBlock",
];

#[tokio::test]
async fn deleted_bucket_public_access_block_is_restored() {
    let s3 = s3().await;
    let (name, other) = (bucket(&s3).await, bucket(&s3).await);
    put_pab(&s3, &other, false, false).await;
    let delete = s3_event(
        "DeleteBucketPublicAccessBlock",
        json!({"bucketName": name, "publicAccessBlock": ""}),
    );

    assert_planned(&delete).await;
    assert_eq!(
        bucket_flags(&s3, &name).await,
        None,
        "audit mode must change nothing"
    );

    assert_applied(&enforce(&delete).await, PAB_CALLS);
    assert_eq!(bucket_flags(&s3, &name).await, Some([true; 4]));
    assert_eq!(
        bucket_flags(&s3, &other).await,
        Some([false; 4]),
        "another bucket was not touched"
    );
    assert_eq!(status(&enforce(&delete).await), "noop");
}

#[tokio::test]
async fn weakened_bucket_public_access_block_is_restored() {
    let s3 = s3().await;
    let name = bucket(&s3).await;
    put_pab(&s3, &name, true, false).await;
    let config = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true,
        "RestrictPublicBuckets": false});
    let put = s3_event(
        "PutBucketPublicAccessBlock",
        json!({"bucketName": name, "publicAccessBlock": "", "PublicAccessBlockConfiguration": config}),
    );
    assert_planned(&put).await;
    assert_eq!(
        bucket_flags(&s3, &name).await,
        Some([true, true, true, false])
    );

    assert_applied(&enforce(&put).await, PAB_CALLS);
    assert_eq!(bucket_flags(&s3, &name).await, Some([true; 4]));
    assert_eq!(status(&enforce(&put).await), "noop");
}

#[tokio::test]
async fn a_deleted_bucket_is_a_noop() {
    for name in ["DeleteBucketPublicAccessBlock", "DeleteBucketEncryption"] {
        let gone = s3_event(name, json!({"bucketName": unique("gone").to_lowercase()}));
        assert_eq!(status(&enforce(&gone).await), "noop", "{name}");
    }
}

/// S3 Control puts the account id in front of the host, which moto cannot answer: take it off.
#[derive(Debug)]
struct StripAccountPrefix;

impl aws_smithy_runtime_api::client::interceptors::Intercept for StripAccountPrefix {
    fn name(&self) -> &'static str {
        "StripAccountPrefix"
    }

    fn modify_before_transmit(
        &self,
        context: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut<'_>,
        _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let uri = context.request().uri().replace(&format!("{ACCOUNT}."), "");
        context.request_mut().set_uri(uri)?;
        Ok(())
    }
}

async fn account_flags(control: &aws_sdk_s3control::Client) -> Option<[bool; 4]> {
    let out = control
        .get_public_access_block()
        .account_id(ACCOUNT)
        .send()
        .await
        .ok()?;
    let c = out.public_access_block_configuration()?;
    Some(on([
        c.block_public_acls,
        c.ignore_public_acls,
        c.block_public_policy,
        c.restrict_public_buckets,
    ]))
}

/// One test for both account events: the account's setting is shared state.
#[tokio::test]
async fn account_public_access_block_is_restored() {
    let config = sdk_config().await;
    let config = aws_sdk_s3control::config::Builder::from(&config).interceptor(StripAccountPrefix);
    let control = aws_sdk_s3control::Client::from_conf(config.build());
    let s3 = s3().await;
    let other = bucket(&s3).await;
    put_pab(&s3, &other, false, false).await;

    let weak = aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
        .block_public_acls(false)
        .ignore_public_acls(false)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    let put = control.put_public_access_block().account_id(ACCOUNT);
    put.public_access_block_configuration(weak)
        .send()
        .await
        .unwrap();
    let config = json!({"BlockPublicAcls": false, "IgnorePublicAcls": false, "BlockPublicPolicy": true,
        "RestrictPublicBuckets": true});
    let host = format!("{ACCOUNT}.s3-control.us-east-1.amazonaws.com");
    let put = s3_event(
        "PutAccountPublicAccessBlock",
        json!({"publicAccessBlock": "", "Host": host, "PublicAccessBlockConfiguration": config}),
    );
    assert_planned(&put).await;
    assert_eq!(
        account_flags(&control).await,
        Some([false, false, true, true]),
        "audit mode must change nothing"
    );

    let calls = [
        "s3control:GetPublicAccessBlock",
        "s3control:PutPublicAccessBlock",
        "s3control:GetPublicAccessBlock",
    ];
    assert_applied(&enforce(&put).await, &calls);
    assert_eq!(account_flags(&control).await, Some([true; 4]));
    assert_eq!(
        bucket_flags(&s3, &other).await,
        Some([false; 4]),
        "bucket settings were not touched"
    );
    assert_eq!(status(&enforce(&put).await), "noop");

    control
        .delete_public_access_block()
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap();
    assert_eq!(account_flags(&control).await, None);
    let delete = s3_event(
        "DeleteAccountPublicAccessBlock",
        json!({"publicAccessBlock": "", "Host": host}),
    );
    assert_applied(&enforce(&delete).await, &calls);
    assert_eq!(account_flags(&control).await, Some([true; 4]));
    assert_eq!(status(&enforce(&delete).await), "noop");
}

fn grant(grantee: Grantee, permission: Permission) -> Grant {
    Grant::builder()
        .grantee(grantee)
        .permission(permission)
        .build()
}

fn group(uri: &str, permission: Permission) -> Grant {
    grant(
        Grantee::builder()
            .r#type(Type::Group)
            .uri(uri)
            .build()
            .unwrap(),
        permission,
    )
}

/// (grantee URI or canonical id, permission) for every grant of the bucket's ACL, sorted.
async fn grants(s3: &aws_sdk_s3::Client, name: &str) -> Vec<(String, String)> {
    let acl = s3.get_bucket_acl().bucket(name).send().await.unwrap();
    let mut grants: Vec<(String, String)> = acl
        .grants()
        .iter()
        .map(|g| {
            let grantee = g.grantee().unwrap();
            let who = grantee.uri().or(grantee.id()).unwrap().to_owned();
            (who, g.permission().unwrap().as_str().to_owned())
        })
        .collect();
    grants.sort();
    grants
}

#[tokio::test]
async fn public_acl_grants_are_removed_and_the_rest_kept() {
    let s3 = s3().await;
    let name = bucket(&s3).await;
    let owner = s3
        .get_bucket_acl()
        .bucket(&name)
        .send()
        .await
        .unwrap()
        .owner
        .unwrap();
    let owner_id = owner.id().unwrap().to_owned();
    let policy = AccessControlPolicy::builder()
        .owner(owner)
        .grants(grant(
            Grantee::builder()
                .r#type(Type::CanonicalUser)
                .id(&owner_id)
                .build()
                .unwrap(),
            Permission::FullControl,
        ))
        .grants(group(LOG_DELIVERY, Permission::Write))
        .grants(group(ALL_USERS, Permission::Read))
        .build();
    s3.put_bucket_acl()
        .bucket(&name)
        .access_control_policy(policy)
        .send()
        .await
        .unwrap();
    let acl = json!({"Grant": [
        {"Grantee": {"xsi:type": "CanonicalUser", "ID": owner_id}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"xsi:type": "Group", "URI": LOG_DELIVERY}, "Permission": "WRITE"},
        {"Grantee": {"xsi:type": "Group", "URI": ALL_USERS}, "Permission": "READ"}]});
    let put = s3_event(
        "PutBucketAcl",
        json!({"bucketName": name, "acl": "", "AccessControlPolicy": {"AccessControlList": acl, "Owner": {"ID": owner_id}}}),
    );
    let before = grants(&s3, &name).await;
    assert_eq!(before.len(), 3);
    assert_planned(&put).await;
    assert_eq!(
        grants(&s3, &name).await,
        before,
        "audit mode must change nothing"
    );

    assert_applied(
        &enforce(&put).await,
        &["s3:GetBucketAcl", "s3:PutBucketAcl", "s3:GetBucketAcl"],
    );
    let mut kept = vec![
        (LOG_DELIVERY.to_owned(), "WRITE".to_owned()),
        (owner_id, "FULL_CONTROL".to_owned()),
    ];
    kept.sort();
    assert_eq!(
        grants(&s3, &name).await,
        kept,
        "only the AllUsers grant was removed"
    );
    assert_eq!(status(&enforce(&put).await), "noop");
}

#[tokio::test]
async fn a_canned_authenticated_read_acl_is_reverted() {
    let s3 = s3().await;
    let name = bucket(&s3).await;
    s3.put_bucket_acl()
        .bucket(&name)
        .acl(BucketCannedAcl::AuthenticatedRead)
        .send()
        .await
        .unwrap();
    assert!(
        grants(&s3, &name)
            .await
            .iter()
            .any(|(g, _)| g == AUTHENTICATED_USERS)
    );
    let put = s3_event(
        "PutBucketAcl",
        json!({"bucketName": name, "acl": "", "x-amz-acl": ["authenticated-read"]}),
    );
    let record = enforce(&put).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let after = grants(&s3, &name).await;
    assert!(
        !after.iter().any(|(g, _)| g == AUTHENTICATED_USERS),
        "{after:?}"
    );
    assert!(
        after.iter().any(|(_, p)| p == "FULL_CONTROL"),
        "the owner's grant was kept: {after:?}"
    );
}

pub(super) async fn policy(s3: &aws_sdk_s3::Client, name: &str) -> Option<serde_json::Value> {
    let out = s3.get_bucket_policy().bucket(name).send().await.ok()?;
    serde_json::from_str(out.policy()?).ok()
}

#[tokio::test]
async fn only_public_policy_statements_are_removed() {
    let s3 = s3().await;
    let name = bucket(&s3).await;
    let objects = format!("arn:aws:s3:::{name}/*");
    let deny = json!({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [format!("arn:aws:s3:::{name}"), objects], "Condition": {"Bool": {"aws:SecureTransport": "false"}}});
    let vpce = json!({"Sid": "FromVpce", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": objects, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}});
    let public = json!({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"], "Resource": objects});
    let doc = json!({"Version": "2012-10-17", "Id": "keep-me", "Statement": [deny, public, vpce]});
    s3.put_bucket_policy()
        .bucket(&name)
        .policy(doc.to_string())
        .send()
        .await
        .unwrap();
    let put = s3_event(
        "PutBucketPolicy",
        json!({"bucketName": name, "policy": "", "bucketPolicy": doc.to_string()}),
    );

    assert_planned(&put).await;
    assert_eq!(
        policy(&s3, &name).await,
        Some(doc),
        "audit mode must change nothing"
    );

    // Two policies match a public statement (`s3-bucket-policy-outside` and `-public`), each
    // naming its revert: the first takes the statement out, the second reads and finds nothing.
    assert_applied(
        &enforce(&put).await,
        &[
            "s3:GetBucketPolicy",
            "s3:PutBucketPolicy",
            "s3:GetBucketPolicy",
            "s3:GetBucketPolicy",
        ],
    );
    let kept = json!({"Version": "2012-10-17", "Id": "keep-me", "Statement": [deny, vpce]});
    assert_eq!(policy(&s3, &name).await, Some(kept));
    assert_eq!(status(&enforce(&put).await), "noop");
}

#[tokio::test]
async fn a_policy_left_empty_is_deleted() {
    let s3 = s3().await;
    let name = bucket(&s3).await;
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{name}/*")}]});
    s3.put_bucket_policy()
        .bucket(&name)
        .policy(doc.to_string())
        .send()
        .await
        .unwrap();
    let put = s3_event(
        "PutBucketPolicy",
        json!({"bucketName": name, "policy": "", "bucketPolicy": doc}),
    );
    assert_applied(
        &enforce(&put).await,
        &[
            "s3:GetBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:GetBucketPolicy",
            "s3:GetBucketPolicy",
        ],
    );
    assert_eq!(policy(&s3, &name).await, None);
    assert_eq!(status(&enforce(&put).await), "noop");
}

async fn algorithm(s3: &aws_sdk_s3::Client, name: &str) -> Option<String> {
    let out = s3.get_bucket_encryption().bucket(name).send().await.ok()?;
    let rule = out
        .server_side_encryption_configuration()?
        .rules()
        .first()?
        .clone();
    Some(
        rule.apply_server_side_encryption_by_default()?
            .sse_algorithm()
            .as_str()
            .to_owned(),
    )
}

#[tokio::test]
async fn deleted_default_encryption_is_restored_as_sse_s3() {
    let s3 = s3().await;
    let (name, kms) = (bucket(&s3).await, bucket(&s3).await);
    let by_default = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::AwsKms)
        .kms_master_key_id("alias/aws/s3")
        .build()
        .unwrap();
    let rule = ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(by_default)
        .build();
    let config = ServerSideEncryptionConfiguration::builder()
        .rules(rule)
        .build()
        .unwrap();
    s3.put_bucket_encryption()
        .bucket(&kms)
        .server_side_encryption_configuration(config)
        .send()
        .await
        .unwrap();
    s3.delete_bucket_encryption()
        .bucket(&name)
        .send()
        .await
        .unwrap();
    let delete = s3_event(
        "DeleteBucketEncryption",
        json!({"bucketName": name, "encryption": ""}),
    );

    assert_planned(&delete).await;
    assert_eq!(
        algorithm(&s3, &name).await,
        None,
        "audit mode must change nothing"
    );

    let calls = [
        "s3:GetBucketEncryption",
        "s3:PutBucketEncryption",
        "s3:GetBucketEncryption",
    ];
    assert_applied(&enforce(&delete).await, &calls);
    assert_eq!(algorithm(&s3, &name).await.as_deref(), Some("AES256"));
    assert_eq!(
        algorithm(&s3, &kms).await.as_deref(),
        Some("aws:kms"),
        "another bucket was not touched"
    );
    assert_eq!(status(&enforce(&delete).await), "noop");

    // A bucket that has encryption again (here SSE-KMS) is left as it is.
    let kms_delete = s3_event(
        "DeleteBucketEncryption",
        json!({"bucketName": kms, "encryption": ""}),
    );
    assert_eq!(status(&enforce(&kms_delete).await), "noop");
    assert_eq!(algorithm(&s3, &kms).await.as_deref(), Some("aws:kms"));
}
