//! `iam-restore-password-policy`: put back a strong account password policy after someone
//! deleted or weakened it.
//!
//! Why: without a custom policy IAM applies its default (8 characters, passwords never expire
//! and may be reused); CIS asks for at least 14 characters and 24 remembered passwords (1.8, 1.9).
//! Trigger: `iam:DeleteAccountPasswordPolicy` (policy `iam-password-policy-deleted`) and
//! `iam:UpdateAccountPasswordPolicy` below 14 characters or 24 remembered passwords (policy
//! `iam-password-policy-weak`).
//! The event does not carry the policy that was in force before it, so there is nothing to
//! restore from: the revert applies the declared [`BASELINE`] instead, keeping the settings
//! the current policy has that are stricter (a longer minimum, a shorter maximum age, hard expiry).
//! Calls: `GetAccountPasswordPolicy`; if the current policy (or its absence) does not meet the
//! baseline, `UpdateAccountPasswordPolicy`; `GetAccountPasswordPolicy` to verify. A policy that
//! already meets the baseline is a no-op.
//!
//! ```cedar
//! @remediation("iam-restore-password-policy")
//! forbid (principal, action == Aws::Action::"iam:DeleteAccountPasswordPolicy", resource);
//! ```

use super::prelude::*;
use crate::aws::PasswordPolicy;

/// The password policy snapback restores: CIS AWS Foundations 1.8 and 1.9, plus the other
/// settings of the CIS recommendations.
pub const BASELINE: PasswordPolicy = PasswordPolicy {
    minimum_length: 14,
    require_symbols: true,
    require_numbers: true,
    require_uppercase: true,
    require_lowercase: true,
    allow_users_to_change: true,
    max_age: 90,
    reuse_prevention: 24,
    hard_expiry: false,
};

/// Whether a policy is at least as strict as the baseline.
fn meets_baseline(p: &PasswordPolicy) -> bool {
    p.minimum_length >= BASELINE.minimum_length
        && p.reuse_prevention >= BASELINE.reuse_prevention
        && (p.require_symbols || !BASELINE.require_symbols)
        && (p.require_numbers || !BASELINE.require_numbers)
        && (p.require_uppercase || !BASELINE.require_uppercase)
        && (p.require_lowercase || !BASELINE.require_lowercase)
        && (p.allow_users_to_change || !BASELINE.allow_users_to_change)
        && (1..=BASELINE.max_age).contains(&p.max_age)
}

/// The baseline, keeping whatever the current policy has that is stricter.
fn strengthen(current: Option<&PasswordPolicy>) -> PasswordPolicy {
    let Some(c) = current else { return BASELINE };
    PasswordPolicy {
        minimum_length: c.minimum_length.max(BASELINE.minimum_length),
        require_symbols: c.require_symbols || BASELINE.require_symbols,
        require_numbers: c.require_numbers || BASELINE.require_numbers,
        require_uppercase: c.require_uppercase || BASELINE.require_uppercase,
        require_lowercase: c.require_lowercase || BASELINE.require_lowercase,
        allow_users_to_change: c.allow_users_to_change || BASELINE.allow_users_to_change,
        max_age: if (1..=BASELINE.max_age).contains(&c.max_age) {
            c.max_age
        } else {
            BASELINE.max_age
        },
        reuse_prevention: c.reuse_prevention.max(BASELINE.reuse_prevention),
        hard_expiry: c.hard_expiry || BASELINE.hard_expiry,
    }
}

remediation! {
    RestorePasswordPolicy {
        name: "iam-restore-password-policy",
        service: "iam",
        iam: &["iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy"],
    }
    plan: |p| p.resource("PasswordPolicy", |account| {
        format!(
            "restore the baseline password policy of account `{account}` (length {}, {} remembered, max age {} days)",
            BASELINE.minimum_length, BASELINE.reuse_prevention, BASELINE.max_age
        )
    }),
    revert: |_plan, aws| {
        let iam = aws.iam();
        read: || setting(iam.password_policy()),
        still_wrong: |current| {
            (!current.as_ref().is_some_and(meets_baseline))
                .then(|| "the password policy is still below the baseline".into())
        },
        act: |current| async move {
            iam.update_password_policy(&strengthen(current.as_ref())).await
        },
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_meets_itself() {
        assert!(meets_baseline(&BASELINE));
        assert_eq!(strengthen(None), BASELINE);
    }

    #[test]
    fn weak_or_never_expiring_policies_do_not_meet_it() {
        assert!(!meets_baseline(&PasswordPolicy {
            minimum_length: 8,
            ..BASELINE
        }));
        assert!(!meets_baseline(&PasswordPolicy {
            reuse_prevention: 0,
            ..BASELINE
        }));
        assert!(!meets_baseline(&PasswordPolicy {
            max_age: 0,
            ..BASELINE
        }));
        assert!(!meets_baseline(&PasswordPolicy {
            require_symbols: false,
            ..BASELINE
        }));
    }

    #[test]
    fn stricter_settings_are_kept() {
        let current = PasswordPolicy {
            minimum_length: 20,
            max_age: 30,
            hard_expiry: true,
            ..PasswordPolicy::default()
        };
        let restored = strengthen(Some(&current));
        assert_eq!(
            restored,
            PasswordPolicy {
                minimum_length: 20,
                max_age: 30,
                hard_expiry: true,
                ..BASELINE
            }
        );
        assert!(meets_baseline(&restored));
    }
}
