//! The Route 53 Resolver remediation on moto: a VPC taken out of DNS query logging is
//! associated with its configuration again (the shipped policy
//! `route53resolver-query-logging-disassociated` names it). moto (5.1) does not serve
//! `DisassociateResolverQueryLogConfig`, so each test starts from the state that call leaves:
//! a configuration and a VPC that are not associated.

use aws_sdk_route53resolver::Client;
use aws_sdk_route53resolver::types::Filter;
use serde_json::json;
use snapback::Event;
use snapback::reactor::ModeOverride;

use super::common::{ACCOUNT, REGION, event, react, reactor, sdk_config, status, unique};

async fn resolver() -> Client {
    Client::new(&sdk_config().await)
}

async fn vpc() -> String {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config().await);
    let out = ec2
        .create_vpc()
        .cidr_block("10.42.0.0/16")
        .send()
        .await
        .unwrap();
    out.vpc().unwrap().vpc_id().unwrap().to_owned()
}

async fn config(resolver: &Client) -> String {
    let name = unique("dns-queries");
    let out = resolver
        .create_resolver_query_log_config()
        .name(&name)
        .destination_arn(format!(
            "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/dns/{name}"
        ))
        .creator_request_id(&name)
        .send()
        .await
        .unwrap();
    out.resolver_query_log_config()
        .unwrap()
        .id()
        .unwrap()
        .to_owned()
}

async fn associated(resolver: &Client, config: &str, vpc: &str) -> bool {
    let filter = |name: &str, value: &str| Filter::builder().name(name).values(value).build();
    let out = resolver
        .list_resolver_query_log_config_associations()
        .filters(filter("ResolverQueryLogConfigId", config))
        .filters(filter("ResourceId", vpc))
        .send()
        .await
        .unwrap();
    !out.resolver_query_log_config_associations().is_empty()
}

fn disassociate(config: &str, vpc: &str) -> Event {
    event(
        "route53resolver.amazonaws.com",
        "DisassociateResolverQueryLogConfig",
        json!({"resolverQueryLogConfigId": config, "resourceId": vpc}),
    )
}

#[tokio::test]
async fn a_disassociated_vpc_is_logged_again() {
    let resolver = resolver().await;
    let (config, vpc, other) = (config(&resolver).await, vpc().await, vpc().await);
    let event = disassociate(&config, &vpc);

    let audit = react(&reactor(ModeOverride::Audit).await, &event).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert!(
        !associated(&resolver, &config, &vpc).await,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &event).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "route53resolver:GetResolverQueryLogConfig",
            "route53resolver:ListResolverQueryLogConfigAssociations",
            "route53resolver:AssociateResolverQueryLogConfig",
            "route53resolver:GetResolverQueryLogConfig",
            "route53resolver:ListResolverQueryLogConfigAssociations"
        ]
    );
    assert!(associated(&resolver, &config, &vpc).await);
    assert!(
        !associated(&resolver, &config, &other).await,
        "only the event's VPC"
    );
    let again = react(&reactor(ModeOverride::Enforce).await, &event).await;
    assert_eq!(status(&again), "noop", "a second delivery: {again:?}");
}

#[tokio::test]
async fn a_deleted_configuration_or_vpc_is_a_noop() {
    let resolver = resolver().await;
    let vpc = vpc().await;
    let gone_config = disassociate("rqlc-0000000000000000", &vpc);
    let record = react(&reactor(ModeOverride::Enforce).await, &gone_config).await;
    assert_eq!(
        status(&record),
        "noop",
        "a configuration that is gone: {record:?}"
    );

    let config = config(&resolver).await;
    let gone_vpc = disassociate(&config, "vpc-0000000000000000f");
    let record = react(&reactor(ModeOverride::Enforce).await, &gone_vpc).await;
    assert_eq!(status(&record), "noop", "a VPC that is gone: {record:?}");
}
