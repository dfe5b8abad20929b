//! Route 53 Resolver calls the remediations make: whether a query logging configuration still
//! exists and is associated with a VPC, and associating it again.

use aws_sdk_route53resolver::types::{Filter, ResolverQueryLogConfigAssociationStatus as Status};

use super::error::{found, sent};
use super::{ApiError, ErrorKind, capability};

/// An association that logs, or will once created.
fn logging(status: Option<&Status>) -> bool {
    matches!(status, Some(Status::Active | Status::Creating))
}

/// Route 53 Resolver refuses to associate a VPC that does not exist (any more) with
/// `InvalidParameterException` "... does not exist": the VPC is gone, so there is nothing to
/// log.
fn gone(mut err: ApiError) -> ApiError {
    if err.code.as_deref() == Some("InvalidParameterException")
        && err.message.contains("does not exist")
    {
        err.kind = ErrorKind::NotFound;
    }
    err
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

capability! {
    /// The Route 53 Resolver calls of the query logging remediation.
    pub trait Route53ResolverOps(route53resolver) for aws_sdk_route53resolver::Client {
        /// Whether the query logging configuration exists.
        fn query_log_config_exists<'a>(&'a self, config: &'a str) -> bool
            = "route53resolver:GetResolverQueryLogConfig", |call| {
            let read = self.get_resolver_query_log_config().resolver_query_log_config_id(config);
            Ok(found(call, read.send().await, &[])?.is_some())
        }

        /// Whether the configuration logs the queries of the VPC `resource` (an association
        /// active or being created).
        fn query_logging<'a>(&'a self, config: &'a str, resource: &'a str) -> bool
            = "route53resolver:ListResolverQueryLogConfigAssociations", |call| {
            let mut next: Option<String> = None;
            loop {
                let list = self
                    .list_resolver_query_log_config_associations()
                    .filters(filter("ResolverQueryLogConfigId", config))
                    .filters(filter("ResourceId", resource))
                    .set_next_token(next.take());
                let out = sent(call, list.send().await)?;
                let associations = out.resolver_query_log_config_associations();
                if associations.iter().any(|a| {
                    a.resource_id() == Some(resource)
                        && a.resolver_query_log_config_id() == Some(config)
                        && logging(a.status())
                }) {
                    return Ok(true);
                }
                match out.next_token() {
                    Some(token) if !token.is_empty() => next = Some(token.to_owned()),
                    _ => return Ok(false),
                }
            }
        }

        /// Associate the configuration with the VPC `resource` again. An association that
        /// already exists (another revert won the race) is success.
        fn associate_query_logging<'a>(&'a self, config: &'a str, resource: &'a str)
            -> () = "route53resolver:AssociateResolverQueryLogConfig", |call| {
            let associate = self
                .associate_resolver_query_log_config()
                .resolver_query_log_config_id(config)
                .resource_id(resource);
            match sent(call, associate.send().await) {
                Ok(_) => Ok(()),
                Err(err) if err.code.as_deref() == Some("ResourceExistsException") => Ok(()),
                Err(err) => Err::<(), ApiError>(gone(err)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vpc_that_does_not_exist_is_gone() {
        let call = "route53resolver:AssociateResolverQueryLogConfig";
        let mut err = ApiError::new(
            call,
            ErrorKind::Rejected,
            "The vpc ID 'vpc-1' does not exist",
        );
        err.code = Some("InvalidParameterException".to_owned());
        assert!(gone(err.clone()).is_not_found());
        err.message = "bad id".into();
        assert!(!gone(err).is_not_found());
    }

    #[test]
    fn active_and_creating_associations_log() {
        assert!(logging(Some(&Status::Active)));
        assert!(logging(Some(&Status::Creating)));
        for other in [Status::Deleting, Status::Failed, Status::ActionNeeded] {
            assert!(!logging(Some(&other)), "{other:?}");
        }
        assert!(!logging(None));
    }
}
