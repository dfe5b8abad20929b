//! Amazon Inspector calls the remediations make: which resource types the account scans, and
//! enabling scanning again.

use aws_sdk_inspector2::types::{ResourceScanType, ResourceState, Status};

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
            if let Some(failed) = out.failed_accounts().iter().find(|f| f.account_id() == account) {
                let message = failed.error_message().to_owned();
                return Err(ApiError::new(call, ErrorKind::Rejected, message));
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
            match out.failed_accounts().iter().find(|f| f.account_id() == account) {
                Some(failed) => Err(ApiError::new(call, ErrorKind::Rejected, failed.error_message())),
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
