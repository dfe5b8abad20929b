//! Security Hub calls the remediations make.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::{ApiError, capability, classify};

/// Classify, taking the error code from the `x-amzn-errortype` header when the body did not
/// give one (moto answers Security Hub errors with an XML body the JSON parser cannot read).
fn classified<E>(call: &str, err: &SdkError<E, aws_smithy_runtime_api::http::Response>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let mut classified = classify(call, err);
    if classified.code.is_none() {
        let header = err
            .raw_response()
            .and_then(|r| r.headers().get("x-amzn-errortype"));
        classified.code = header.and_then(|t| t.split(':').next()).map(str::to_owned);
    }
    classified
}

/// Security Hub answers `InvalidAccessException` ("not subscribed") for a hub that is not
/// enabled, and `ResourceNotFoundException` for a hub ARN it does not know.
fn disabled(err: &ApiError) -> bool {
    err.is_not_found()
        || matches!(
            err.code.as_deref(),
            Some("InvalidAccessException" | "ResourceNotFoundException")
        )
}

capability! {
    /// The Security Hub calls of the hub remediation.
    pub trait SecurityHubOps(securityhub) for aws_sdk_securityhub::Client {
        /// The hub's ARN, or None when Security Hub is not enabled in this region.
        fn hub_arn<'a>(&'a self) -> Option<String> = "securityhub:DescribeHub", |call| {
            match self.describe_hub().send().await {
                Ok(out) => Ok(Some(out.hub_arn().unwrap_or_default().to_owned())),
                Err(e) => match classified(call, &e) {
                    err if disabled(&err) => Ok(None),
                    err => Err(err),
                },
            }
        }

        /// Enable Security Hub with the default standards. A hub that is already enabled (a
        /// concurrent enable won the race) is success.
        fn enable_hub<'a>(&'a self) -> () = "securityhub:EnableSecurityHub", |call| {
            match self.enable_security_hub().enable_default_standards(true).send().await {
                Ok(_) => Ok(()),
                Err(e) => match classified(call, &e) {
                    err if err.code.as_deref() == Some("ResourceConflictException") => Ok(()),
                    err => Err(err),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ErrorKind;

    #[test]
    fn not_subscribed_means_disabled() {
        let mut err = ApiError::new(
            "securityhub:DescribeHub",
            ErrorKind::Rejected,
            "not subscribed",
        );
        err.code = Some("InvalidAccessException".to_owned());
        assert!(disabled(&err));
        err.code = Some("AccessDeniedException".to_owned());
        assert!(!disabled(&err));
        assert!(disabled(&ApiError::new(
            "securityhub:DescribeHub",
            ErrorKind::NotFound,
            ""
        )));
    }
}
