//! `route53resolver-reassociate-query-logging`: log a VPC's DNS queries again after someone
//! disassociated it from its query logging configuration.
//!
//! Why: Resolver query logs are where DNS exfiltration and command-and-control lookups show;
//! disassociating a VPC stops them silently (MITRE ATT&CK T1562.008).
//! Trigger: `route53resolver:DisassociateResolverQueryLogConfig` (policy
//! `route53resolver-query-logging-disassociated`). Deleting the configuration itself is
//! detect-only: its destination is not in the event.
//! What: the plan keeps the call's `resolverQueryLogConfigId` and `resourceId` (the VPC).
//! Calls: `GetResolverQueryLogConfig` (a configuration deleted since is a no-op: there is
//! nothing to associate), `ListResolverQueryLogConfigAssociations` for that configuration and
//! VPC; if no association is active or being created, `AssociateResolverQueryLogConfig`; the
//! two reads again to verify. A VPC deleted since refuses the association as not found, which
//! is a no-op.
//!
//! ```cedar
//! @remediation("route53resolver-reassociate-query-logging")
//! forbid (principal,
//!     action == Aws::Action::"route53resolver:DisassociateResolverQueryLogConfig",
//!     resource is Aws::QueryLogConfig);
//! ```

use serde::{Deserialize, Serialize};

use super::prelude::*;

/// The configuration and the VPC it logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Association {
    #[serde(rename = "resolverQueryLogConfigId")]
    config: String,
    #[serde(rename = "resourceId")]
    vpc: String,
}

remediation! {
    ReassociateQueryLogging {
        name: "route53resolver-reassociate-query-logging",
        service: "route53resolver",
        iam: &[
            "route53resolver:GetResolverQueryLogConfig",
            "route53resolver:ListResolverQueryLogConfigAssociations",
            "route53resolver:AssociateResolverQueryLogConfig",
        ],
    }
    plan: |p| {
        if p.event.event_name() != "DisassociateResolverQueryLogConfig" {
            return Err(p.error("the event does not disassociate a query logging configuration"));
        }
        let config = p.param("resolverQueryLogConfigId")
            .ok_or_else(|| p.error("the event names no `resolverQueryLogConfigId`"))?;
        let vpc = p.param("resourceId").ok_or_else(|| p.error("the event names no `resourceId`"))?;
        let summary = format!(
            "associate query logging configuration `{config}` with VPC `{vpc}` again"
        );
        let args = Association { config: config.to_owned(), vpc: vpc.to_owned() };
        let args = serde_json::to_value(args).map_err(|e| p.error(e.to_string()))?;
        let mut plan = p.plan(args, summary);
        plan.resource = config.to_owned();
        Ok(plan)
    },
    revert: |_plan, aws, args: Association| {
        let (resolver, association) = (aws.route53resolver(), &args);
        let (config, vpc) = (association.config.as_str(), association.vpc.as_str());
        read: || async move {
            if !resolver.query_log_config_exists(config).await? {
                return Ok(None);
            }
            resolver.query_logging(config, vpc).await.map(Some)
        },
        still_wrong: |logging| {
            (!logging).then(|| format!("VPC `{vpc}` is still not logged by `{config}`"))
        },
        act: |_| resolver.associate_query_logging(config, vpc),
    },
}
