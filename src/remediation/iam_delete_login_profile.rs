//! `iam-delete-login-profile`: delete a console password someone created for another user.
//!
//! Why: whoever sets another user's console password knows it, and can sign in as that user.
//! Trigger: `iam:CreateLoginProfile` for a user other than the caller (policy
//! `iam-login-profile-for-other-user`).
//! What: the user's console password is deleted (the user had none before the call, or the
//! call would have failed); access keys and everything else of the user stay.
//! `iam:UpdateLoginProfile` is detect-only: the previous password is not in the event and
//! cannot be restored, so its plan fails and says so, and a person must reset it.
//! Calls: `GetLoginProfile`; if the user has a console password, `DeleteLoginProfile`;
//! `GetLoginProfile` to verify. A user without one, or gone, is a no-op.
//!
//! ```cedar
//! @remediation("iam-delete-login-profile")
//! forbid (principal, action == Aws::Action::"iam:CreateLoginProfile", resource is Aws::IamUser)
//! when { resource.name != principal.userName };
//! ```

use super::prelude::*;

remediation! {
    DeleteLoginProfile {
        name: "iam-delete-login-profile",
        service: "iam",
        iam: &["iam:GetLoginProfile", "iam:DeleteLoginProfile"],
    }
    plan: |p| {
        if p.event.event_name() != "CreateLoginProfile" {
            return Err(p.error(format!(
                "`{}` changed a console password; the previous one is not in the event and \
                 cannot be restored (detect-only: reset it by hand)",
                p.event.event_name()
            )));
        }
        p.resource("IamUser", |user| format!("delete the console password of user `{user}`"))
    },
    revert: |plan, aws| {
        let (user, iam) = (plan.resource.as_str(), aws.iam());
        read: || iam.login_profile(user),
        still_wrong: |_| Some(format!("user `{user}` still has a console password")),
        act: |_| iam.delete_login_profile(user),
    },
}
