//! IAM remediations on moto (started with MOTO_IAM_LOAD_MANAGED_POLICIES=true, so that the AWS
//! managed policies such as AdministratorAccess exist).

mod keys;
mod trust;

use serde_json::json;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const ADMIN_DOC: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const SCOPED_DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

async fn iam() -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk_config().await)
}

async fn user_policies(iam: &aws_sdk_iam::Client, user: &str) -> Vec<String> {
    let out = iam
        .list_attached_user_policies()
        .user_name(user)
        .send()
        .await
        .unwrap();
    out.attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn.clone())
        .collect()
}

#[tokio::test]
async fn detach_policy_detaches_only_the_admin_policy_from_a_user() {
    let iam = iam().await;
    let user = unique("user");
    iam.create_user().user_name(&user).send().await.unwrap();
    iam.attach_user_policy()
        .user_name(&user)
        .policy_arn(READ_ONLY)
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name(&user)
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    let attach = event(
        "iam.amazonaws.com",
        "AttachUserPolicy",
        json!({"userName": user, "policyArn": ADMIN}),
    );

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &attach).await), "planned");
    assert!(
        user_policies(&iam, &user).await.contains(&ADMIN.to_owned()),
        "audit mode must change nothing"
    );

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &attach).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        user_policies(&iam, &user).await,
        [READ_ONLY],
        "only the attached admin policy goes"
    );
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "iam:ListAttachedUserPolicies",
            "iam:DetachUserPolicy",
            "iam:ListAttachedUserPolicies"
        ]
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &attach).await),
        "noop"
    );
}

#[tokio::test]
async fn detach_policy_handles_roles_and_groups() {
    let iam = iam().await;
    let role = unique("role");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name(&role)
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name(&role)
        .policy_arn(READ_ONLY)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name(&role)
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    let group = unique("group");
    iam.create_group().group_name(&group).send().await.unwrap();
    iam.attach_group_policy()
        .group_name(&group)
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();

    let enforce = reactor(ModeOverride::Enforce).await;
    let attach = event(
        "iam.amazonaws.com",
        "AttachRolePolicy",
        json!({"roleName": role, "policyArn": ADMIN}),
    );
    let record = react(&enforce, &attach).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let out = iam
        .list_attached_role_policies()
        .role_name(&role)
        .send()
        .await
        .unwrap();
    let arns: Vec<_> = out
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn())
        .collect();
    assert_eq!(arns, [READ_ONLY]);

    let attach = event(
        "iam.amazonaws.com",
        "AttachGroupPolicy",
        json!({"groupName": group, "policyArn": ADMIN}),
    );
    let record = react(&enforce, &attach).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let out = iam
        .list_attached_group_policies()
        .group_name(&group)
        .send()
        .await
        .unwrap();
    assert!(out.attached_policies().is_empty());
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &attach).await),
        "noop"
    );
}

#[tokio::test]
async fn detach_policy_for_a_deleted_user_is_a_noop() {
    let attach = event(
        "iam.amazonaws.com",
        "AttachUserPolicy",
        json!({"userName": unique("gone"), "policyArn": ADMIN}),
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &attach).await),
        "noop"
    );
}

#[tokio::test]
async fn delete_inline_policy_deletes_only_the_admin_policy() {
    let iam = iam().await;
    let user = unique("user");
    iam.create_user().user_name(&user).send().await.unwrap();
    iam.put_user_policy()
        .user_name(&user)
        .policy_name("scoped")
        .policy_document(SCOPED_DOC)
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name(&user)
        .policy_name("admin")
        .policy_document(ADMIN_DOC)
        .send()
        .await
        .unwrap();
    let put = event(
        "iam.amazonaws.com",
        "PutUserPolicy",
        json!({"userName": user, "policyName": "admin", "policyDocument": ADMIN_DOC}),
    );
    let names = || async {
        iam.list_user_policies()
            .user_name(&user)
            .send()
            .await
            .unwrap()
            .policy_names
    };

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &put).await), "planned");
    assert_eq!(names().await.len(), 2, "audit mode must change nothing");

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &put).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(names().await, ["scoped"], "the other inline policy stays");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "iam:GetUserPolicy",
            "iam:DeleteUserPolicy",
            "iam:GetUserPolicy"
        ]
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &put).await),
        "noop"
    );
}

#[tokio::test]
async fn delete_inline_policy_keeps_a_policy_fixed_meanwhile() {
    let iam = iam().await;
    let role = unique("role");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name(&role)
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    // Someone put an admin document, then replaced it with a scoped one before snapback ran.
    iam.put_role_policy()
        .role_name(&role)
        .policy_name("p")
        .policy_document(SCOPED_DOC)
        .send()
        .await
        .unwrap();
    let put = event(
        "iam.amazonaws.com",
        "PutRolePolicy",
        json!({"roleName": role, "policyName": "p", "policyDocument": ADMIN_DOC}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &put).await;
    assert_eq!(status(&record), "noop", "{record:?}");
    iam.get_role_policy()
        .role_name(&role)
        .policy_name("p")
        .send()
        .await
        .unwrap();

    let group = unique("group");
    iam.create_group().group_name(&group).send().await.unwrap();
    iam.put_group_policy()
        .group_name(&group)
        .policy_name("p")
        .policy_document(ADMIN_DOC)
        .send()
        .await
        .unwrap();
    let put = event(
        "iam.amazonaws.com",
        "PutGroupPolicy",
        json!({"groupName": group, "policyName": "p", "policyDocument": ADMIN_DOC}),
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &put).await),
        "applied"
    );
    assert!(
        iam.list_group_policies()
            .group_name(&group)
            .send()
            .await
            .unwrap()
            .policy_names
            .is_empty()
    );
}

/// One test for both password-policy events: the policy is account-wide, so tests running in
/// parallel must not share it.
#[tokio::test]
async fn restore_password_policy_after_delete_and_weakening() {
    let iam = iam().await;
    let _ = iam.delete_account_password_policy().send().await;
    let delete = event(
        "iam.amazonaws.com",
        "DeleteAccountPasswordPolicy",
        json!(null),
    );

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &delete).await), "planned");
    assert!(
        iam.get_account_password_policy().send().await.is_err(),
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &delete).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let p = iam
        .get_account_password_policy()
        .send()
        .await
        .unwrap()
        .password_policy
        .unwrap();
    assert_eq!(p.minimum_password_length, Some(14));
    assert_eq!(p.password_reuse_prevention, Some(24));
    assert_eq!(p.max_password_age, Some(90));
    assert!(
        p.require_symbols
            && p.require_numbers
            && p.require_uppercase_characters
            && p.require_lowercase_characters
    );
    assert!(p.allow_users_to_change_password);
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &delete).await),
        "noop"
    );

    // Weakened, but with a stricter maximum age and hard expiry: those are kept.
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .max_password_age(30)
        .hard_expiry(true)
        .send()
        .await
        .unwrap();
    let update = event(
        "iam.amazonaws.com",
        "UpdateAccountPasswordPolicy",
        json!({"minimumPasswordLength": 8, "maxPasswordAge": 30, "hardExpiry": true}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &update).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "iam:GetAccountPasswordPolicy",
            "iam:UpdateAccountPasswordPolicy",
            "iam:GetAccountPasswordPolicy"
        ]
    );
    let p = iam
        .get_account_password_policy()
        .send()
        .await
        .unwrap()
        .password_policy
        .unwrap();
    assert_eq!(p.minimum_password_length, Some(14));
    assert_eq!(p.password_reuse_prevention, Some(24));
    assert_eq!(
        p.max_password_age,
        Some(30),
        "the stricter maximum age stays"
    );
    assert_eq!(p.hard_expiry, Some(true), "hard expiry stays");
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &update).await),
        "noop"
    );
}
