//! Whose accounts are whose: the organization a pack declares in `policies/entities.json`, so
//! that a change sharing a snapshot or trusting a principal can be told apart by where it
//! sends access. An account is *ours* when it is the event's own account or a member of a
//! declared organization, *trusted* when `entities.json` tags it `snapback:trusted` (a vendor,
//! a backup account), and *outside* otherwise. Without organization data, every account but
//! the event's own is outside.

use std::collections::HashSet;

/// The tag that marks an outside account as trusted (its value says why).
pub const TRUSTED_TAG: &str = "snapback:trusted";

/// The organizations and accounts a pack declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Org {
    /// Organization ids (`o-a1b2c3d4e5`): declared `Aws::Organization` entities and the
    /// parents of declared accounts.
    orgs: HashSet<String>,
    /// Accounts with an `Aws::Organization` among their parents.
    members: HashSet<String>,
    /// Accounts tagged [`TRUSTED_TAG`].
    trusted: HashSet<String>,
}

impl Org {
    /// An organization of `orgs`, whose `members` are ours, trusting `trusted`.
    pub fn new<S: Into<String>>(
        orgs: impl IntoIterator<Item = S>,
        members: impl IntoIterator<Item = S>,
        trusted: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            orgs: orgs.into_iter().map(Into::into).collect(),
            members: members.into_iter().map(Into::into).collect(),
            trusted: trusted.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether any organization is declared.
    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty() && self.members.is_empty() && self.trusted.is_empty()
    }

    /// Whether `account` may be given access from `own` (the event's account): it is `own`,
    /// a member of the organization, or trusted.
    pub fn allows(&self, own: &str, account: &str) -> bool {
        account == own || self.members.contains(account) || self.trusted.contains(account)
    }

    /// Whether `org` is one of the declared organizations.
    pub fn is_ours(&self, org: &str) -> bool {
        self.orgs.contains(org)
    }
}

/// The account id in a principal or ARN as policies and grants write it: a bare 12-digit id,
/// `arn:aws:iam::<id>:root`, any ARN with an account field. None for `*`, a service principal,
/// a unique id (`AIDA...`) or an ARN without an account (`arn:aws:s3:::bucket`).
pub fn account_of(principal: &str) -> Option<&str> {
    if is_account_id(principal) {
        return Some(principal);
    }
    let mut parts = principal.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some(_service), Some(_region), Some(account)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    is_account_id(account).then_some(account)
}

/// Twelve ASCII digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_read_from_ids_and_arns() {
        assert_eq!(account_of("111122223333"), Some("111122223333"));
        assert_eq!(
            account_of("arn:aws:iam::111122223333:root"),
            Some("111122223333")
        );
        assert_eq!(
            account_of("arn:aws-us-gov:sts::111122223333:assumed-role/r/s"),
            Some("111122223333")
        );
        assert_eq!(account_of("arn:aws:s3:::bucket"), None);
        assert_eq!(account_of("*"), None);
        assert_eq!(account_of("AIDAEXAMPLEUNIQUEID1"), None);
        assert_eq!(account_of("s3.amazonaws.com"), None);
        assert_eq!(account_of("1111222233334"), None);
    }

    #[test]
    fn without_organization_data_only_the_own_account_is_allowed() {
        let none = Org::default();
        assert!(none.allows("111122223333", "111122223333"));
        assert!(!none.allows("111122223333", "444455556666"));
        let org = Org::new(["o-a1b2c3d4e5"], ["444455556666"], ["777788889999"]);
        assert!(org.allows("111122223333", "444455556666"));
        assert!(org.allows("111122223333", "777788889999"));
        assert!(!org.allows("111122223333", "999999999999"));
        assert!(org.is_ours("o-a1b2c3d4e5") && !org.is_ours("o-zzzzzzzzzz"));
    }
}
