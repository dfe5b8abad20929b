//! Amazon Inspector calls the remediations make: which resource types the account scans, and
//! enabling scanning again.

use aws_sdk_inspector2::types::{
    ErrorCode, FailedAccount, ResourceScanType, ResourceState, Status,
};

use super::error::sent;
use super::{ApiError, ErrorKind, capability};

/// The scan status of one resource type (`EC2`, `ECR`, `LAMBDA`, `LAMBDA_CODE`,
/// `CODE_REPOSITORY`) in a resource state, or None for a type the service does not report.
fn status_of<'s>(state: &'s ResourceState, resource_type: &str) -> Option<&'s Status> {
    let state = match resource_type {
        "EC2" => state.ec2(),
        "ECR" => state.ecr(),
        "LAMBDA" => state.lambda(),
        "LAMBDA_CODE" => state.lambda_code(),
        "CODE_REPOSITORY" => state.code_repository(),
        _ => None,
    };
    state.map(|s| s.status())
}

/// An account a batch call failed for, as an error: denied, an internal error (retried), or
/// otherwise rejected. None for
/// `ALREADY_ENABLED`, which an enable that lost a race to another meets, and is what it wanted.
fn failure(call: &str, failed: &FailedAccount) -> Option<ApiError> {
    let kind = match failed.error_code() {
        ErrorCode::AlreadyEnabled => return None,
        ErrorCode::AccessDenied => ErrorKind::AccessDenied,
        ErrorCode::InternalError => ErrorKind::Transient,
        _ => ErrorKind::Rejected,
    };
    let mut err = ApiError::new(call, kind, failed.error_message());
    err.code = Some(failed.error_code().as_str().to_owned());
    Some(err)
}

/// Scanning that is on, or on its way there.
fn scanning(status: &Status) -> bool {
    matches!(status, Status::Enabled | Status::Enabling)
}

capability! {
    /// The Inspector calls of the scanning remediation.
    pub trait Inspector2Ops(inspector2) for aws_sdk_inspector2::Client {
        /// Of `resource_types`, those the account does not scan (disabled, disabling,
        /// suspended, or not reported at all).
        fn not_scanning<'a>(&'a self, account: &'a str, resource_types: &'a [String]) -> Vec<String>
            = "inspector2:BatchGetAccountStatus", |call| {
            let read = self.batch_get_account_status().account_ids(account);
            let out = sent(call, read.send().await)?;
            let failed = out.failed_accounts().iter().filter(|f| f.account_id() == account);
            if let Some(err) = failed.filter_map(|f| failure(call, f)).next() {
                return Err(err);
            }
            let state = out
                .accounts()
                .iter()
                .find(|a| a.account_id() == account)
                .and_then(|a| a.resource_state());
            Ok(resource_types
                .iter()
                .filter(|t| !state.and_then(|s| status_of(s, t)).is_some_and(scanning))
                .cloned()
                .collect())
        }

        /// Enable scanning of `resource_types` in the account.
        fn enable_scanning<'a>(&'a self, account: &'a str, resource_types: &'a [String])
            -> () = "inspector2:Enable", |call| {
            let types = resource_types.iter().map(|t| ResourceScanType::from(t.as_str())).collect();
            let enable = self.enable().account_ids(account).set_resource_types(Some(types));
            let out = sent(call, enable.send().await)?;
            let failed = out.failed_accounts().iter().filter(|f| f.account_id() == account);
            match failed.filter_map(|f| failure(call, f)).next() {
                Some(err) => Err(err),
                None => Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_inspector2::types::State;

    use super::*;

    fn state(status: Status) -> State {
        State::builder()
            .status(status)
            .error_code(aws_sdk_inspector2::types::ErrorCode::AlreadyEnabled)
            .error_message("")
            .build()
            .unwrap()
    }

    #[test]
    fn an_account_already_enabled_is_no_failure_and_a_denial_is_denied() {
        let failed = |code| {
            FailedAccount::builder()
                .account_id("123456789012")
                .error_code(code)
                .error_message("m")
                .build()
                .unwrap()
        };
        let call = "inspector2:Enable";
        assert_eq!(failure(call, &failed(ErrorCode::AlreadyEnabled)), None);
        let denied = failure(call, &failed(ErrorCode::AccessDenied)).unwrap();
        assert_eq!(
            (denied.kind, denied.code.as_deref()),
            (ErrorKind::AccessDenied, Some("ACCESS_DENIED"))
        );
        let internal = failure(call, &failed(ErrorCode::InternalError)).unwrap();
        assert!(internal.retryable());
        let other = failure(call, &failed(ErrorCode::SsmUnavailable)).unwrap();
        assert_eq!(other.kind, ErrorKind::Rejected);
    }

    #[test]
    fn each_resource_type_reads_its_own_status() {
        let resources = ResourceState::builder()
            .ec2(state(Status::Enabled))
            .ecr(state(Status::Disabled))
            .lambda(state(Status::Enabling))
            .build();
        let on = |t: &str| status_of(&resources, t).is_some_and(scanning);
        assert!(on("EC2") && on("LAMBDA"));
        assert!(!on("ECR"), "disabled");
        assert!(!on("LAMBDA_CODE"), "not reported");
        assert!(!on("SOMETHING_NEW"), "unknown types are not scanning");
    }
}
