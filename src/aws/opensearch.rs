//! OpenSearch Service calls the remediations make: a domain's access policy, read and written
//! as the JSON text the service keeps.

use super::error::{found, sent};
use super::{ApiError, ErrorKind, capability};

/// A domain still processing an earlier change refuses another with `ConflictException`:
/// transient, for the change finishes.
fn busy(mut err: ApiError) -> ApiError {
    if matches!(err.code.as_deref(), Some("ConflictException")) {
        err.kind = ErrorKind::Transient;
    }
    err
}

capability! {
    /// The OpenSearch calls of the open domain remediation.
    pub trait OpenSearchOps(opensearch) for aws_sdk_opensearch::Client {
        /// The domain's access policy as JSON text (empty when it has none), or None when the
        /// domain is gone.
        fn domain_policy<'a>(&'a self, domain: &'a str) -> Option<String>
            = "es:DescribeDomainConfig", |call| {
            let read = self.describe_domain_config().domain_name(domain);
            let out = found(call, read.send().await, &[])?;
            Ok(out.map(|o| {
                o.domain_config()
                    .and_then(|c| c.access_policies())
                    .map(|p| p.options().to_owned())
                    .unwrap_or_default()
            }))
        }

        /// Replace the domain's access policy with `policy` (JSON text; empty removes it);
        /// nothing else in the domain's configuration is changed.
        fn set_domain_policy<'a>(&'a self, domain: &'a str, policy: &'a str)
            -> () = "es:UpdateDomainConfig", |call| {
            let update = self.update_domain_config().domain_name(domain).access_policies(policy);
            sent(call, update.send().await).map(drop).map_err(busy)
        }
    }
}
