//! Security Hub calls the remediations make.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use aws_sdk_securityhub::types::{StandardsStatus, StandardsSubscriptionRequest};

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

/// A subscription that checks its controls, or will once set up: not one being deleted or
/// failed.
fn subscribed(status: Option<&StandardsStatus>) -> bool {
    matches!(
        status,
        Some(StandardsStatus::Ready | StandardsStatus::Pending | StandardsStatus::Incomplete)
    )
}

capability! {
    /// The Security Hub calls of the hub and standards remediations.
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

        /// The ARNs of the standards the hub is subscribed to (not those being deleted), or
        /// None when Security Hub is not enabled.
        fn enabled_standards<'a>(&'a self) -> Option<Vec<String>>
            = "securityhub:GetEnabledStandards", |call| {
            let mut arns = Vec::new();
            let mut next: Option<String> = None;
            loop {
                let read = self.get_enabled_standards().set_next_token(next.take());
                let out = match read.send().await {
                    Ok(out) => out,
                    Err(e) => match classified(call, &e) {
                        err if disabled(&err) => return Ok(None),
                        err => return Err(err),
                    },
                };
                arns.extend(
                    out.standards_subscriptions()
                        .iter()
                        .filter(|s| subscribed(s.standards_status()))
                        .filter_map(|s| s.standards_arn().map(str::to_owned)),
                );
                match out.next_token() {
                    Some(token) if !token.is_empty() => next = Some(token.to_owned()),
                    _ => return Ok(Some(arns)),
                }
            }
        }

        /// Subscribe the hub to the standards `arns` again.
        fn enable_standards<'a>(&'a self, arns: &'a [String])
            -> () = "securityhub:BatchEnableStandards", |call| {
            let mut enable = self.batch_enable_standards();
            for arn in arns {
                let request = StandardsSubscriptionRequest::builder().standards_arn(arn).build();
                enable = enable.standards_subscription_requests(request);
            }
            match enable.send().await {
                Ok(_) => Ok(()),
                Err(e) => Err(classified(call, &e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ErrorKind;

    #[test]
    fn standards_being_deleted_or_failed_are_not_subscribed() {
        for on in [
            StandardsStatus::Ready,
            StandardsStatus::Pending,
            StandardsStatus::Incomplete,
        ] {
            assert!(subscribed(Some(&on)), "{on:?}");
        }
        for off in [StandardsStatus::Deleting, StandardsStatus::Failed] {
            assert!(!subscribed(Some(&off)), "{off:?}");
        }
        assert!(!subscribed(None));
    }

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
