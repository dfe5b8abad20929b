//! `s3-remove-outside-policy-statements` on moto: a bucket policy loses the attacker's account
//! and keeps the bucket's own account and the organization's; a policy left with nothing is
//! deleted.

use serde_json::{Value, json};
use snapback::reactor::ModeOverride;

use super::super::common::{ACCOUNT, event, react, reactor, status};
use super::{bucket, policy, s3};

const MEMBER: &str = "arn:aws:iam::111122223333:root";
const ATTACKER: &str = "arn:aws:iam::210987654321:root";

fn bucket_policy(bucket: &str, statements: Value) -> String {
    let mut statements = statements;
    for statement in statements.as_array_mut().unwrap() {
        statement["Resource"] = json!(format!("arn:aws:s3:::{bucket}/*"));
    }
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

async fn put(s3: &aws_sdk_s3::Client, bucket: &str, policy: &str) -> snapback::Event {
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(policy)
        .send()
        .await
        .unwrap();
    event(
        "s3.amazonaws.com",
        "PutBucketPolicy",
        json!({"bucketName": bucket, "bucketPolicy": serde_json::from_str::<Value>(policy).unwrap()}),
    )
}

#[tokio::test]
async fn a_bucket_policy_loses_its_outside_account_and_keeps_the_rest() {
    let s3 = s3().await;
    let bucket = bucket(&s3).await;
    let own = format!("arn:aws:iam::{ACCOUNT}:root");
    let written = bucket_policy(
        &bucket,
        json!([
            {"Sid": "Own", "Effect": "Allow", "Principal": {"AWS": own}, "Action": "s3:GetObject"},
            {"Sid": "Shared", "Effect": "Allow", "Principal": {"AWS": [MEMBER, ATTACKER]}, "Action": "s3:GetObject"},
            {"Sid": "NoDelete", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject"}
        ]),
    );
    let put = put(&s3, &bucket, &written).await;

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &put).await),
        "planned"
    );
    let unchanged = policy(&s3, &bucket).await.unwrap();
    assert_eq!(
        unchanged["Statement"][1]["Principal"]["AWS"],
        json!([MEMBER, ATTACKER])
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &put).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "s3:GetBucketPolicy",
            "s3:PutBucketPolicy",
            "s3:GetBucketPolicy"
        ]
    );
    let after = policy(&s3, &bucket).await.unwrap();
    let statements = after["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 3, "{after}");
    assert_eq!(statements[0]["Principal"]["AWS"], json!(own));
    assert_eq!(statements[1]["Principal"]["AWS"], json!(MEMBER));
    assert_eq!(statements[2]["Effect"], "Deny");

    let again = react(&reactor(ModeOverride::Enforce).await, &put).await;
    assert_eq!(status(&again), "noop", "{again:?}");
}

#[tokio::test]
async fn a_policy_left_with_nothing_is_deleted_and_a_deleted_bucket_is_a_noop() {
    let s3 = s3().await;
    let bucket = bucket(&s3).await;
    let written = bucket_policy(
        &bucket,
        json!([
            {"Effect": "Allow", "Principal": {"AWS": ATTACKER}, "Action": "s3:GetObject"}
        ]),
    );
    let put = put(&s3, &bucket, &written).await;

    let record = react(&reactor(ModeOverride::Enforce).await, &put).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "s3:GetBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:GetBucketPolicy"
        ]
    );
    assert_eq!(policy(&s3, &bucket).await, None);

    s3.delete_bucket().bucket(&bucket).send().await.unwrap();
    let gone = react(&reactor(ModeOverride::Enforce).await, &put).await;
    assert_eq!(status(&gone), "noop", "{gone:?}");
}
