//! Security group ingress reverts on moto: world-open ingress, a modified rule, a default group.

use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, SecurityGroupRuleRequest, SecurityGroupRuleUpdate,
    UserIdGroupPair,
};

use serde_json::json;
use snapback::reactor::ModeOverride;

use super::ec2;
use crate::common::{event, react, reactor, status, unique};

fn tcp(port: i32, cidrs: &[&str]) -> IpPermission {
    let mut p = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port);
    for c in cidrs {
        p = if c.contains(':') {
            p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(*c).build())
        } else {
            p.ip_ranges(IpRange::builder().cidr_ip(*c).build())
        };
    }
    p.build()
}

/// The group's ingress as (protocol, from port, source) triples, sorted.
async fn ingress(ec2: &aws_sdk_ec2::Client, group: &str) -> Vec<(String, i32, String)> {
    let out = ec2
        .describe_security_groups()
        .group_ids(group)
        .send()
        .await
        .unwrap();
    let mut all = Vec::new();
    for p in out.security_groups()[0].ip_permissions() {
        let key = |s: &str| {
            (
                p.ip_protocol().unwrap_or_default().to_owned(),
                p.from_port().unwrap_or(-1),
                s.to_owned(),
            )
        };
        all.extend(p.ip_ranges().iter().map(|r| key(r.cidr_ip().unwrap())));
        all.extend(p.ipv6_ranges().iter().map(|r| key(r.cidr_ipv6().unwrap())));
        all.extend(
            p.user_id_group_pairs()
                .iter()
                .map(|g| key(g.group_id().unwrap())),
        );
    }
    all.sort();
    all
}

fn rule(protocol: &str, port: i32, source: &str) -> (String, i32, String) {
    (protocol.to_owned(), port, source.to_owned())
}

async fn group(ec2: &aws_sdk_ec2::Client) -> String {
    let name = unique("sg");
    ec2.create_security_group()
        .group_name(&name)
        .description("snapback test")
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap()
}

#[tokio::test]
async fn world_ssh_is_revoked_and_the_private_rules_are_kept() {
    let ec2 = ec2().await;
    let sg = group(&ec2).await;
    ec2.authorize_security_group_ingress()
        .group_id(&sg)
        .ip_permissions(tcp(443, &["192.168.0.0/16"]))
        .send()
        .await
        .unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(&sg)
        .ip_permissions(tcp(22, &["0.0.0.0/0", "10.0.0.0/8", "::/0"]))
        .send()
        .await
        .unwrap();
    let before = ingress(&ec2, &sg).await;
    let authorize = event(
        "ec2.amazonaws.com",
        "AuthorizeSecurityGroupIngress",
        json!({"groupId": sg, "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
            "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}, {"cidrIp": "10.0.0.0/8"}]},
            "ipv6Ranges": {"items": [{"cidrIpv6": "::/0"}]}}]}}),
    );

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &authorize).await), "planned");
    assert_eq!(
        ingress(&ec2, &sg).await,
        before,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &authorize).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        api_calls(&record),
        [
            "ec2:DescribeSecurityGroups",
            "ec2:RevokeSecurityGroupIngress",
            "ec2:DescribeSecurityGroups"
        ]
    );
    assert_eq!(
        ingress(&ec2, &sg).await,
        [
            rule("tcp", 22, "10.0.0.0/8"),
            rule("tcp", 443, "192.168.0.0/16")
        ]
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &authorize).await),
        "noop"
    );
}

#[tokio::test]
async fn a_rule_modified_to_world_rdp_is_revoked_by_id() {
    let ec2 = ec2().await;
    let sg = group(&ec2).await;
    ec2.authorize_security_group_ingress()
        .group_id(&sg)
        .ip_permissions(tcp(443, &["192.168.0.0/16"]))
        .send()
        .await
        .unwrap();
    let added = ec2
        .authorize_security_group_ingress()
        .group_id(&sg)
        .ip_permissions(tcp(8080, &["10.0.0.0/8"]))
        .send()
        .await
        .unwrap();
    let rule_id = added.security_group_rules()[0]
        .security_group_rule_id()
        .unwrap()
        .to_owned();
    let world_rdp = SecurityGroupRuleRequest::builder()
        .ip_protocol("tcp")
        .from_port(3389)
        .to_port(3389)
        .cidr_ipv4("0.0.0.0/0")
        .build();
    ec2.modify_security_group_rules()
        .group_id(&sg)
        .security_group_rules(
            SecurityGroupRuleUpdate::builder()
                .security_group_rule_id(&rule_id)
                .security_group_rule(world_rdp)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let modify = event(
        "ec2.amazonaws.com",
        "ModifySecurityGroupRules",
        json!({"ModifySecurityGroupRulesRequest": {"GroupId": sg, "SecurityGroupRule": {"SecurityGroupRuleId": rule_id,
            "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "CidrIpv4": "0.0.0.0/0"}, "tag": 1}}}),
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &modify).await),
        "planned"
    );
    assert_eq!(
        ingress(&ec2, &sg).await,
        [
            rule("tcp", 443, "192.168.0.0/16"),
            rule("tcp", 3389, "0.0.0.0/0")
        ]
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &modify).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        api_calls(&record),
        [
            "ec2:DescribeSecurityGroupRules",
            "ec2:RevokeSecurityGroupIngress",
            "ec2:DescribeSecurityGroupRules"
        ]
    );
    assert_eq!(
        ingress(&ec2, &sg).await,
        [rule("tcp", 443, "192.168.0.0/16")]
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &modify).await),
        "noop"
    );
}

#[tokio::test]
async fn every_permission_added_to_a_default_group_is_revoked() {
    let ec2 = ec2().await;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc
        .unwrap()
        .vpc_id
        .unwrap();
    let default = ec2
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&vpc)
                .build(),
        )
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .group_id()
        .unwrap()
        .to_owned();
    let peer = ec2
        .create_security_group()
        .group_name(unique("peer"))
        .description("peer")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap();
    // Present before the event: not this event's to revert.
    ec2.authorize_security_group_ingress()
        .group_id(&default)
        .ip_permissions(tcp(22, &["172.16.0.0/12"]))
        .send()
        .await
        .unwrap();
    let from_peer = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(5432)
        .to_port(5432)
        .user_id_group_pairs(UserIdGroupPair::builder().group_id(&peer).build())
        .build();
    ec2.authorize_security_group_ingress()
        .group_id(&default)
        .ip_permissions(from_peer)
        .ip_permissions(tcp(80, &["10.0.0.0/8"]))
        .send()
        .await
        .unwrap();
    let authorize = event(
        "ec2.amazonaws.com",
        "AuthorizeSecurityGroupIngress",
        json!({"groupId": default, "groupName": "default", "ipPermissions": {"items": [
            {"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "groups": {"items": [{"groupId": peer}]}},
            {"ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]}}]}}),
    );
    let before = ingress(&ec2, &default).await;
    assert_eq!(before.len(), 3);

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &authorize).await),
        "planned"
    );
    assert_eq!(ingress(&ec2, &default).await, before);

    let record = react(&reactor(ModeOverride::Enforce).await, &authorize).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().name,
        "ec2-revoke-ingress"
    );
    assert_eq!(
        ingress(&ec2, &default).await,
        [rule("tcp", 22, "172.16.0.0/12")]
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &authorize).await),
        "noop"
    );
}

#[tokio::test]
async fn a_deleted_group_is_a_noop() {
    let authorize = event(
        "ec2.amazonaws.com",
        "AuthorizeSecurityGroupIngress",
        json!({"groupId": "sg-0123456789abcdef0", "ipPermissions": {"items": [{"ipProtocol": "-1",
            "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}),
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &authorize).await),
        "noop"
    );
}

fn api_calls(record: &snapback::DecisionRecord) -> Vec<String> {
    record.remediation.as_ref().unwrap().api_calls.clone()
}
