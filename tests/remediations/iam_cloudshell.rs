//! `iam-detach-policy` for `iam-cloudshell-full-access-attached` (CIS 1.22): the same revert as
//! for administrator policies, named by another policy, detaching AWSCloudShellFullAccess and
//! nothing else.

use serde_json::json;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

const CLOUDSHELL: &str = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

#[tokio::test]
async fn cloudshell_full_access_is_detached_and_nothing_else() {
    let iam = aws_sdk_iam::Client::new(&sdk_config().await);
    let role = unique("role");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name(&role)
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    for arn in [READ_ONLY, CLOUDSHELL] {
        iam.attach_role_policy()
            .role_name(&role)
            .policy_arn(arn)
            .send()
            .await
            .unwrap();
    }
    let attached = || async {
        let out = iam
            .list_attached_role_policies()
            .role_name(&role)
            .send()
            .await
            .unwrap();
        let mut arns: Vec<String> = out
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn.clone())
            .collect();
        arns.sort();
        arns
    };
    let attach = event(
        "iam.amazonaws.com",
        "AttachRolePolicy",
        json!({"roleName": role, "policyArn": CLOUDSHELL}),
    );

    let record = react(&reactor(ModeOverride::Audit).await, &attach).await;
    assert_eq!(status(&record), "planned", "{record:?}");
    assert_eq!(
        attached().await,
        [CLOUDSHELL, READ_ONLY],
        "audit changes nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &attach).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let policies: Vec<&str> = record.policies.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(policies, ["iam-cloudshell-full-access-attached"]);
    assert_eq!(
        attached().await,
        [READ_ONLY],
        "only CloudShell's policy goes"
    );

    let again = react(&reactor(ModeOverride::Enforce).await, &attach).await;
    assert_eq!(status(&again), "noop");
}
