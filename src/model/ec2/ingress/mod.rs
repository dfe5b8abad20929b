//! EC2 security group ingress: the permissions an `AuthorizeSecurityGroupIngress` or
//! `ModifySecurityGroupRules` call opens, the `ingress` fact built from them, and the rules the
//! revert remediations read back. Ranges, ports and protocols that are present but do not read
//! are reported as malformed.

mod rule;

use serde_json::{Map, Value as Json};

use super::super::Value;
use super::super::malformed::{Malformed, Path, Report, present};
use super::super::net;
use super::super::spec::{Input, fact};

pub use rule::{Rule, WATCHED_PORTS};

/// The protocols an ingress rule may name, besides a protocol number.
const PROTOCOLS: &[&str] = &["tcp", "udp", "icmp", "icmpv6", "-1", "all"];

/// The fields of one permission, as written in the request.
struct Fields<'v> {
    protocol: Option<&'v Json>,
    from: Option<&'v Json>,
    to: Option<&'v Json>,
}

fn rule(report: &mut Report<'_>, at: &Path<'_>, names: [&str; 3], fields: Fields<'_>) -> Rule {
    let [protocol_key, from_key, to_key] = names;
    let protocol = match present(fields.protocol) {
        None => "-1".to_owned(),
        Some(value) => {
            let text = crate::event::scalar_string(value);
            let known = text.as_deref().is_some_and(|t| {
                PROTOCOLS.iter().any(|p| t.eq_ignore_ascii_case(p)) || t.parse::<u8>().is_ok()
            });
            if !known {
                report.flag(
                    &at.key(protocol_key),
                    "not a protocol (a name such as `tcp`, a number from 0 to 255, or `-1`)",
                );
            }
            text.unwrap_or_else(|| "-1".to_owned())
        }
    };
    Rule {
        protocol,
        from: report
            .integer(&at.key(from_key), fields.from, -1..=65535)
            .unwrap_or(0),
        to: report
            .integer(&at.key(to_key), fields.to, -1..=65535)
            .unwrap_or(65535),
        ..Rule::default()
    }
}

/// A CIDR as written; one that does not parse is reported (and kept, so that a revert can
/// still name it).
fn cidr(report: &mut Report<'_>, at: &Path<'_>, value: Option<&Json>) -> Option<String> {
    let text = report.string(at, value)?;
    if !net::parses_as_cidr(text) {
        report.flag(at, "not a CIDR range");
    }
    Some(text.to_owned())
}

/// The permissions an AuthorizeSecurityGroupIngress or ModifySecurityGroupRules call opens, from
/// its `requestParameters`.
pub fn ingress_rules(params: &Map<String, Json>) -> Vec<Rule> {
    rules(params, &mut Report::new("ingress", &mut Vec::new()))
}

/// The permissions an AuthorizeSecurityGroupIngress or ModifySecurityGroupRules call opens,
/// reporting the fields it reads that are present but malformed.
fn rules(params: &Map<String, Json>, report: &mut Report<'_>) -> Vec<Rule> {
    let root = Path::root("requestParameters");
    let mut out = Vec::new();
    let list = root.key("ipPermissions");
    for (item, p) in report.objects(&list, params.get("ipPermissions")) {
        let at = item.path(&list);
        let fields = Fields {
            protocol: p.get("ipProtocol"),
            from: p.get("fromPort"),
            to: p.get("toPort"),
        };
        let mut r = rule(report, &at, ["ipProtocol", "fromPort", "toPort"], fields);
        for (ranges, key) in [("ipRanges", "cidrIp"), ("ipv6Ranges", "cidrIpv6")] {
            let ranges_at = at.key(ranges);
            for (item, range) in report.objects(&ranges_at, p.get(ranges)) {
                let range_at = item.path(&ranges_at);
                r.cidrs
                    .extend(cidr(report, &range_at.key(key), range.get(key)));
            }
        }
        for (lists, key, into) in [
            ("groups", "groupId", &mut r.groups),
            ("prefixListIds", "prefixListId", &mut r.prefix_lists),
        ] {
            let lists_at = at.key(lists);
            for (item, entry) in report.objects(&lists_at, p.get(lists)) {
                let entry_at = item.path(&lists_at);
                into.extend(
                    report
                        .string(&entry_at.key(key), entry.get(key))
                        .map(str::to_owned),
                );
            }
        }
        out.push(r);
    }
    // The legacy flat form: one permission at the top of requestParameters.
    let flat = match present(params.get("cidrIp")) {
        // A list holding one range reads as that range.
        Some(Json::Array(a)) if a.len() == 1 => a.first(),
        other => other,
    };
    if let Some(cidr_ip) = cidr(report, &root.key("cidrIp"), flat) {
        let fields = Fields {
            protocol: params.get("ipProtocol"),
            from: params.get("fromPort"),
            to: params.get("toPort"),
        };
        let mut r = rule(report, &root, ["ipProtocol", "fromPort", "toPort"], fields);
        r.cidrs.push(cidr_ip);
        out.push(r);
    }
    let request_at = root.key("ModifySecurityGroupRulesRequest");
    let updates_at = request_at.key("SecurityGroupRule");
    let modify = report
        .object(&request_at, params.get("ModifySecurityGroupRulesRequest"))
        .and_then(|m| m.get("SecurityGroupRule"));
    for (item, update) in report.objects(&updates_at, modify) {
        let update_at = item.path(&updates_at);
        let rule_at = update_at.key("SecurityGroupRule");
        let Some(s) = report.object(&rule_at, update.get("SecurityGroupRule")) else {
            continue;
        };
        let fields = Fields {
            protocol: s.get("IpProtocol"),
            from: s.get("FromPort"),
            to: s.get("ToPort"),
        };
        let mut r = rule(
            report,
            &rule_at,
            ["IpProtocol", "FromPort", "ToPort"],
            fields,
        );
        for key in ["CidrIpv4", "CidrIpv6"] {
            r.cidrs.extend(cidr(report, &rule_at.key(key), s.get(key)));
        }
        r.groups.extend(
            report
                .string(
                    &rule_at.key("ReferencedGroupId"),
                    s.get("ReferencedGroupId"),
                )
                .map(str::to_owned),
        );
        r.prefix_lists.extend(
            report
                .string(&rule_at.key("PrefixListId"), s.get("PrefixListId"))
                .map(str::to_owned),
        );
        r.rule_id = report
            .string(
                &update_at.key("SecurityGroupRuleId"),
                update.get("SecurityGroupRuleId"),
            )
            .map(str::to_owned);
        out.push(r);
    }
    out
}

/// `ingress`: the ranges and ports opened, and which of them face the whole internet.
pub(super) fn ingress(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let rules = rules(params, &mut Report::new("ingress", out));
    let mut cidrs = Vec::new();
    let mut world_ports = Vec::new();
    let (mut world_open, mut world_all) = (false, false);
    let mut ranges = Vec::new();
    let mut groups = Vec::new();
    for r in &rules {
        let normalised: Vec<String> = r.cidrs.iter().filter_map(|c| net::cidr(c)).collect();
        let world = normalised.iter().any(|c| net::is_world(c));
        if world {
            world_open = true;
            world_all |= r.all_ports();
            world_ports.extend(WATCHED_PORTS.iter().copied().filter(|&p| r.covers(p)));
        }
        cidrs.extend(normalised);
        ranges.push(Value::record([
            ("protocol", Value::str(r.protocol.clone())),
            ("fromPort", Value::Long(r.from)),
            ("toPort", Value::Long(r.to)),
        ]));
        groups.extend(r.groups.iter().cloned());
    }
    world_ports.sort_unstable();
    world_ports.dedup();
    cidrs.sort();
    cidrs.dedup();
    fact(
        "ingress",
        [
            (
                "cidrs",
                Value::Set(cidrs.into_iter().map(Value::Ip).collect()),
            ),
            ("worldOpen", Value::Bool(world_open)),
            ("worldOpenAllPorts", Value::Bool(world_all)),
            (
                "worldOpenPorts",
                Value::Set(world_ports.into_iter().map(Value::Long).collect()),
            ),
            ("portRanges", Value::Set(ranges)),
            (
                "referencedGroups",
                Value::Set(groups.into_iter().map(Value::String).collect()),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {

    use super::*;
    use serde_json::json;

    fn facts(params: Json) -> Value {
        let Json::Object(map) = params else {
            unreachable!()
        };
        crate::model::malformed::derive(ingress, Json::Object(map))
            .0
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or(Value::Bool(false))
    }

    fn field<'a>(record: &'a Value, name: &str) -> Option<&'a Value> {
        match record {
            Value::Record(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    #[test]
    fn world_open_ssh_is_seen() {
        let f = facts(
            json!({"groupId": "sg-1", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22,
            "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}),
        );
        assert_eq!(field(&f, "worldOpen"), Some(&Value::Bool(true)));
        assert_eq!(
            field(&f, "worldOpenPorts"),
            Some(&Value::Set(vec![Value::Long(22)]))
        );
        assert_eq!(field(&f, "worldOpenAllPorts"), Some(&Value::Bool(false)));
    }

    #[test]
    fn all_traffic_from_ipv6_world_covers_every_watched_port() {
        let f = facts(
            json!({"ModifySecurityGroupRulesRequest": {"GroupId": "sg-1", "SecurityGroupRule": {
            "SecurityGroupRuleId": "sgr-1", "SecurityGroupRule": {"IpProtocol": "-1", "CidrIpv6": "::/0"}}}}),
        );
        assert_eq!(field(&f, "worldOpenAllPorts"), Some(&Value::Bool(true)));
        let Some(Value::Set(ports)) = field(&f, "worldOpenPorts") else {
            panic!("no ports")
        };
        assert_eq!(ports.len(), WATCHED_PORTS.len());
    }

    #[test]
    fn icmp_and_private_ranges_open_no_watched_port() {
        let f = facts(json!({"ipPermissions": {"items": [
            {"ipProtocol": "icmp", "fromPort": -1, "toPort": -1, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}},
            {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]}}]}}));
        assert_eq!(field(&f, "worldOpenPorts"), Some(&Value::Set(vec![])));
        assert_eq!(field(&f, "worldOpen"), Some(&Value::Bool(true)));
    }

    use crate::model::malformed::problems as malformed;

    #[test]
    fn a_cidr_that_does_not_parse_is_malformed_not_private() {
        let found = malformed(
            ingress,
            json!({"groupId": "sg-1", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22,
            "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}, {"cidrIp": "0.0.0.0/64"}]},
            "ipv6Ranges": {"items": [{"cidrIpv6": 0}]}}]}}),
        );
        assert_eq!(
            found,
            [
                "ingress requestParameters.ipPermissions.items.0.ipRanges.items.1.cidrIp: not a CIDR range",
                "ingress requestParameters.ipPermissions.items.0.ipv6Ranges.items.0.cidrIpv6: expected a string, found a number",
            ]
        );
    }

    #[test]
    fn a_port_that_is_not_a_number_in_range_is_malformed() {
        let found = malformed(
            ingress,
            json!({"ipPermissions": [{"ipProtocol": "tcp", "fromPort": "ssh", "toPort": 70000,
            "ipRanges": [{"cidrIp": "10.0.0.0/8"}]}]}),
        );
        assert_eq!(
            found,
            [
                "ingress requestParameters.ipPermissions.0.fromPort: expected an integer, found a string",
                "ingress requestParameters.ipPermissions.0.toPort: 70000 is out of range (-1 to 65535)",
            ]
        );
    }

    #[test]
    fn an_unknown_protocol_and_a_permission_list_of_the_wrong_shape_are_malformed() {
        let found = malformed(
            ingress,
            json!({"ipPermissions": {"items": [{"ipProtocol": "ssh", "ipRanges": "0.0.0.0/0"}, "tcp"]}}),
        );
        assert_eq!(
            found,
            [
                "ingress requestParameters.ipPermissions.items.1: expected an object, found a string",
                "ingress requestParameters.ipPermissions.items.0.ipProtocol: not a protocol (a name such as `tcp`, a number from 0 to 255, or `-1`)",
                "ingress requestParameters.ipPermissions.items.0.ipRanges: expected a list or an object, found a string",
            ]
        );
        let found = malformed(ingress, json!({"ipPermissions": "tcp/22 from 0.0.0.0/0"}));
        assert_eq!(
            found,
            [
                "ingress requestParameters.ipPermissions: expected a list or an object, found a string"
            ]
        );
    }

    #[test]
    fn legacy_and_modify_rule_forms_report_malformed_ranges() {
        let found = malformed(
            ingress,
            json!({"groupName": "web", "cidrIp": "everyone", "fromPort": 22, "toPort": 22, "ipProtocol": "tcp"}),
        );
        assert_eq!(
            found,
            ["ingress requestParameters.cidrIp: not a CIDR range"]
        );
        let found = malformed(
            ingress,
            json!({"ModifySecurityGroupRulesRequest": {"GroupId": "sg-1", "SecurityGroupRule": {
            "SecurityGroupRuleId": "sgr-1", "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "0.0.0.0"}}}}),
        );
        assert_eq!(
            found,
            [
                "ingress requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.CidrIpv4: not a CIDR range"
            ]
        );
    }

    #[test]
    fn well_formed_ingress_as_the_corpus_writes_it_reports_nothing() {
        for params in [
            json!({"groupId": "sg-1", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": "443", "toPort": "443",
                "groups": {}, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/16", "description": "x"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}}),
            json!({"groupId": "sg-1", "ipPermissions": {"items": [{"groups": {}, "ipProtocol": "-1",
                "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {"items": [{"cidrIpv6": "::/0"}]}}]}}),
            json!({"ipPermissions": {"items": [{"ipProtocol": "icmp", "fromPort": -1, "toPort": -1,
                "groups": {"items": [{"groupId": "sg-2"}]}, "prefixListIds": {"items": [{"prefixListId": "pl-1"}]}}]}}),
        ] {
            assert!(malformed(ingress, params.clone()).is_empty(), "{params}");
        }
    }
}
