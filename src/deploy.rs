//! What a deployment needs to know about a policy pack, derived rather than written by hand:
//! the EventBridge pattern that delivers exactly the events the pack can match, and the IAM
//! actions its remediations need. `snapback deploy-plan` prints both, and a test holds
//! `template.yaml` to them.

use std::collections::{BTreeMap, BTreeSet};

use cedar_policy::{ActionConstraint, EntityUid, PolicyId, PrincipalConstraint};
use serde_json::{Value, json};

use crate::policy::{Mode, PolicyPack};

/// The EventBridge detail-types that carry CloudTrail records of changes and sign-ins.
pub const DETAIL_TYPES: &[&str] = &[
    "AWS API Call via CloudTrail",
    "AWS Console Sign In via CloudTrail",
];

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
        let mut any_of: Vec<Value> = self
            .calls
            .iter()
            .map(|(source, names)| json!({ "eventSource": [source], "eventName": names }))
            .collect();
        if !self.identities.is_empty() {
            any_of.push(json!({ "userIdentity": { "type": self.identities } }));
        }
        let mut detail = serde_json::Map::new();
        detail.insert("errorCode".into(), json!([{ "exists": false }]));
        if !self.everything {
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

/// Derive the plan for the pack's active policies.
pub fn plan(pack: &PolicyPack) -> Plan {
    let schema_actions: Vec<&EntityUid> = pack.schema().actions().collect();
    let groups = pack.schema().action_entities().ok();
    let mut calls: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut identities = BTreeSet::new();
    let mut everything = false;
    let mut remediations = BTreeSet::new();
    for meta in pack.policies.iter().filter(|m| m.mode != Mode::Off) {
        if let Some(name) = &meta.remediation {
            remediations.insert(name.clone());
        }
        let Some(policy) = pack.active.policy(&PolicyId::new(&meta.id)) else {
            continue;
        };
        let actions: Vec<&EntityUid> = match policy.action_constraint() {
            ActionConstraint::Any => {
                match identity_types(&policy.principal_constraint()) {
                    Some(types) => identities.extend(types),
                    None => everything = true,
                }
                continue;
            }
            ActionConstraint::Eq(uid) => schema_actions
                .iter()
                .copied()
                .filter(|a| **a == uid)
                .collect(),
            ActionConstraint::In(uids) => schema_actions
                .iter()
                .copied()
                .filter(|a| {
                    uids.contains(a)
                        || groups
                            .as_ref()
                            .and_then(|g| g.ancestors(a))
                            .is_some_and(|mut up| up.any(|p| uids.contains(p)))
                })
                .collect(),
        };
        for action in actions {
            if let Some((service, name)) = action.id().unescaped().split_once(':') {
                calls
                    .entry(format!("{service}.amazonaws.com"))
                    .or_default()
                    .insert(name.to_owned());
            }
        }
    }
    let iam_actions: BTreeSet<String> = remediations
        .iter()
        .filter_map(|name| crate::remediation::find(name))
        .flat_map(|r| r.iam_actions().iter().map(|a| (*a).to_owned()))
        .collect();
    Plan {
        calls,
        identities,
        everything,
        remediations: remediations.into_iter().collect(),
        iam_actions: iam_actions.into_iter().collect(),
    }
}

/// The CloudTrail identity types a principal scope admits, or None when it admits anyone.
fn identity_types(scope: &PrincipalConstraint) -> Option<Vec<String>> {
    let ty = match scope {
        PrincipalConstraint::Is(ty) | PrincipalConstraint::IsIn(ty, _) => ty.clone(),
        PrincipalConstraint::Eq(uid) => uid.type_name().clone(),
        PrincipalConstraint::Any | PrincipalConstraint::In(_) => return None,
    };
    let types = crate::model::identity_types(ty.basename());
    (!types.is_empty()).then_some(types)
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
}
