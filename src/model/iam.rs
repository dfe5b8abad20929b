//! IAM: users, roles, groups, managed and inline policies, and the account password policy.

use serde_json::{Map, Value as Json};

use super::json::{items, str_at, strings};
use super::malformed::{Malformed, Path, Report};
use super::{EventSpec, Id, ResourceKind, Value, document};

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

fn attached(params: &Map<String, Json>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("iamPolicy", out);
    let root = Path::root("requestParameters");
    let at = root.key("policyArn");
    let arn = str_at(params, "policyArn").unwrap_or_else(|| {
        // A list holding one ARN reads as that ARN; anything else present is malformed.
        report.string(&at, params.get("policyArn"));
        ""
    });
    let admin = ADMIN_POLICY_ARNS
        .iter()
        .any(|a| arn.eq_ignore_ascii_case(a))
        || (arn.starts_with("arn:") && arn.ends_with(":policy/AdministratorAccess"));
    facts(arn, admin)
}

fn inline(params: &Map<String, Json>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("iamPolicy", out);
    let root = Path::root("requestParameters");
    let doc = document::policy(
        &mut report,
        &root.key("policyDocument"),
        params.get("policyDocument"),
    );
    let admin = doc.is_some_and(|doc| allows_everything(&doc));
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

fn password_policy(params: &Map<String, Json>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("passwordPolicy", out);
    let root = Path::root("requestParameters");
    let mut flag = |name: &str| {
        Value::Bool(
            report
                .boolean(&root.key(name), params.get(name))
                .unwrap_or(false),
        )
    };
    let flags = [
        "requireSymbols",
        "requireNumbers",
        "requireUppercaseCharacters",
        "requireLowercaseCharacters",
    ]
    .map(|name| (name, flag(name)));
    let mut number = |name: &str, default: i64| {
        Value::Long(
            report
                .integer(&root.key(name), params.get(name), 0..=i64::from(u32::MAX))
                .unwrap_or(default),
        )
    };
    let numbers = [
        ("minimumPasswordLength", number("minimumPasswordLength", 6)),
        (
            "passwordReusePrevention",
            number("passwordReusePrevention", 0),
        ),
        ("maxPasswordAge", number("maxPasswordAge", 0)),
    ];
    let [symbols, digits, upper, lower] = flags;
    let [length, reuse, age] = numbers;
    vec![(
        "passwordPolicy".to_owned(),
        Value::record([length, symbols, digits, upper, lower, reuse, age]),
    )]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

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

    use crate::model::malformed::derive;

    #[test]
    fn inline_policy_that_is_not_json_is_malformed_not_harmless() {
        let (_, found) = derive(
            inline,
            json!({"userName": "a", "policyDocument": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\""}),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("iamPolicy requestParameters.policyDocument: not JSON"),
            "{found:?}"
        );
    }

    #[test]
    fn inline_policy_with_a_statement_of_the_wrong_shape_is_malformed() {
        let (_, found) = derive(
            inline,
            json!({"policyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": \"*\"}"}),
        );
        assert_eq!(
            found,
            [
                "iamPolicy requestParameters.policyDocument.Statement: expected an object or a list of objects"
            ]
        );
    }

    #[test]
    fn well_formed_and_absent_documents_report_nothing() {
        let (facts_, found) = derive(
            inline,
            json!({"policyDocument": "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%7D"}),
        );
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(facts_, facts("", true));
        assert!(derive(inline, json!({"policyDocument": null})).1.is_empty());
        assert!(
            derive(
                attached,
                json!({"policyArn": ["arn:aws:iam::aws:policy/AdministratorAccess"]})
            )
            .1
            .is_empty()
        );
    }

    #[test]
    fn attached_policy_arn_that_is_not_a_string_is_malformed() {
        let (_, found) = derive(attached, json!({"policyArn": {"arn": "x"}}));
        assert_eq!(
            found,
            ["iamPolicy requestParameters.policyArn: expected a string, found an object"]
        );
    }

    #[test]
    fn password_policy_numbers_and_flags_that_do_not_read_are_malformed() {
        let (_, found) = derive(
            password_policy,
            json!({"minimumPasswordLength": "fourteen", "requireSymbols": "yes",
                   "passwordReusePrevention": -3, "maxPasswordAge": "90", "requireNumbers": "TRUE"}),
        );
        assert_eq!(
            found,
            [
                "passwordPolicy requestParameters.requireSymbols: expected a boolean, found a string",
                "passwordPolicy requestParameters.minimumPasswordLength: expected an integer, found a string",
                "passwordPolicy requestParameters.passwordReusePrevention: -3 is out of range (0 to 4294967295)",
            ]
        );
    }
}
