//! IAM calls the remediations make: managed-policy attachments and inline policies of users,
//! groups and roles, role trust policies, access keys, console passwords, and the account
//! password policy.

use aws_sdk_iam::types::StatusType;

use super::capability;
use super::error::{found, sent};

/// The kind of IAM principal a policy is attached to or embedded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IamPrincipal {
    User,
    Group,
    Role,
}

impl IamPrincipal {
    /// The kind a model resource type (`IamUser`, `IamGroup`, `IamRole`) names.
    pub fn from_resource_type(ty: &str) -> Option<Self> {
        match ty {
            "IamUser" => Some(Self::User),
            "IamGroup" => Some(Self::Group),
            "IamRole" => Some(Self::Role),
            _ => None,
        }
    }

    /// `User`, `Group` or `Role`, as IAM operation names spell it.
    fn noun(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
            Self::Role => "Role",
        }
    }

    /// `user`, `group` or `role`, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Group => "group",
            Self::Role => "role",
        }
    }

    /// `iam:ListAttached<Kind>Policies`
    pub fn list_attached_call(self) -> String {
        format!("iam:ListAttached{}Policies", self.noun())
    }

    /// `iam:Detach<Kind>Policy`
    pub fn detach_call(self) -> String {
        format!("iam:Detach{}Policy", self.noun())
    }

    /// `iam:Get<Kind>Policy`
    pub fn get_inline_call(self) -> String {
        format!("iam:Get{}Policy", self.noun())
    }

    /// `iam:Delete<Kind>Policy`
    pub fn delete_inline_call(self) -> String {
        format!("iam:Delete{}Policy", self.noun())
    }
}

/// The account password policy settings snapback reads and restores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PasswordPolicy {
    pub minimum_length: i32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub allow_users_to_change: bool,
    /// Days; 0 means passwords never expire.
    pub max_age: i32,
    /// How many previous passwords are remembered; 0 means none.
    pub reuse_prevention: i32,
    pub hard_expiry: bool,
}

/// The same request for a user, a group or a role: `$op` names the three operations and the
/// setter of the principal's name, `$then` finishes the request (`|request| ...`).
macro_rules! per_kind {
    ($kind:expr, $iam:expr, $name:expr,
     [$user:ident . $user_name:ident, $group:ident . $group_name:ident, $role:ident . $role_name:ident],
     |$request:ident| $then:expr) => {
        match $kind {
            IamPrincipal::User => {
                let $request = $iam.$user().$user_name($name);
                $then
            }
            IamPrincipal::Group => {
                let $request = $iam.$group().$group_name($name);
                $then
            }
            IamPrincipal::Role => {
                let $request = $iam.$role().$role_name($name);
                $then
            }
        }
    };
}

capability! {
    /// The IAM calls of the policy and password-policy remediations.
    pub trait IamOps(iam) for aws_sdk_iam::Client {
        /// The ARNs of the managed policies attached to the principal, or None when it is gone.
        fn attached_policies<'a>(&'a self, kind: IamPrincipal, name: &'a str) -> Option<Vec<String>>
            = kind.list_attached_call(), |call| {
            let list = per_kind!(kind, self, name, [
                list_attached_user_policies.user_name,
                list_attached_group_policies.group_name,
                list_attached_role_policies.role_name
            ], |request| found(call, request.into_paginator().items().send().try_collect().await, &[]));
            Ok(list?.map(|p| p.into_iter().filter_map(|p| p.policy_arn).collect()))
        }

        /// Detach a managed policy from the principal.
        fn detach_policy<'a>(&'a self, kind: IamPrincipal, name: &'a str, policy_arn: &'a str)
            -> () = kind.detach_call(), |call| {
            per_kind!(kind, self, name, [
                detach_user_policy.user_name,
                detach_group_policy.group_name,
                detach_role_policy.role_name
            ], |request| sent(call, request.policy_arn(policy_arn).send().await).map(drop))
        }

        /// The document of an inline policy as IAM returns it (URL-encoded JSON), or None when
        /// the policy or the principal is gone.
        fn inline_policy<'a>(&'a self, kind: IamPrincipal, name: &'a str, policy: &'a str)
            -> Option<String> = kind.get_inline_call(), |call| {
            per_kind!(kind, self, name, [
                get_user_policy.user_name,
                get_group_policy.group_name,
                get_role_policy.role_name
            ], |request| {
                let out = found(call, request.policy_name(policy).send().await, &[])?;
                Ok(out.map(|o| o.policy_document))
            })
        }

        /// Delete an inline policy from the principal.
        fn delete_inline_policy<'a>(&'a self, kind: IamPrincipal, name: &'a str, policy: &'a str)
            -> () = kind.delete_inline_call(), |call| {
            per_kind!(kind, self, name, [
                delete_user_policy.user_name,
                delete_group_policy.group_name,
                delete_role_policy.role_name
            ], |request| sent(call, request.policy_name(policy).send().await).map(drop))
        }

        /// The role's trust policy as IAM returns it (URL-encoded JSON), or None when the role
        /// is gone.
        fn role_trust_policy<'a>(&'a self, role: &'a str) -> Option<String> = "iam:GetRole", |call| {
            let out = found(call, self.get_role().role_name(role).send().await, &[])?;
            Ok(out.and_then(|o| o.role).and_then(|r| r.assume_role_policy_document))
        }

        /// Replace the role's trust policy.
        fn set_role_trust_policy<'a>(&'a self, role: &'a str, document: &'a str)
            -> () = "iam:UpdateAssumeRolePolicy", |call| {
            let update = self.update_assume_role_policy().role_name(role).policy_document(document);
            sent(call, update.send().await).map(drop)
        }

        /// The user's access keys and whether each is active, or None when the user is gone.
        fn access_keys<'a>(&'a self, user: &'a str) -> Option<Vec<(String, bool)>>
            = "iam:ListAccessKeys", |call| {
            let list = self.list_access_keys().user_name(user).into_paginator().items().send();
            let keys = found(call, list.try_collect().await, &[])?;
            Ok(keys.map(|keys| keys.into_iter().filter_map(|k| {
                let active = k.status() == Some(&StatusType::Active);
                k.access_key_id.map(|id| (id, active))
            }).collect()))
        }

        /// Make the user's access key inactive (it is kept, and can be made active again).
        fn deactivate_access_key<'a>(&'a self, user: &'a str, key: &'a str)
            -> () = "iam:UpdateAccessKey", |call| {
            let update = self
                .update_access_key()
                .user_name(user)
                .access_key_id(key)
                .status(StatusType::Inactive);
            sent(call, update.send().await).map(drop)
        }

        /// Whether the user has a console password: Some(()) when it has, None when it has not
        /// (or the user is gone).
        fn login_profile<'a>(&'a self, user: &'a str) -> Option<()> = "iam:GetLoginProfile", |call| {
            let out = found(call, self.get_login_profile().user_name(user).send().await, &[])?;
            Ok(out.map(drop))
        }

        /// Delete the user's console password.
        fn delete_login_profile<'a>(&'a self, user: &'a str) -> () = "iam:DeleteLoginProfile", |call| {
            sent(call, self.delete_login_profile().user_name(user).send().await).map(drop)
        }

        /// The account password policy, or None when the account has none.
        fn password_policy<'a>(&'a self) -> Option<PasswordPolicy> = "iam:GetAccountPasswordPolicy", |call| {
            let out = found(call, self.get_account_password_policy().send().await, &[])?;
            Ok(out.and_then(|o| o.password_policy).map(|p| PasswordPolicy {
                minimum_length: p.minimum_password_length.unwrap_or(0),
                require_symbols: p.require_symbols,
                require_numbers: p.require_numbers,
                require_uppercase: p.require_uppercase_characters,
                require_lowercase: p.require_lowercase_characters,
                allow_users_to_change: p.allow_users_to_change_password,
                max_age: p.max_password_age.unwrap_or(0),
                reuse_prevention: p.password_reuse_prevention.unwrap_or(0),
                hard_expiry: p.hard_expiry.unwrap_or(false),
            }))
        }

        /// Replace the account password policy with these settings (every setting is sent,
        /// since IAM resets the ones a call leaves out).
        fn update_password_policy<'a>(&'a self, policy: &'a PasswordPolicy)
            -> () = "iam:UpdateAccountPasswordPolicy", |call| {
            let update = self
                .update_account_password_policy()
                .minimum_password_length(policy.minimum_length)
                .require_symbols(policy.require_symbols)
                .require_numbers(policy.require_numbers)
                .require_uppercase_characters(policy.require_uppercase)
                .require_lowercase_characters(policy.require_lowercase)
                .allow_users_to_change_password(policy.allow_users_to_change)
                .hard_expiry(policy.hard_expiry)
                .set_max_password_age((policy.max_age > 0).then_some(policy.max_age))
                .set_password_reuse_prevention(
                    (policy.reuse_prevention > 0).then_some(policy.reuse_prevention),
                );
            sent(call, update.send().await).map(drop)
        }
    }
}
