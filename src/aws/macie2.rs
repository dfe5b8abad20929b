//! Amazon Macie calls the remediations make: whether the account's Macie session is paused,
//! and resuming it.

use aws_sdk_macie2::types::MacieStatus;

use super::error::sent;
use super::{ApiError, capability};

/// Macie answers a session read in an account where it is not enabled with
/// `AccessDeniedException` "Macie is not enabled" (and the local AWS server with
/// `ResourceNotFoundException`): there is no session to resume.
fn not_enabled(err: ApiError) -> Result<(), ApiError> {
    let denied_disabled = err.code.as_deref() == Some("AccessDeniedException")
        && err.message.to_ascii_lowercase().contains("not enabled");
    if denied_disabled || err.is_not_found() {
        Ok(())
    } else {
        Err(err)
    }
}

capability! {
    /// The Macie calls of the paused session remediation.
    pub trait Macie2Ops(macie2) for aws_sdk_macie2::Client {
        /// Whether the account's Macie session is paused, or None when Macie is not enabled.
        fn session_paused<'a>(&'a self) -> Option<bool> = "macie2:GetMacieSession", |call| {
            match sent(call, self.get_macie_session().send().await) {
                Ok(out) => Ok(Some(out.status() == Some(&MacieStatus::Paused))),
                Err(err) => not_enabled(err).map(|()| None),
            }
        }

        /// Resume the account's Macie session (status `ENABLED`); nothing else is changed.
        fn resume_session<'a>(&'a self) -> () = "macie2:UpdateMacieSession", |call| {
            let update = self.update_macie_session().status(MacieStatus::Enabled);
            sent(call, update.send().await).map(drop)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ErrorKind;

    #[test]
    fn only_macie_not_enabled_counts_as_no_session() {
        let mut err = ApiError::new(
            "macie2:GetMacieSession",
            ErrorKind::AccessDenied,
            "Macie is not enabled.",
        );
        err.code = Some("AccessDeniedException".to_owned());
        assert_eq!(not_enabled(err.clone()), Ok(()));
        err.message = "User is not authorized to perform: macie2:GetMacieSession".into();
        assert!(not_enabled(err).is_err(), "a real denial stays an error");
        let gone = ApiError::new("macie2:GetMacieSession", ErrorKind::NotFound, "");
        assert_eq!(not_enabled(gone), Ok(()));
    }
}
