//! AWS errors, classified once so that the rest of snapback can decide what to do: retry
//! throttling and transient failures, treat "not found" as a gone resource, fail fast on the
//! rest.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// What kind of failure an AWS call ended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The service asked us to slow down (429, `Throttling`, `RequestLimitExceeded`, ...).
    Throttled,
    /// 5xx, a timeout, or a connection that failed: may work on a retry.
    Transient,
    /// The resource does not exist (any more).
    NotFound,
    /// The caller may not do this.
    AccessDenied,
    /// Anything else the service rejected: validation, conflicts, bad state.
    Rejected,
}

/// A failed AWS call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{call} failed ({kind:?}{}): {message}", code.as_deref().map(|c| format!(", {c}")).unwrap_or_default())]
pub struct ApiError {
    /// `service:Operation`
    pub call: String,
    pub kind: ErrorKind,
    pub code: Option<String>,
    pub message: String,
}

impl ApiError {
    pub fn new(call: &str, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            call: call.to_owned(),
            kind,
            code: None,
            message: message.into(),
        }
    }

    /// Worth another attempt: throttling and transient failures only.
    pub fn retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::Throttled | ErrorKind::Transient)
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }
}

const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    "LimitExceededException",
];

/// The output of the call `call`, or its classified error.
pub(crate) fn sent<T, E>(
    call: &str,
    result: Result<T, SdkError<E, aws_smithy_runtime_api::http::Response>>,
) -> Result<T, ApiError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    result.map_err(|e| classify(call, &e))
}

/// The output of a read, or None when what it reads is not found (or answers one of the
/// `also` codes, which some services use for a resource that is gone).
pub(crate) fn found<T, E>(
    call: &str,
    result: Result<T, SdkError<E, aws_smithy_runtime_api::http::Response>>,
    also: &[&str],
) -> Result<Option<T>, ApiError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    none_if_gone(sent(call, result), also)
}

/// A classified result with not found (or one of the `also` codes) as None.
pub(crate) fn none_if_gone<T>(
    result: Result<T, ApiError>,
    also: &[&str],
) -> Result<Option<T>, ApiError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(err)
            if err.is_not_found() || err.code.as_deref().is_some_and(|c| also.contains(&c)) =>
        {
            tracing::debug!(call = %err.call, "{err}");
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

/// Classify an SDK error from the call `call` (`service:Operation`).
pub fn classify<E>(
    call: &str,
    err: &SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (kind, code, message) = match err {
        SdkError::TimeoutError(_) => (ErrorKind::Transient, None, "timed out".to_owned()),
        SdkError::DispatchFailure(_) => (
            ErrorKind::Transient,
            None,
            format!("cannot reach the service: {}", cause(err)),
        ),
        SdkError::ResponseError(_) => (
            ErrorKind::Transient,
            None,
            format!("unreadable response: {}", cause(err)),
        ),
        SdkError::ConstructionFailure(_) => (
            ErrorKind::Rejected,
            None,
            format!("cannot build the request: {}", cause(err)),
        ),
        SdkError::ServiceError(service) => {
            let inner = service.err();
            let status = service.raw().status().as_u16();
            let code = inner.code().map(str::to_owned);
            let message = inner.message().unwrap_or("").to_owned();
            (kind_of(status, code.as_deref()), code, message)
        }
        other => (ErrorKind::Transient, None, other.to_string()),
    };
    ApiError {
        call: call.to_owned(),
        kind,
        code,
        message,
    }
}

/// What an SDK error's wrapper holds (the connector's or parser's error and its causes), as one
/// line.
fn cause<E>(err: &SdkError<E, aws_smithy_runtime_api::http::Response>) -> String
where
    E: std::error::Error + 'static,
{
    match std::error::Error::source(err) {
        Some(inner) => one_line(inner),
        None => one_line(err),
    }
}

/// An error and its causes as one readable line (`a: b: c`), for records, logs and a person:
/// not the SDK's debug dump, which spans many lines and names internal types. A cause whose
/// text its parent already shows is not repeated.
pub fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() && !parts.last().is_some_and(|last| last.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

fn kind_of(status: u16, code: Option<&str>) -> ErrorKind {
    let code = code.unwrap_or("");
    if status == 429 || THROTTLING.contains(&code) {
        ErrorKind::Throttled
    } else if code.contains("NotFound") || code.starts_with("NoSuch") || status == 404 {
        ErrorKind::NotFound
    } else if code.contains("AccessDenied")
        || code == "UnauthorizedOperation"
        || code == "Forbidden"
        || status == 403
    {
        ErrorKind::AccessDenied
    } else if status >= 500 || code == "InternalError" || code == "ServiceUnavailable" {
        ErrorKind::Transient
    } else {
        ErrorKind::Rejected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refused connection was recorded as `DispatchFailure(DispatchFailure { source:
    /// ConnectorError { kind: Io, source: ... } })`, a debug dump of the SDK's types.
    #[test]
    fn a_connection_failure_is_one_readable_line() {
        use aws_smithy_runtime_api::client::result::ConnectorError;
        let io = std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "tcp connect error:\n  Connection refused (os error 111)",
        );
        let err: SdkError<aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError, _> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        let api = classify("sts:GetCallerIdentity", &err);
        assert_eq!(api.kind, ErrorKind::Transient);
        assert!(!api.message.contains('\n'), "{}", api.message);
        assert!(!api.message.contains("ConnectorError"), "{}", api.message);
        assert!(
            api.message.starts_with("cannot reach the service: ")
                && api.message.ends_with("Connection refused (os error 111)"),
            "{}",
            api.message
        );
        assert!(!api.to_string().contains('\n'));
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of(400, Some("Throttling")), ErrorKind::Throttled);
        assert_eq!(kind_of(429, None), ErrorKind::Throttled);
        assert_eq!(
            kind_of(400, Some("InvalidGroup.NotFound")),
            ErrorKind::NotFound
        );
        assert_eq!(kind_of(404, Some("NoSuchBucket")), ErrorKind::NotFound);
        assert_eq!(
            kind_of(403, Some("AccessDeniedException")),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            kind_of(503, Some("ServiceUnavailable")),
            ErrorKind::Transient
        );
        assert_eq!(
            kind_of(400, Some("ValidationException")),
            ErrorKind::Rejected
        );
    }
}
