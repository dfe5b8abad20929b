//! IAM: users, roles, groups, managed and inline policies, and the account password policy.

use serde_json::Value as Json;

use super::json::{items, str_at, strings};
use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{EventSpec, Id, ResourceKind, Value, document};

const USER: ResourceKind =
    ResourceKind::at("IamUser", &["userName"], "arn:aws:iam::{account}:user/{id}");

const ROLE: ResourceKind =
    ResourceKind::at("IamRole", &["roleName"], "arn:aws:iam::{account}:role/{id}");

const GROUP: ResourceKind = ResourceKind::at(
    "IamGroup",
    &["groupName"],
    "arn:aws:iam::{account}:group/{id}",
);

const POLICY: ResourceKind = ResourceKind::at(
    "IamPolicy",
    &["policyArn", "policyName"],
    "arn:aws:iam::{account}:policy/{id}",
);

const MFA_DEVICE: ResourceKind = ResourceKind::new("MfaDevice", Id::Paths(&["serialNumber"]));

const PASSWORD_POLICY: ResourceKind = ResourceKind::new("PasswordPolicy", Id::Account);

pub const EVENTS: &[EventSpec] = events! {
    USER: [
        "CreateUser",
        "DeleteUser",
        "AttachUserPolicy" => attached,
        "DetachUserPolicy" => attached,
        "PutUserPolicy" => inline,
        "DeleteUserPolicy",
        "CreateAccessKey",
        "UpdateAccessKey",
        "CreateLoginProfile",
        "UpdateLoginProfile",
        "DeactivateMFADevice",
    ],
    MFA_DEVICE: ["DeleteVirtualMFADevice"],
    ROLE: [
        "CreateRole" => trust_created,
        "DeleteRole",
        "AttachRolePolicy" => attached,
        "DetachRolePolicy" => attached,
        "PutRolePolicy" => inline,
        "DeleteRolePolicy",
        "UpdateAssumeRolePolicy" => trust_updated,
    ],
    GROUP: [
        "AttachGroupPolicy" => attached,
        "DetachGroupPolicy" => attached,
        "PutGroupPolicy" => inline,
        "DeleteGroupPolicy",
    ],
    POLICY: [
        "CreatePolicy" => inline,
        "CreatePolicyVersion" => inline,
        "SetDefaultPolicyVersion",
        "DeletePolicy",
    ],
    PASSWORD_POLICY: [
        "UpdateAccountPasswordPolicy" => password_policy,
        "DeleteAccountPasswordPolicy",
    ],
};

/// `access`: who a new role's trust policy lets assume it.
fn trust_created(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    super::access::document_fact(input, "assumeRolePolicyDocument", out)
}

/// `access`: who a role's new trust policy lets assume it.
fn trust_updated(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    super::access::document_fact(input, "policyDocument", out)
}

/// AWS managed policies that grant full administrative access.
const ADMIN_POLICY_ARNS: &[&str] = &["arn:aws:iam::aws:policy/AdministratorAccess"];

fn facts(arn: &str, admin: bool) -> Vec<(String, Value)> {
    fact(
        "iamPolicy",
        [
            ("arn", Value::str(arn)),
            ("adminAccess", Value::Bool(admin)),
        ],
    )
}

fn attached(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
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

fn inline(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
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

fn password_policy(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
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
    fact(
        "passwordPolicy",
        [length, symbols, digits, upper, lower, reuse, age],
    )
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

    use crate::model::malformed::{assert_one_problem, derive, problems};

    #[test]
    fn inline_policy_that_is_not_json_is_malformed_not_harmless() {
        assert_one_problem(
            inline,
            json!({"userName": "a", "policyDocument": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\""}),
            "iamPolicy requestParameters.policyDocument: not JSON",
        );
    }

    #[test]
    fn inline_policy_with_a_statement_of_the_wrong_shape_is_malformed() {
        let found = problems(
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
        assert!(problems(inline, json!({"policyDocument": null})).is_empty());
        assert!(
            problems(
                attached,
                json!({"policyArn": ["arn:aws:iam::aws:policy/AdministratorAccess"]})
            )
            .is_empty()
        );
    }

    #[test]
    fn attached_policy_arn_that_is_not_a_string_is_malformed() {
        let found = problems(attached, json!({"policyArn": {"arn": "x"}}));
        assert_eq!(
            found,
            ["iamPolicy requestParameters.policyArn: expected a string, found an object"]
        );
    }

    #[test]
    fn password_policy_numbers_and_flags_that_do_not_read_are_malformed() {
        let found = problems(
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
