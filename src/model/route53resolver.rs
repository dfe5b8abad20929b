//! Route 53 Resolver: query logging configurations and their VPC associations.

use super::spec::events;
use super::{EventSpec, ResourceKind};

const QUERY_LOG_CONFIG: ResourceKind = ResourceKind::at(
    "QueryLogConfig",
    &["resolverQueryLogConfigId"],
    "arn:aws:route53resolver:{region}:{account}:resolver-query-log-config/{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    QUERY_LOG_CONFIG: [
        "AssociateResolverQueryLogConfig",
        "DisassociateResolverQueryLogConfig",
        "DeleteResolverQueryLogConfig",
    ],
};
