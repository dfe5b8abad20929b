//! IAM calls the remediations make: managed-policy attachments and inline policies of users,
//! groups and roles, and the account password policy.

use super::{ApiError, Aws, classify};

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

/// Not found becomes `Ok(None)`; anything else stays an error.
fn none_if_missing<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(err) if err.is_not_found() => Ok(None),
        Err(err) => Err(err),
    }
}

impl Aws {
    /// The ARNs of the managed policies attached to the principal, or None when it is gone.
    pub async fn iam_attached_policies(
        &self,
        kind: IamPrincipal,
        name: &str,
    ) -> Result<Option<Vec<String>>, ApiError> {
        let call = kind.list_attached_call();
        let arns = match kind {
            IamPrincipal::User => self
                .iam
                .list_attached_user_policies()
                .user_name(name)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map(|items| {
                    items
                        .into_iter()
                        .filter_map(|p| p.policy_arn)
                        .collect::<Vec<_>>()
                })
                .map_err(|e| classify(&call, &e)),
            IamPrincipal::Group => self
                .iam
                .list_attached_group_policies()
                .group_name(name)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map(|items| {
                    items
                        .into_iter()
                        .filter_map(|p| p.policy_arn)
                        .collect::<Vec<_>>()
                })
                .map_err(|e| classify(&call, &e)),
            IamPrincipal::Role => self
                .iam
                .list_attached_role_policies()
                .role_name(name)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map(|items| {
                    items
                        .into_iter()
                        .filter_map(|p| p.policy_arn)
                        .collect::<Vec<_>>()
                })
                .map_err(|e| classify(&call, &e)),
        };
        none_if_missing(arns)
    }

    /// Detach a managed policy from the principal.
    pub async fn iam_detach_policy(
        &self,
        kind: IamPrincipal,
        name: &str,
        policy_arn: &str,
    ) -> Result<(), ApiError> {
        let call = kind.detach_call();
        match kind {
            IamPrincipal::User => self
                .iam
                .detach_user_policy()
                .user_name(name)
                .policy_arn(policy_arn)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| classify(&call, &e)),
            IamPrincipal::Group => self
                .iam
                .detach_group_policy()
                .group_name(name)
                .policy_arn(policy_arn)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| classify(&call, &e)),
            IamPrincipal::Role => self
                .iam
                .detach_role_policy()
                .role_name(name)
                .policy_arn(policy_arn)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| classify(&call, &e)),
        }
    }

    /// The document of an inline policy as IAM returns it (URL-encoded JSON), or None when the
    /// policy or the principal is gone.
    pub async fn iam_inline_policy(
        &self,
        kind: IamPrincipal,
        name: &str,
        policy: &str,
    ) -> Result<Option<String>, ApiError> {
        let call = kind.get_inline_call();
        let document = match kind {
            IamPrincipal::User => self
                .iam
                .get_user_policy()
                .user_name(name)
                .policy_name(policy)
                .send()
                .await
                .map(|o| o.policy_document)
                .map_err(|e| classify(&call, &e)),
            IamPrincipal::Group => self
                .iam
                .get_group_policy()
                .group_name(name)
                .policy_name(policy)
                .send()
                .await
                .map(|o| o.policy_document)
                .map_err(|e| classify(&call, &e)),
            IamPrincipal::Role => self
                .iam
                .get_role_policy()
                .role_name(name)
                .policy_name(policy)
                .send()
                .await
                .map(|o| o.policy_document)
                .map_err(|e| classify(&call, &e)),
        };
        none_if_missing(document)
    }

    /// Delete an inline policy from the principal.
    pub async fn iam_delete_inline_policy(
        &self,
        kind: IamPrincipal,
        name: &str,
        policy: &str,
    ) -> Result<(), ApiError> {
        let call = kind.delete_inline_call();
        match kind {
            IamPrincipal::User => self
                .iam
                .delete_user_policy()
                .user_name(name)
                .policy_name(policy)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| classify(&call, &e)),
            IamPrincipal::Group => self
                .iam
                .delete_group_policy()
                .group_name(name)
                .policy_name(policy)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| classify(&call, &e)),
            IamPrincipal::Role => self
                .iam
                .delete_role_policy()
                .role_name(name)
                .policy_name(policy)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| classify(&call, &e)),
        }
    }

    /// The account password policy, or None when the account has none.
    pub async fn iam_password_policy(&self) -> Result<Option<PasswordPolicy>, ApiError> {
        let out = self
            .iam
            .get_account_password_policy()
            .send()
            .await
            .map_err(|e| classify("iam:GetAccountPasswordPolicy", &e));
        Ok(none_if_missing(out)?
            .and_then(|o| o.password_policy)
            .map(|p| PasswordPolicy {
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

    /// Replace the account password policy with these settings (every setting is sent, since
    /// IAM resets the ones a call leaves out).
    pub async fn iam_update_password_policy(
        &self,
        policy: &PasswordPolicy,
    ) -> Result<(), ApiError> {
        let mut call = self
            .iam
            .update_account_password_policy()
            .minimum_password_length(policy.minimum_length)
            .require_symbols(policy.require_symbols)
            .require_numbers(policy.require_numbers)
            .require_uppercase_characters(policy.require_uppercase)
            .require_lowercase_characters(policy.require_lowercase)
            .allow_users_to_change_password(policy.allow_users_to_change)
            .hard_expiry(policy.hard_expiry);
        if policy.max_age > 0 {
            call = call.max_password_age(policy.max_age);
        }
        if policy.reuse_prevention > 0 {
            call = call.password_reuse_prevention(policy.reuse_prevention);
        }
        call.send()
            .await
            .map_err(|e| classify("iam:UpdateAccountPasswordPolicy", &e))?;
        Ok(())
    }
}
