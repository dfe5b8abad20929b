//! The skeleton every remediation shares: read the current state; if the resource is gone or
//! already compliant, there is nothing to do ([`Status::Noop`]); otherwise act, then read
//! back, and call the revert applied only when the state read back is compliant. A remediation
//! gives [`revert`] three closures (read, what is still wrong, act) and nothing else: the calls
//! are recorded by the capabilities it reads and acts through.

use std::future::Future;

use super::{Applying, Status};
use crate::aws::{ApiError, Capabilities, ErrorKind};

/// A revert whose state read back differs from what it wrote: transient, so it is retried.
pub fn unverified(call: &str, what: impl Into<String>) -> ApiError {
    ApiError::new(
        call,
        ErrorKind::Transient,
        format!("revert not visible on read-back: {}", what.into()),
    )
}

/// Read, act only while `still` finds something wrong, read back.
///
/// * `read` returns the state, or None when the resource is gone (gone is compliant);
/// * `still` says what is still wrong with a state, or None when it is compliant;
/// * `act` gets the state read and reverts it. A resource gone by then is a no-op.
///
/// When the state read back is still wrong, the error is [`unverified`], naming the last
/// call `aws` recorded (the read back).
pub fn revert<'a, S, Read, ReadFut, Still, Act, ActFut>(
    aws: &'a dyn Capabilities,
    read: Read,
    still: Still,
    act: Act,
) -> Applying<'a>
where
    S: Send + 'a,
    Read: Fn() -> ReadFut + Send + 'a,
    ReadFut: Future<Output = Result<Option<S>, ApiError>> + Send + 'a,
    Still: Fn(&S) -> Option<String> + Send + 'a,
    Act: FnOnce(S) -> ActFut + Send + 'a,
    ActFut: Future<Output = Result<(), ApiError>> + Send + 'a,
{
    Box::pin(async move {
        let Some(state) = read().await? else {
            return Ok(Status::Noop);
        };
        if still(&state).is_none() {
            return Ok(Status::Noop);
        }
        match act(state).await {
            Err(err) if err.is_not_found() => return Ok(Status::Noop),
            other => other?,
        }
        match read().await?.as_ref().and_then(&still) {
            Some(wrong) => Err(unverified(&aws.last_call().unwrap_or_default(), wrong)),
            None => Ok(Status::Applied),
        }
    })
}

/// A read of an account or region setting, which cannot be gone: its value is the state.
pub async fn setting<T>(
    read: impl Future<Output = Result<T, ApiError>>,
) -> Result<Option<T>, ApiError> {
    read.await.map(Some)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::aws::{BoxFuture, CloudTrailOps, EventSelectors, Recorded, Trail};

    /// A trail in memory: its logging states, one per read, and whether a start fails.
    struct FakeTrail {
        reads: Mutex<Vec<Option<bool>>>,
        start: Result<(), ErrorKind>,
    }

    impl FakeTrail {
        fn new(reads: &[Option<bool>], start: Result<(), ErrorKind>) -> Self {
            let mut reads = reads.to_vec();
            reads.reverse();
            Self {
                reads: Mutex::new(reads),
                start,
            }
        }
    }

    impl CloudTrailOps for FakeTrail {
        fn trail<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Option<Trail>, ApiError>> {
            unimplemented!("not read by these tests")
        }

        fn is_logging<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Option<bool>, ApiError>> {
            let next = self.reads.lock().unwrap().pop().flatten();
            Box::pin(async move { Ok(next) })
        }

        fn start_trail<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), ApiError>> {
            let result = self
                .start
                .map_err(|kind| ApiError::new("cloudtrail:StartLogging", kind, "refused"));
            Box::pin(async move { result })
        }

        fn set_trail_flags<'a>(
            &'a self,
            _: &'a str,
            _: Option<bool>,
            _: Option<bool>,
        ) -> BoxFuture<'a, Result<(), ApiError>> {
            unimplemented!("not called by these tests")
        }

        fn event_selectors<'a>(
            &'a self,
            _: &'a str,
        ) -> BoxFuture<'a, Result<Option<EventSelectors>, ApiError>> {
            unimplemented!("not read by these tests")
        }

        fn record_management_events<'a>(
            &'a self,
            _: &'a str,
            _: &'a EventSelectors,
        ) -> BoxFuture<'a, Result<(), ApiError>> {
            unimplemented!("not called by these tests")
        }
    }

    impl Capabilities for FakeTrail {
        fn cloudtrail(&self) -> &dyn CloudTrailOps {
            self
        }
    }

    /// Start logging through the skeleton; the status and the calls recorded.
    async fn start(fake: FakeTrail) -> (Result<Status, ApiError>, Vec<String>) {
        let recorded = Recorded::new(&fake);
        let aws: &dyn Capabilities = &recorded;
        let ct = aws.cloudtrail();
        let result = revert(
            aws,
            move || ct.is_logging("t"),
            move |logging| (!logging).then(|| "the trail is still not logging".into()),
            move |_| ct.start_trail("t"),
        )
        .await;
        (result, recorded.into_calls())
    }

    const GET: &str = "cloudtrail:GetTrailStatus";
    const START: &str = "cloudtrail:StartLogging";

    #[tokio::test]
    async fn a_revert_read_back_is_applied() {
        let (result, calls) = start(FakeTrail::new(&[Some(false), Some(true)], Ok(()))).await;
        assert_eq!(result, Ok(Status::Applied));
        assert_eq!(calls, [GET, START, GET]);
    }

    #[tokio::test]
    async fn compliant_or_gone_is_a_noop_without_acting() {
        for state in [Some(true), None] {
            let (result, calls) = start(FakeTrail::new(&[state], Ok(()))).await;
            assert_eq!(result, Ok(Status::Noop));
            assert_eq!(calls, [GET]);
        }
    }

    #[tokio::test]
    async fn a_resource_gone_before_the_act_is_a_noop() {
        let fake = FakeTrail::new(&[Some(false)], Err(ErrorKind::NotFound));
        assert_eq!(start(fake).await.0, Ok(Status::Noop));
    }

    #[tokio::test]
    async fn a_failed_act_is_its_error() {
        let fake = FakeTrail::new(&[Some(false)], Err(ErrorKind::AccessDenied));
        let (result, calls) = start(fake).await;
        assert_eq!(result.map_err(|e| e.kind), Err(ErrorKind::AccessDenied));
        assert_eq!(calls, [GET, START]);
    }

    #[tokio::test]
    async fn a_revert_not_read_back_is_unverified_and_names_the_read() {
        let fake = FakeTrail::new(&[Some(false), Some(false)], Ok(()));
        let err = start(fake).await.0.unwrap_err();
        assert_eq!(err, unverified(GET, "the trail is still not logging"));
        assert!(err.retryable());
    }

    #[tokio::test]
    async fn a_service_not_provided_refuses_its_calls() {
        let fake = FakeTrail::new(&[], Ok(()));
        let err = fake.kms().enable("k").await.unwrap_err();
        assert_eq!(
            (err.call.as_str(), err.kind),
            ("kms:EnableKey", ErrorKind::Rejected)
        );
    }
}
