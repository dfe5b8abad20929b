//! What the reverts of access given outside the organization share. The plan cannot see the
//! organization the pack declares, only what the model made of the event with it: the
//! `access` fact, whose `outsideAccounts` are the accounts this call let in that are neither
//! ours nor trusted. So the plan keeps those accounts ([`Outside`]), and the apply judges the
//! policy it reads by them: every other account the policy names counts as ours, every
//! organization a condition pins to counts as ours, and [`without_outside`] takes out those
//! accounts and every statement open to an unpinned `*`.
//!
//! Some outside access is beyond that rewrite: a `*` pinned by a condition to another
//! organization's id, or to an outside account. A plan whose rewrite of the event's own
//! document changes nothing fails instead, so that such a change is left to a person rather
//! than reported reverted; and the apply counts a policy as still wrong only while the rewrite
//! changes it, so it never writes the same policy again and again.

#![allow(
    dead_code,
    reason = "shared by the reverts of access given outside; not all are here yet"
)]

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::{PlanError, Planning};
use crate::model::access::without_outside;
use crate::model::json::{document, items};
use crate::model::org::account_of;
use crate::model::{Org, Value};

/// The accounts a revert takes out: those the event's `access` fact found outside.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Outside {
    #[serde(rename = "outsideAccounts")]
    pub accounts: Vec<String>,
}

impl Outside {
    /// The event's outside accounts; a plan error when its `access` fact is missing or finds
    /// nothing outside.
    pub fn of(p: &Planning) -> Result<Self, PlanError> {
        let fields = access(p).ok_or_else(|| p.error("the event has no `access` fact"))?;
        let field = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        if !matches!(field("outside"), Some(Value::Bool(true))) {
            return Err(p.error("the event gives no access outside the organization"));
        }
        let accounts = match field("outsideAccounts") {
            Some(Value::Set(ids)) => ids
                .iter()
                .filter_map(|v| match v {
                    Value::String(id) => Some(id.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(Self { accounts })
    }

    /// [`Outside::of`], for a call that wrote the whole policy `doc`: a plan error when the
    /// rewrite would take nothing out of it (see the module's doc).
    pub fn of_document(p: &Planning, doc: &Json) -> Result<Self, PlanError> {
        let outside = Self::of(p)?;
        let own = p.request.resource.attr_str("account");
        if !outside.rewrite(doc, own).1 {
            return Err(p.error(
                "the policy's outside access is a `*` that a condition pins to another \
                 organization or an outside account, which the revert does not take out; \
                 remove it by hand",
            ));
        }
        Ok(outside)
    }

    /// [`Outside::of`], for a call that shared a resource with accounts: a plan error when it
    /// shared with no outside account (sharing with everyone is another revert's).
    pub fn of_sharing(p: &Planning, noun: &str) -> Result<Self, PlanError> {
        let outside = Self::of(p)?;
        if outside.accounts.is_empty() {
            return Err(p.error(format!(
                "the event shares the {noun} with no outside account"
            )));
        }
        Ok(outside)
    }

    /// The outside accounts among `accounts`.
    pub fn among(&self, accounts: &[String]) -> Vec<String> {
        let planned = |a: &&String| self.accounts.contains(a);
        accounts.iter().filter(planned).cloned().collect()
    }

    /// The accounts as people read them: `` `a`, `b` ``.
    pub fn listed(&self) -> String {
        let quoted: Vec<String> = self.accounts.iter().map(|a| format!("`{a}`")).collect();
        quoted.join(", ")
    }

    /// `doc` without the outside accounts and without its statements open to an unpinned `*`,
    /// judged from account `own`; and whether that differs from `doc`.
    pub fn rewrite(&self, doc: &Json, own: &str) -> (Json, bool) {
        let mut strings = Vec::new();
        collect_strings(doc, &mut strings);
        let orgs: Vec<&str> = strings
            .iter()
            .map(|s| s.split('/').next().unwrap_or(s))
            .filter(|s| s.starts_with("o-"))
            .collect();
        let ours: Vec<&str> = strings
            .iter()
            .filter_map(|s| account_of(s))
            .filter(|a| !self.accounts.iter().any(|o| o == a))
            .collect();
        let org = Org::new(orgs, ours, Vec::new());
        let (rest, _) = without_outside(doc, own, &org);
        // Compared by statements: the rewrite writes `Statement` as a list, even when the
        // policy had none or one object.
        let changed = items(rest.get("Statement")) != items(doc.get("Statement"));
        (rest, changed)
    }
}

/// The policy document the call wrote in its request parameter at the dotted `path` (an
/// object, JSON text or URL-encoded JSON), or a plan error.
pub(super) fn written(p: &Planning, path: &str) -> Result<Json, PlanError> {
    let value = p
        .event
        .request_parameters()
        .and_then(|m| crate::event::lookup(m, path));
    document(value)
        .ok_or_else(|| p.error(format!("the event carries no readable policy in `{path}`")))
}

/// The fields of the request's `access` fact.
fn access<'r>(p: &Planning<'r>) -> Option<&'r [(String, Value)]> {
    p.request
        .context
        .iter()
        .find_map(|(key, value)| match value {
            Value::Record(fields) if key == "access" => Some(fields.as_slice()),
            _ => None,
        })
}

/// Every string in `value`, keys left out.
fn collect_strings<'v>(value: &'v Json, out: &mut Vec<&'v str>) {
    match value {
        Json::String(s) => out.push(s),
        Json::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Json::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const OWN: &str = "123456789012";

    fn outside(accounts: &[&str]) -> Outside {
        Outside {
            accounts: accounts.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    #[test]
    fn only_the_planned_accounts_and_unpinned_stars_are_taken_out() {
        let doc = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Own", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*"},
            {"Sid": "Mixed", "Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::210987654321:root"]}, "Action": "kms:Decrypt"},
            {"Sid": "Later", "Effect": "Allow", "Principal": {"AWS": "777766665555"}, "Action": "kms:Decrypt"},
            {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
            {"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt"}
        ]});
        let (out, changed) = outside(&["210987654321"]).rewrite(&doc, OWN);
        assert!(changed);
        let sids: Vec<&str> = out["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect();
        assert_eq!(sids, ["Own", "Mixed", "Later", "Org"]);
        assert_eq!(
            out["Statement"][1]["Principal"]["AWS"],
            json!("111122223333")
        );
        assert_eq!(out["Version"], json!("2012-10-17"));
        let (_, again) = outside(&["210987654321"]).rewrite(&out, OWN);
        assert!(!again, "a rewritten policy has nothing left to take out");
    }

    #[test]
    fn a_star_pinned_to_an_outside_account_is_left_as_it_is() {
        let doc = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
            "Condition": {"StringEquals": {"aws:SourceAccount": "210987654321"}}}]});
        let (out, changed) = outside(&["210987654321"]).rewrite(&doc, OWN);
        assert!(!changed);
        assert_eq!(out, doc);
        let (_, changed) = outside(&["210987654321"]).rewrite(&json!({}), OWN);
        assert!(
            !changed,
            "a policy without statements has nothing to take out"
        );
    }
}
