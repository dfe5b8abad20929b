//! What a deployment needs to know about a policy pack, derived rather than written by hand:
//! the EventBridge pattern that delivers exactly the events the pack can match, and the IAM
//! actions its remediations need. `snapback deploy-plan` prints both, and a test holds
//! `template.yaml` to them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::policy::{Mode, PolicyPack};

/// The EventBridge detail-types that carry CloudTrail records of changes and sign-ins.
pub const DETAIL_TYPES: &[&str] = &[
    "AWS API Call via CloudTrail",
    "AWS Console Sign In via CloudTrail",
];

/// EventBridge's default limit on an event pattern, in characters (adjustable to 4096 by a quota
/// increase): a pack whose pattern would be longer is split across several rules.
pub const PATTERN_LIMIT: usize = 2048;

/// What a deployment of a pack needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// `eventSource` -> the `eventName`s the pack can match there.
    pub calls: BTreeMap<String, BTreeSet<String>>,
    /// CloudTrail `userIdentity.type`s whose every call a pack policy can match (a policy on
    /// any action by, say, the root user).
    pub identities: BTreeSet<String>,
    /// True when some policy matches any call by anyone: the pattern cannot be narrowed.
    pub everything: bool,
    /// The remediations the pack's active policies name, sorted.
    pub remediations: Vec<String>,
    /// The IAM actions those remediations need, sorted and unique.
    pub iam_actions: Vec<String>,
}

impl Plan {
    /// The EventBridge event pattern: the (eventSource, eventName) pairs, any call by the
    /// identities above, successful calls only (the engine skips failed ones anyway).
    ///
    /// `readOnly` is not filtered: every listed name is a write, and EventBridge events from
    /// older trails can lack the field, which a `[false]` filter would silently drop.
    pub fn event_pattern(&self) -> Value {
        pattern(self.any_of(), self.everything)
    }

    /// [`Self::event_pattern`] split into patterns of at most [`PATTERN_LIMIT`] characters
    /// (as compact JSON), one per EventBridge rule, each alternative whole in one of them. A
    /// root call to a listed action matches two rules and is delivered twice; the reactor's
    /// duplicate check drops the second.
    pub fn event_patterns(&self) -> Vec<Value> {
        let size = |v: &Value| serde_json::to_string(v).map_or(usize::MAX, |s| s.len());
        let mut groups: Vec<Vec<Value>> = Vec::new();
        let mut current: Vec<Value> = Vec::new();
        for alternative in self.any_of() {
            current.push(alternative);
            if current.len() > 1 && size(&pattern(current.clone(), self.everything)) > PATTERN_LIMIT
            {
                let last = current.pop().into_iter().collect();
                groups.push(std::mem::replace(&mut current, last));
            }
        }
        groups.push(current);
        groups
            .into_iter()
            .map(|group| pattern(group, self.everything))
            .collect()
    }

    /// The alternatives of the pattern: each (eventSource, eventName) list, then the
    /// identities whose every call matters.
    fn any_of(&self) -> Vec<Value> {
        let mut any_of: Vec<Value> = self
            .calls
            .iter()
            .map(|(source, names)| json!({ "eventSource": [source], "eventName": names }))
            .collect();
        if !self.identities.is_empty() {
            any_of.push(json!({ "userIdentity": { "type": self.identities } }));
        }
        any_of
    }

    /// The IAM policy document for the remediations, one statement.
    pub fn iam_policy(&self) -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "Remediations",
                "Effect": "Allow",
                "Action": self.iam_actions,
                "Resource": "*",
            }],
        })
    }
}

/// The pattern matching any of `any_of` (or every successful call, for `everything`).
fn pattern(mut any_of: Vec<Value>, everything: bool) -> Value {
    let mut detail = serde_json::Map::new();
    detail.insert("errorCode".into(), json!([{ "exists": false }]));
    if !everything {
        match any_of.len() {
            0 => {}
            1 => {
                if let Some(Value::Object(only)) = any_of.pop() {
                    detail.extend(only);
                }
            }
            _ => {
                detail.insert("$or".into(), Value::Array(any_of));
            }
        }
    }
    json!({ "detail-type": DETAIL_TYPES, "detail": detail })
}

/// Derive the plan for the pack's active policies, from what the engine's index says each
/// policy's scope can match.
pub fn plan(pack: &PolicyPack) -> Result<Plan, crate::policy::SchemaError> {
    let schema_actions: Vec<String> = pack
        .schema()
        .map_err(Clone::clone)?
        .actions()
        .map(|a| a.id().unescaped().to_owned())
        .collect();
    let mut calls: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut identities = BTreeSet::new();
    let mut everything = false;
    for scope in pack.index().scopes() {
        let Some(actions) = &scope.actions else {
            let types = scope
                .principal_type
                .as_deref()
                .map(crate::model::identity_types)
                .unwrap_or_default();
            if types.is_empty() {
                everything = true;
            }
            identities.extend(types);
            continue;
        };
        // An action id, or a service group (`ec2`) standing for every action of that service.
        let matched = schema_actions.iter().filter(|a| {
            actions.iter().any(|wanted| {
                *a == wanted
                    || a.strip_prefix(wanted.as_str())
                        .is_some_and(|rest| rest.starts_with(':'))
            })
        });
        for action in matched {
            if let Some((service, name)) = action.split_once(':') {
                calls
                    .entry(format!("{service}.amazonaws.com"))
                    .or_default()
                    .insert(name.to_owned());
            }
        }
    }
    let remediations: BTreeSet<String> = pack
        .policies
        .iter()
        .filter(|m| m.mode != Mode::Off)
        .filter_map(|m| m.remediation.clone())
        .collect();
    let iam_actions: BTreeSet<String> = remediations
        .iter()
        .filter_map(|name| crate::remediation::find(name))
        .flat_map(|r| r.iam_actions().iter().map(|a| (*a).to_owned()))
        .collect();
    Ok(Plan {
        calls,
        identities,
        everything,
        remediations: remediations.into_iter().collect(),
        iam_actions: iam_actions.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(calls: &[(&str, &[&str])], identities: &[&str], everything: bool) -> Plan {
        Plan {
            calls: calls
                .iter()
                .map(|(s, names)| {
                    (
                        (*s).to_owned(),
                        names.iter().map(|n| (*n).to_owned()).collect(),
                    )
                })
                .collect(),
            identities: identities.iter().map(|i| (*i).to_owned()).collect(),
            everything,
            remediations: Vec::new(),
            iam_actions: Vec::new(),
        }
    }

    #[test]
    fn one_service_needs_no_or() {
        let p = plan_of(&[("s3.amazonaws.com", &["PutBucketAcl"])], &[], false);
        assert_eq!(
            p.event_pattern()["detail"],
            json!({
                "errorCode": [{"exists": false}],
                "eventSource": ["s3.amazonaws.com"],
                "eventName": ["PutBucketAcl"],
            })
        );
    }

    #[test]
    fn pairs_stay_pairs_across_services() {
        let p = plan_of(
            &[
                ("ec2.amazonaws.com", &["DeleteFlowLogs"]),
                ("kms.amazonaws.com", &["DisableKey"]),
            ],
            &["Root"],
            false,
        );
        let or = &p.event_pattern()["detail"]["$or"];
        assert_eq!(or.as_array().map(Vec::len), Some(3));
        assert_eq!(or[0]["eventName"], json!(["DeleteFlowLogs"]));
        assert_eq!(or[2], json!({"userIdentity": {"type": ["Root"]}}));
    }

    #[test]
    fn a_policy_on_everything_widens_the_pattern() {
        let p = plan_of(&[("kms.amazonaws.com", &["DisableKey"])], &[], true);
        assert_eq!(
            p.event_pattern()["detail"],
            json!({"errorCode": [{"exists": false}]})
        );
    }

    #[test]
    fn a_long_pattern_is_split_into_rules_under_the_limit() {
        let names: Vec<String> = (0..40)
            .map(|i| format!("SomeFairlyLongEventName{i:02}"))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let sources: Vec<String> = (0..6)
            .map(|i| format!("service{i}.amazonaws.com"))
            .collect();
        let calls: Vec<(&str, &[&str])> = sources
            .iter()
            .map(|s| (s.as_str(), names.as_slice()))
            .collect();
        let p = plan_of(&calls, &["Root"], false);
        let patterns = p.event_patterns();
        assert!(
            patterns.len() > 1,
            "{} characters fit one rule",
            p.event_pattern().to_string().len()
        );
        let mut alternatives = Vec::new();
        for pattern in &patterns {
            let text = serde_json::to_string(pattern).unwrap_or_default();
            assert!(text.len() <= PATTERN_LIMIT, "{} characters", text.len());
            match pattern["detail"].get("$or").and_then(Value::as_array) {
                Some(or) => alternatives.extend(or.iter().cloned()),
                None => alternatives.push(pattern["detail"].clone()),
            }
        }
        let whole = p.event_pattern()["detail"]["$or"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(alternatives.len(), whole.len(), "each alternative once");
        let small = plan_of(&[("kms.amazonaws.com", &["DisableKey"])], &["Root"], false);
        assert_eq!(small.event_patterns(), [small.event_pattern()]);
    }
}
