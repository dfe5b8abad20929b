//! `ec2-delete-world-nacl-entry` on moto: the world-open SSH rule an event made is deleted; a
//! private rule and the outbound rule of the same number stay.

use aws_sdk_ec2::types::{PortRange, RuleAction};
use serde_json::json;
use snapback::reactor::ModeOverride;

use super::super::common::{event, react, reactor, status};
use super::ec2;

/// A new network ACL in a new VPC.
async fn acl(ec2: &aws_sdk_ec2::Client) -> String {
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
    let acl = ec2.create_network_acl().vpc_id(vpc).send().await.unwrap();
    acl.network_acl()
        .unwrap()
        .network_acl_id()
        .unwrap()
        .to_owned()
}

async fn entry(
    ec2: &aws_sdk_ec2::Client,
    acl: &str,
    rule: i32,
    egress: bool,
    cidr: &str,
    port: i32,
) {
    ec2.create_network_acl_entry()
        .network_acl_id(acl)
        .rule_number(rule)
        .egress(egress)
        .rule_action(RuleAction::Allow)
        .protocol("6")
        .cidr_block(cidr)
        .port_range(PortRange::builder().from(port).to(port).build())
        .send()
        .await
        .unwrap();
}

/// The ACL's allow rules other than the default ones: (number, egress, range).
async fn rules(ec2: &aws_sdk_ec2::Client, acl: &str) -> Vec<(i32, bool, String)> {
    let out = ec2
        .describe_network_acls()
        .network_acl_ids(acl)
        .send()
        .await
        .unwrap();
    let mut rules: Vec<(i32, bool, String)> = out.network_acls()[0]
        .entries()
        .iter()
        .filter(|e| e.rule_number() != Some(32767) && e.rule_action() == Some(&RuleAction::Allow))
        .map(|e| {
            let cidr = e.cidr_block().unwrap_or_default().to_owned();
            (e.rule_number().unwrap(), e.egress().unwrap(), cidr)
        })
        .collect();
    rules.sort();
    rules
}

fn create_event(acl: &str) -> snapback::Event {
    event(
        "ec2.amazonaws.com",
        "CreateNetworkAclEntry",
        json!({"networkAclId": acl, "ruleNumber": 90, "egress": false, "ruleAction": "allow",
            "aclProtocol": "6", "cidrBlock": "0.0.0.0/0", "portRange": {"from": 22, "to": 22}}),
    )
}

#[tokio::test]
async fn a_world_open_ssh_rule_is_deleted_and_the_others_kept() {
    let ec2 = ec2().await;
    let acl = acl(&ec2).await;
    entry(&ec2, &acl, 90, false, "0.0.0.0/0", 22).await;
    entry(&ec2, &acl, 100, false, "10.0.0.0/8", 443).await;
    entry(&ec2, &acl, 90, true, "0.0.0.0/0", 443).await;
    let create = create_event(&acl);
    let before = rules(&ec2, &acl).await;
    assert_eq!(before.len(), 3, "{before:?}");

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &create).await),
        "planned"
    );
    assert_eq!(
        rules(&ec2, &acl).await,
        before,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "ec2:DescribeNetworkAcls",
            "ec2:DeleteNetworkAclEntry",
            "ec2:DescribeNetworkAcls"
        ]
    );
    let expected = vec![
        (90, true, "0.0.0.0/0".to_owned()),
        (100, false, "10.0.0.0/8".to_owned()),
    ];
    assert_eq!(rules(&ec2, &acl).await, expected);

    let again = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&again), "noop", "{again:?}");
}

#[tokio::test]
async fn a_rule_changed_since_or_a_deleted_acl_is_a_noop() {
    let ec2 = ec2().await;
    let acl = acl(&ec2).await;
    entry(&ec2, &acl, 90, false, "10.0.0.0/8", 22).await;
    let record = react(&reactor(ModeOverride::Enforce).await, &create_event(&acl)).await;
    assert_eq!(status(&record), "noop", "{record:?}");
    assert_eq!(
        rules(&ec2, &acl).await,
        vec![(90, false, "10.0.0.0/8".to_owned())]
    );

    ec2.delete_network_acl()
        .network_acl_id(&acl)
        .send()
        .await
        .unwrap();
    let record = react(&reactor(ModeOverride::Enforce).await, &create_event(&acl)).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}
