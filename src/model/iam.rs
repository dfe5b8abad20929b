//! IAM: users, roles, groups, managed and inline policies, and the account password policy.

use serde_json::{Map, Value as Json};

use super::json::{bool_at, document, i64_at, items, str_at, strings};
use super::{EventSpec, Id, ResourceKind, Value};

const USER: ResourceKind = ResourceKind {
    ty: "IamUser",
    id: Id::Paths(&["userName"]),
    name: &[],
    arn: |account, _, id| format!("arn:aws:iam::{account}:user/{id}"),
};

const ROLE: ResourceKind = ResourceKind {
    ty: "IamRole",
    id: Id::Paths(&["roleName"]),
    name: &[],
    arn: |account, _, id| format!("arn:aws:iam::{account}:role/{id}"),
};

const GROUP: ResourceKind = ResourceKind {
    ty: "IamGroup",
    id: Id::Paths(&["groupName"]),
    name: &[],
    arn: |account, _, id| format!("arn:aws:iam::{account}:group/{id}"),
};

const POLICY: ResourceKind = ResourceKind {
    ty: "IamPolicy",
    id: Id::Paths(&["policyArn", "policyName"]),
    name: &[],
    arn: |account, _, id| format!("arn:aws:iam::{account}:policy/{id}"),
};

const PASSWORD_POLICY: ResourceKind = ResourceKind {
    ty: "PasswordPolicy",
    id: Id::Account,
    name: &[],
    arn: super::no_arn,
};

const fn on(
    resource: ResourceKind,
    name: &'static str,
    facts: Option<super::FactsFn>,
) -> EventSpec {
    EventSpec {
        name,
        resource,
        facts,
    }
}

pub const EVENTS: &[EventSpec] = &[
    on(USER, "CreateUser", None),
    on(USER, "DeleteUser", None),
    on(USER, "AttachUserPolicy", Some(attached)),
    on(USER, "DetachUserPolicy", Some(attached)),
    on(USER, "PutUserPolicy", Some(inline)),
    on(USER, "DeleteUserPolicy", None),
    on(USER, "CreateAccessKey", None),
    on(USER, "CreateLoginProfile", None),
    on(USER, "UpdateLoginProfile", None),
    on(ROLE, "CreateRole", None),
    on(ROLE, "DeleteRole", None),
    on(ROLE, "AttachRolePolicy", Some(attached)),
    on(ROLE, "DetachRolePolicy", Some(attached)),
    on(ROLE, "PutRolePolicy", Some(inline)),
    on(ROLE, "DeleteRolePolicy", None),
    on(ROLE, "UpdateAssumeRolePolicy", None),
    on(GROUP, "AttachGroupPolicy", Some(attached)),
    on(GROUP, "DetachGroupPolicy", Some(attached)),
    on(GROUP, "PutGroupPolicy", Some(inline)),
    on(GROUP, "DeleteGroupPolicy", None),
    on(POLICY, "CreatePolicy", Some(inline)),
    on(POLICY, "CreatePolicyVersion", Some(inline)),
    on(POLICY, "SetDefaultPolicyVersion", None),
    on(POLICY, "DeletePolicy", None),
    on(
        PASSWORD_POLICY,
        "UpdateAccountPasswordPolicy",
        Some(password_policy),
    ),
    on(PASSWORD_POLICY, "DeleteAccountPasswordPolicy", None),
];

/// AWS managed policies that grant full administrative access.
const ADMIN_POLICY_ARNS: &[&str] = &["arn:aws:iam::aws:policy/AdministratorAccess"];

fn facts(arn: &str, admin: bool) -> Vec<(String, Value)> {
    vec![(
        "iamPolicy".to_owned(),
        Value::record([
            ("arn", Value::str(arn)),
            ("adminAccess", Value::Bool(admin)),
        ]),
    )]
}

fn attached(params: &Map<String, Json>) -> Vec<(String, Value)> {
    let arn = str_at(params, "policyArn").unwrap_or("");
    let admin = ADMIN_POLICY_ARNS
        .iter()
        .any(|a| arn.eq_ignore_ascii_case(a))
        || (arn.starts_with("arn:") && arn.ends_with(":policy/AdministratorAccess"));
    facts(arn, admin)
}

fn inline(params: &Map<String, Json>) -> Vec<(String, Value)> {
    let admin = document(params.get("policyDocument")).is_some_and(|doc| allows_everything(&doc));
    facts(str_at(params, "policyArn").unwrap_or(""), admin)
}

/// Whether an identity policy allows every action on every resource.
pub fn allows_everything(doc: &Json) -> bool {
    items(doc.get("Statement")).into_iter().any(|s| {
        s.get("Effect").and_then(Json::as_str) == Some("Allow")
            && s.get("NotAction").is_none()
            && strings(s.get("Action"))
                .iter()
                .any(|a| matches!(*a, "*" | "*:*"))
            && strings(s.get("Resource")).contains(&"*")
    })
}

fn password_policy(params: &Map<String, Json>) -> Vec<(String, Value)> {
    let flag = |name: &str| Value::Bool(bool_at(params, name).unwrap_or(false));
    let number = |name: &str, default: i64| Value::Long(i64_at(params, name).unwrap_or(default));
    vec![(
        "passwordPolicy".to_owned(),
        Value::record([
            ("minimumPasswordLength", number("minimumPasswordLength", 6)),
            ("requireSymbols", flag("requireSymbols")),
            ("requireNumbers", flag("requireNumbers")),
            (
                "requireUppercaseCharacters",
                flag("requireUppercaseCharacters"),
            ),
            (
                "requireLowercaseCharacters",
                flag("requireLowercaseCharacters"),
            ),
            (
                "passwordReusePrevention",
                number("passwordReusePrevention", 0),
            ),
            ("maxPasswordAge", number("maxPasswordAge", 0)),
        ]),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn admin_documents() {
        let admin = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        assert!(allows_everything(&admin));
        let listed =
            json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", "*:*"], "Resource": ["*"]}});
        assert!(allows_everything(&listed));
        let deny = json!({"Statement": [{"Effect": "Deny", "Action": ["*"], "Resource": ["*"]}]});
        assert!(!allows_everything(&deny));
        let scoped = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}]});
        assert!(!allows_everything(&scoped));
    }
}
