//! `ec2-delete-world-nacl-entry`: delete a network ACL rule that lets the whole internet reach
//! administration ports.
//!
//! Why: a network ACL is the subnet's stateless firewall; an allow rule for `0.0.0.0/0` or
//! `::/0` covering SSH, RDP or database ports opens every instance of the subnet to them
//! (CIS 5.1).
//! Trigger: `ec2:CreateNetworkAclEntry` or `ec2:ReplaceNetworkAclEntry` making such a rule
//! (policy `ec2-nacl-world-admin-ports`).
//! What: the plan keeps the rule the call made: its number, direction, protocol, range and
//! ports. Apply deletes the rule of that number and direction only while it is still that
//! world-open allow rule; a rule changed since, and every other rule, are left alone. For a
//! `ReplaceNetworkAclEntry` the rule it replaced is not in the event and is not restored: the
//! number is left empty, so the ACL's later rules (and its final deny) decide.
//! Calls: `DescribeNetworkAcls`; if the rule is still there, `DeleteNetworkAclEntry`;
//! `DescribeNetworkAcls` to verify. A network ACL that is gone is a no-op.
//!
//! ```cedar
//! @remediation("ec2-delete-world-nacl-entry")
//! forbid (principal, action in [Aws::Action::"ec2:CreateNetworkAclEntry",
//!     Aws::Action::"ec2:ReplaceNetworkAclEntry"], resource is Aws::NetworkAcl)
//! when { context has networkAclEntry && context.networkAclEntry.worldOpenPorts.containsAny([22, 3389]) };
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::prelude::*;
use crate::aws::AclEntry;

/// The rule the event made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Args {
    #[serde(rename = "ruleNumber")]
    rule_number: i32,
    egress: bool,
    protocol: String,
    cidr: String,
    ports: Option<(i32, i32)>,
}

impl Args {
    /// Whether `entry` is still this rule.
    fn matches(&self, entry: &AclEntry) -> bool {
        let ported = matches!(self.protocol.as_str(), "6" | "17");
        entry.rule_number == self.rule_number
            && entry.egress == self.egress
            && entry.allow
            && entry.cidr == self.cidr
            && entry.protocol == self.protocol
            && (!ported || self.ports.is_none() || entry.ports == self.ports)
    }
}

/// A protocol as DescribeNetworkAcls writes it: its number, `-1` for all.
fn protocol_number(protocol: &str) -> String {
    match protocol.to_ascii_lowercase().as_str() {
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "all" => "-1".into(),
        other => other.into(),
    }
}

/// An integer request parameter, written as a number or as text.
fn integer(value: Option<&Json>) -> Option<i64> {
    match value? {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => s.parse().ok(),
        _ => None,
    }
}

remediation! {
    DeleteWorldNaclEntry {
        name: "ec2-delete-world-nacl-entry",
        service: "ec2",
        iam: &["ec2:DescribeNetworkAcls", "ec2:DeleteNetworkAclEntry"],
    }
    plan: |p| {
        let acl = p.target("NetworkAcl")?;
        let params = p.event.request_parameters();
        let get = |key: &str| params.and_then(|m| m.get(key));
        let rule_number = integer(get("ruleNumber"))
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| p.error("the event names no rule number"))?;
        let egress = get("egress").and_then(Json::as_bool).unwrap_or(false);
        let allow = p.param("ruleAction").is_some_and(|a| a.eq_ignore_ascii_case("allow"));
        let cidr = ["cidrBlock", "ipv6CidrBlock"]
            .into_iter()
            .filter_map(|key| p.param(key))
            .find(|c| matches!(*c, "0.0.0.0/0" | "::/0"));
        let (Some(cidr), true) = (cidr, allow) else {
            return Err(p.error("the rule the event made does not allow the whole internet"));
        };
        let protocol = match get("aclProtocol") {
            Some(Json::Number(n)) => n.to_string(),
            _ => protocol_number(p.param("aclProtocol").unwrap_or("-1")),
        };
        let range = get("portRange");
        let port = |key: &str| integer(range.and_then(|r| r.get(key)));
        let ports = match (port("from"), port("to")) {
            (Some(from), Some(to)) => i32::try_from(from).ok().zip(i32::try_from(to).ok()),
            _ => None,
        };
        let direction = if egress { "outbound" } else { "inbound" };
        let summary =
            format!("delete {direction} rule {rule_number} ({cidr}) of network ACL `{acl}`");
        let args = Args { rule_number, egress, protocol, cidr: cidr.to_owned(), ports };
        let args = serde_json::to_value(args).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Args| {
        let (acl, ec2, rule) = (plan.resource.as_str(), aws.ec2(), &args);
        read: || async move {
            let entries = ec2.network_acl_entries(acl).await?.unwrap_or_default();
            Ok(entries.iter().any(|e| rule.matches(e)).then_some(()))
        },
        still_wrong: |_| Some(format!("rule {} of `{acl}` is still open", rule.rule_number)),
        act: |_| ec2.delete_network_acl_entry(acl, rule.rule_number, rule.egress),
    },
}

#[cfg(test)]
mod tests {
    use super::super::tests::ec2_plan;
    use super::*;
    use serde_json::json;

    #[test]
    fn the_plan_keeps_the_rule_the_event_made() {
        let params = json!({"networkAclId": "acl-1", "ruleNumber": 90, "egress": false,
            "ruleAction": "allow", "aclProtocol": "6", "cidrBlock": "0.0.0.0/0",
            "portRange": {"from": 22, "to": 22}});
        let plan = ec2_plan(&DeleteWorldNaclEntry, "CreateNetworkAclEntry", params).unwrap();
        let args: Args = serde_json::from_value(plan.args).unwrap();
        assert_eq!(
            args,
            Args {
                rule_number: 90,
                egress: false,
                protocol: "6".into(),
                cidr: "0.0.0.0/0".into(),
                ports: Some((22, 22))
            }
        );
        let entry = |ports, allow| AclEntry {
            rule_number: 90,
            egress: false,
            allow,
            protocol: "6".into(),
            cidr: "0.0.0.0/0".into(),
            ports,
        };
        assert!(args.matches(&entry(Some((22, 22)), true)));
        assert!(
            !args.matches(&entry(Some((443, 443)), true)),
            "changed since"
        );
        assert!(
            !args.matches(&entry(Some((22, 22)), false)),
            "now a deny rule"
        );

        let private = json!({"networkAclId": "acl-1", "ruleNumber": 90, "egress": false,
            "ruleAction": "allow", "aclProtocol": "-1", "cidrBlock": "10.0.0.0/8"});
        assert!(ec2_plan(&DeleteWorldNaclEntry, "CreateNetworkAclEntry", private).is_err());
    }
}
