//! The seams between remediations and AWS: one narrow capability trait per service, with
//! exactly the calls the remediations make, each returning plain types and a classified
//! [`ApiError`]. A remediation asks a [`Capabilities`] for the services it uses; the reactor
//! hands it a [`Recorded`] view, which writes down every call (`service:Operation`, in order)
//! for the decision record, so no remediation lists its own calls.
//!
//! Each service file declares its trait with [`capability!`]: per method, the call it makes and
//! its body against the SDK client. The macro writes the trait, its implementation by the SDK
//! client, the recording one for [`Recorded`], and one for [`Unavailable`] (which refuses every
//! call), so a method is written once. Tests may implement one trait in memory and return it
//! from a [`Capabilities`] whose other services are left [`Unavailable`].

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

use super::{
    AccessAnalyzerOps, ApiError, Aws, CloudTrailOps, ConfigOps, Ec2Ops, EcrOps, ErrorKind,
    EventBridgeOps, GuardDutyOps, IamOps, Inspector2Ops, KmsOps, LambdaOps, Macie2Ops,
    OpenSearchOps, RdsOps, RedshiftOps, RolesAnywhereOps, Route53ResolverOps, S3ControlOps, S3Ops,
    SecretsManagerOps, SecurityHubOps, SnsOps, SqsOps,
};

/// A boxed future, so that capability traits and remediations can be used as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Declares a capability trait: its methods, the call each makes, and each one's body against
/// the SDK client (`self`), with the call's name bound to the given identifier.
macro_rules! capability {
    (
        $(#[$doc:meta])*
        $vis:vis trait $Trait:ident($accessor:ident) for $Client:ty {
            $(
                $(#[$mdoc:meta])*
                fn $method:ident<$lt:lifetime>(&$slt:lifetime $self:ident $(, $arg:ident: $ty:ty)* $(,)?)
                    -> $ret:ty = $call:expr, |$name:ident| $body:block
            )*
        }
    ) => {
        $(#[$doc])*
        $vis trait $Trait: Send + Sync {
            $(
                $(#[$mdoc])*
                fn $method<$lt>(&$slt $self $(, $arg: $ty)*)
                    -> $crate::aws::BoxFuture<$lt, Result<$ret, $crate::aws::ApiError>>;
            )*
        }

        impl $Trait for $Client {
            $(
                fn $method<$lt>(&$slt $self $(, $arg: $ty)*)
                    -> $crate::aws::BoxFuture<$lt, Result<$ret, $crate::aws::ApiError>> {
                    Box::pin(async move {
                        let $name: &str = &$call;
                        let result: Result<$ret, $crate::aws::ApiError> = async move $body.await;
                        result
                    })
                }
            )*
        }

        impl $Trait for $crate::aws::Recorded<'_> {
            $(
                fn $method<$lt>(&$slt $self $(, $arg: $ty)*)
                    -> $crate::aws::BoxFuture<$lt, Result<$ret, $crate::aws::ApiError>> {
                    $self.record(&$call);
                    $self.inner().$accessor().$method($($arg),*)
                }
            )*
        }

        impl $Trait for $crate::aws::Unavailable {
            $(
                #[allow(unused_variables, reason = "the arguments only name the call")]
                fn $method<$lt>(&$slt $self $(, $arg: $ty)*)
                    -> $crate::aws::BoxFuture<$lt, Result<$ret, $crate::aws::ApiError>> {
                    let error = $self.refuse(&$call);
                    Box::pin(async move { Err(error) })
                }
            )*
        }
    };
}

pub(crate) use capability;

/// Declares [`Capabilities`] from the list of services, with its implementations for [`Aws`]
/// (each SDK client) and [`Recorded`] (itself, recording).
macro_rules! capabilities {
    ($($accessor:ident: $Trait:ident),* $(,)?) => {
        /// The AWS services a remediation may ask for, one accessor each. A service that an
        /// implementation does not provide is [`Unavailable`]: its calls fail as rejected.
        pub trait Capabilities: Send + Sync {
            $(
                fn $accessor(&self) -> &dyn $Trait {
                    &Unavailable
                }
            )*

            /// The last call made through these capabilities, when they record calls: the
            /// read whose answer showed a revert missing.
            fn last_call(&self) -> Option<String> {
                None
            }
        }

        impl Capabilities for Aws {
            $(fn $accessor(&self) -> &dyn $Trait { &self.$accessor })*
        }

        impl Capabilities for Recorded<'_> {
            $(fn $accessor(&self) -> &dyn $Trait { self })*

            fn last_call(&self) -> Option<String> {
                self.lock().last().cloned()
            }
        }
    };
}

capabilities! {
    accessanalyzer: AccessAnalyzerOps,
    cloudtrail: CloudTrailOps,
    config: ConfigOps,
    ec2: Ec2Ops,
    ecr: EcrOps,
    eventbridge: EventBridgeOps,
    guardduty: GuardDutyOps,
    iam: IamOps,
    inspector2: Inspector2Ops,
    kms: KmsOps,
    lambda: LambdaOps,
    macie2: Macie2Ops,
    opensearch: OpenSearchOps,
    rds: RdsOps,
    redshift: RedshiftOps,
    rolesanywhere: RolesAnywhereOps,
    route53resolver: Route53ResolverOps,
    s3: S3Ops,
    s3control: S3ControlOps,
    secretsmanager: SecretsManagerOps,
    securityhub: SecurityHubOps,
    sqs: SqsOps,
    sns: SnsOps,
}

/// Capabilities that write down every call made through them, in order, before making it.
pub struct Recorded<'a> {
    inner: &'a dyn Capabilities,
    calls: Mutex<Vec<String>>,
}

impl<'a> Recorded<'a> {
    pub fn new(inner: &'a dyn Capabilities) -> Self {
        Self {
            inner,
            calls: Mutex::new(Vec::new()),
        }
    }

    /// The calls made so far, as `service:Operation`.
    pub fn into_calls(self) -> Vec<String> {
        self.calls
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn inner(&self) -> &'a dyn Capabilities {
        self.inner
    }

    pub(crate) fn record(&self, call: &str) {
        self.lock().push(call.to_owned());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A service that is not there: every call fails as rejected, naming the call.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unavailable;

impl Unavailable {
    pub(crate) fn refuse(&self, call: &str) -> ApiError {
        ApiError::new(
            call,
            ErrorKind::Rejected,
            "this service is not available here",
        )
    }
}
