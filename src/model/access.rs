//! Who a change gives access to: the `access` fact of every sharing, grant, resource-policy and
//! trust-policy change, with each account it names resolved against the organization
//! ([`Org`]), so that policies test `context.access.outside` instead of re-parsing JSON.
//!
//! * `public`: anyone can use it (`*`, the group `all`, `AllUsers`) with no condition that
//!   limits who (the same test as `bucketPolicy.public`);
//! * `outside`: public, or it names an account outside the organization that is not trusted,
//!   or it opens to `*` (or to a web identity provider) with no condition pinning it to our
//!   accounts or organization;
//! * `accounts`: every account it names; `outsideAccounts`: those outside and not trusted.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use super::json::{items, strings};
use super::malformed::{Malformed, Path, Report};
use super::org::{Org, account_of};
use super::spec::{Input, fact};
use super::value::Value;

/// The `access` fact being gathered for one event.
#[derive(Debug)]
pub struct Access<'a> {
    own: &'a str,
    org: &'a Org,
    public: bool,
    /// Open to anyone (or any account of a web identity provider) with nothing pinning it.
    unpinned: bool,
    accounts: BTreeSet<String>,
    outside: BTreeSet<String>,
}

impl<'a> Access<'a> {
    pub fn new(input: &Input<'a>) -> Self {
        Self {
            own: input.account,
            org: input.org,
            public: false,
            unpinned: false,
            accounts: BTreeSet::new(),
            outside: BTreeSet::new(),
        }
    }

    /// Access for anyone, with nothing limiting it (`all`, `AllUsers`, `Principal: "*"` alone).
    pub fn anyone(&mut self) {
        self.public = true;
        self.unpinned = true;
    }

    /// Access for one account (an id or anything [`account_of`] reads one from).
    pub fn account(&mut self, id: &str) {
        if let Some(account) = account_of(id) {
            if !self.org.allows(self.own, account) {
                self.outside.insert(account.to_owned());
            }
            self.accounts.insert(account.to_owned());
        }
    }

    /// Access for one principal as Lambda, KMS grants and RAM write it: `*`, an account id, an
    /// ARN or a service principal (which names no account), limited by `pins` (the condition
    /// parameters the call carried).
    pub fn principal(&mut self, principal: &str, pins: &[Pin<'_>]) {
        if principal == "*" {
            self.star(pins);
        } else {
            self.account(principal);
        }
    }

    /// Access for anyone, unless `pins` limit it.
    pub fn star(&mut self, pins: &[Pin<'_>]) {
        if pins.is_empty() {
            return self.anyone();
        }
        // Every pin is read (each records the accounts it names); one that pins is enough.
        let mut pinned = false;
        for pin in pins {
            pinned |= self.pin(pin);
        }
        self.unpinned |= !pinned;
    }

    /// Whether one condition pins access to our accounts or organization; the accounts it
    /// names are recorded either way.
    fn pin(&mut self, pin: &Pin<'_>) -> bool {
        match pin {
            Pin::Accounts(values) => {
                let mut all = !values.is_empty();
                for value in values {
                    match account_of(value) {
                        Some(_) => self.account(value),
                        None => all = false,
                    }
                }
                all
            }
            Pin::Orgs(values) => {
                !values.is_empty()
                    && values
                        .iter()
                        .all(|v| self.org.is_ours(v.split('/').next().unwrap_or(v)))
            }
            Pin::Network => true,
            Pin::Other => false,
        }
    }

    /// Access a resource or trust policy document grants: each `Allow` statement's principals,
    /// pinned by its conditions.
    pub fn document(&mut self, doc: &Json) {
        for statement in items(doc.get("Statement")) {
            if statement.get("Effect").and_then(Json::as_str) != Some("Allow") {
                continue;
            }
            let pins = pins(statement.get("Condition"));
            if statement.get("NotPrincipal").is_some() {
                // Everyone but the principals named.
                self.star(&pins);
            }
            match statement.get("Principal") {
                Some(Json::String(s)) if s == "*" => {
                    if super::s3::statement_is_public(statement) {
                        self.public = true;
                    }
                    self.star(&pins);
                }
                Some(Json::Object(principal)) => {
                    for (kind, ids) in principal {
                        for id in strings(Some(ids)) {
                            match kind.as_str() {
                                "AWS" if id == "*" => {
                                    if super::s3::statement_is_public(statement) {
                                        self.public = true;
                                    }
                                    self.star(&pins);
                                }
                                "AWS" => self.account(id),
                                "Federated" => self.federated(id, statement.get("Condition")),
                                _ => {}
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A web identity or SAML provider trusted by a role: one in another account is that
    /// account's; a public identity provider (an OIDC provider, Cognito, Google...) lets any of
    /// its users in unless a condition on the subject (or, for Cognito, the identity pool) pins
    /// it.
    fn federated(&mut self, provider: &str, condition: Option<&Json>) {
        let host = match provider.split_once(":oidc-provider/") {
            Some(_) => provider.rsplit_once(":oidc-provider/").map(|(_, h)| h),
            None if provider.starts_with("arn:") => None,
            None => Some(provider),
        };
        self.account(provider);
        let Some(host) = host else {
            return;
        };
        let keys: Vec<String> = positive_keys(condition);
        let sub = format!("{}:sub", host.to_ascii_lowercase());
        let aud = format!("{}:aud", host.to_ascii_lowercase());
        let pinned = keys.contains(&sub)
            || (host.eq_ignore_ascii_case("cognito-identity.amazonaws.com") && keys.contains(&aud));
        self.unpinned |= !pinned;
    }

    /// The `access` fact.
    pub fn fact(self) -> Vec<(String, Value)> {
        let outside = self.public || self.unpinned || !self.outside.is_empty();
        let set = |ids: BTreeSet<String>| Value::Set(ids.into_iter().map(Value::String).collect());
        fact(
            "access",
            [
                ("public", Value::Bool(self.public)),
                ("outside", Value::Bool(outside)),
                ("accounts", set(self.accounts)),
                ("outsideAccounts", set(self.outside)),
            ],
        )
    }
}

/// The `access` fact of the resource or trust policy document at `path` in the request
/// parameters (an object or a JSON string), or no fact when the request does not set one. A
/// document that is not JSON or not a policy's shape is reported as malformed (fail closed).
pub fn document_fact(
    input: &Input<'_>,
    path: &str,
    out: &mut Vec<Malformed>,
) -> Vec<(String, Value)> {
    let value = super::malformed::present(crate::event::lookup(input.params, path));
    let mut report = Report::new("access", out);
    let root = Path::root("requestParameters");
    let Some(value) = value else {
        // `attributes: 7` hides `attributes.Policy`: malformed, not absent (fail closed).
        if let Some(prefix) = super::malformed::dead_end(input.params, path) {
            report.flag(
                &root.key(prefix),
                format!("expected an object holding `{path}`"),
            );
        }
        return Vec::new();
    };
    let Some(doc) = super::document::policy(&mut report, &root.key(path), Some(value)) else {
        // Malformed: reported, and the policies that read `access` fail closed.
        return Vec::new();
    };
    let mut access = Access::new(input);
    access.document(&doc);
    access.fact()
}

/// `doc` (a resource or trust policy) without the access [`Access::document`] finds outside:
/// each `Allow` statement open to `*` (or a web identity provider) that nothing pins, or with
/// `NotPrincipal`, is dropped; outside accounts are taken out of the principals of the others,
/// and a statement left with no principal is dropped. Everything else is kept as written.
/// Returns the document and whether anything was taken out. What the reverts of sharing and
/// policy changes write back.
pub fn without_outside(doc: &Json, own: &str, org: &Org) -> (Json, bool) {
    let outside = |principal: &str| account_of(principal).is_some_and(|a| !org.allows(own, a));
    let mut changed = false;
    let mut kept = Vec::new();
    for statement in items(doc.get("Statement")) {
        if statement.get("Effect").and_then(Json::as_str) != Some("Allow") {
            kept.push(statement.clone());
            continue;
        }
        // Judge the statement alone, as the fact does.
        let single = serde_json::json!({"Statement": [statement]});
        let mut probe = Access {
            own,
            org,
            public: false,
            unpinned: false,
            accounts: BTreeSet::new(),
            outside: BTreeSet::new(),
        };
        probe.document(&single);
        if probe.public || probe.unpinned {
            changed = true;
            continue;
        }
        if probe.outside.is_empty() {
            kept.push(statement.clone());
            continue;
        }
        let mut statement = statement.clone();
        if let Some(Json::Object(principal)) = statement.get_mut("Principal") {
            for ids in principal.values_mut() {
                let list: Vec<Json> = strings(Some(ids))
                    .into_iter()
                    .filter(|id| !outside(id))
                    .map(|id| Json::String(id.to_owned()))
                    .collect();
                *ids = match list.len() {
                    1 => list.into_iter().next().unwrap_or(Json::Null),
                    _ => Json::Array(list),
                };
            }
            principal.retain(|_, ids| !matches!(ids, Json::Array(a) if a.is_empty()));
            changed = true;
            if principal.is_empty() {
                continue;
            }
        }
        kept.push(statement);
    }
    let mut out = doc.clone();
    if let Some(map) = out.as_object_mut() {
        map.insert("Statement".to_owned(), Json::Array(kept));
    }
    (out, changed)
}

/// What a condition on a grant limits its principal to.
#[derive(Debug, Clone)]
pub enum Pin<'v> {
    /// Accounts, or ARNs holding them (`aws:SourceAccount`, `aws:PrincipalArn`, ...).
    Accounts(Vec<&'v str>),
    /// Organization ids or paths (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`).
    Orgs(Vec<&'v str>),
    /// A VPC, a VPC endpoint or a user id: only our own network or principals reach it.
    Network,
    /// Anything else (an IP range, a tag): limits, but not to anyone's account.
    Other,
}

/// The pins of a statement's `Condition`: only positive operators (no `Not...`, no
/// `...IfExists`, no `Null`), for those alone must hold.
fn pins(condition: Option<&Json>) -> Vec<Pin<'_>> {
    let Some(Json::Object(operators)) = condition else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (op, keys) in operators {
        let Json::Object(keys) = keys else { continue };
        let positive = is_positive(op);
        for (key, values) in keys {
            let values = strings(Some(values));
            let pin = match key.to_ascii_lowercase().as_str() {
                _ if !positive => Pin::Other,
                "aws:principalaccount"
                | "aws:sourceaccount"
                | "aws:sourceowner"
                | "aws:resourceaccount"
                | "s3:dataaccesspointaccount"
                | "kms:calleraccount"
                | "aws:principalarn"
                | "aws:sourcearn"
                | "s3:dataaccesspointarn" => Pin::Accounts(values),
                "aws:principalorgid"
                | "aws:sourceorgid"
                | "aws:principalorgpaths"
                | "aws:sourceorgpaths" => Pin::Orgs(values),
                "aws:sourcevpc" | "aws:sourcevpce" | "aws:userid" => Pin::Network,
                _ => Pin::Other,
            };
            out.push(pin);
        }
    }
    out
}

/// The condition keys (lowercased) under positive operators.
fn positive_keys(condition: Option<&Json>) -> Vec<String> {
    let Some(Json::Object(operators)) = condition else {
        return Vec::new();
    };
    operators
        .iter()
        .filter(|(op, _)| is_positive(op))
        .filter_map(|(_, keys)| keys.as_object())
        .flat_map(|keys| keys.keys().map(|k| k.to_ascii_lowercase()))
        .collect()
}

/// An operator whose keys must be present and match: not negated, not `...IfExists`, not
/// `Null`.
fn is_positive(op: &str) -> bool {
    let op = op.rsplit(':').next().unwrap_or(op);
    !op.contains("Not") && !op.ends_with("IfExists") && op != "Null"
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use serde_json::{Map, json};

    const OWN: &str = "111122223333";

    fn facts(org: &Org, doc: Json) -> Json {
        let params = Map::new();
        let record = Map::new();
        let input = Input {
            params: &params,
            record: &record,
            account: OWN,
            org,
        };
        let mut access = Access::new(&input);
        access.document(&doc);
        let (_, value) = access.fact().remove(0);
        value.to_json()
    }

    fn allow(principal: Json, condition: Json) -> Json {
        json!({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "*", "Resource": "*", "Condition": condition}]})
    }

    #[test]
    fn an_outside_account_is_outside_and_listed() {
        let got = facts(
            &Org::default(),
            allow(
                json!({"AWS": ["arn:aws:iam::444455556666:root", OWN]}),
                json!({}),
            ),
        );
        assert_eq!(
            got,
            json!({"public": false, "outside": true, "accounts": ["111122223333", "444455556666"],
                "outsideAccounts": ["444455556666"]})
        );
        let org = Org::new(["o-a1b2c3d4e5"], ["444455556666"], Vec::<&str>::new());
        let got = facts(&org, allow(json!({"AWS": "444455556666"}), json!({})));
        assert_eq!(got["outside"], json!(false));
    }

    #[test]
    fn a_star_is_outside_unless_a_condition_pins_it_to_us() {
        let none = Org::default();
        assert_eq!(
            facts(&none, allow(json!("*"), json!({})))["public"],
            json!(true)
        );
        let own = allow(
            json!("*"),
            json!({"StringEquals": {"aws:SourceAccount": OWN}}),
        );
        assert_eq!(
            facts(&none, own),
            json!({"public": false, "outside": false, "accounts": [OWN], "outsideAccounts": []})
        );
        let ip = allow(
            json!({"AWS": "*"}),
            json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        );
        assert_eq!(facts(&none, ip.clone())["public"], json!(false));
        assert_eq!(facts(&none, ip)["outside"], json!(true));
        let org = allow(
            json!("*"),
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
        );
        assert_eq!(facts(&none, org.clone())["outside"], json!(true));
        let ours = Org::new(["o-a1b2c3d4e5"], Vec::<&str>::new(), Vec::new());
        assert_eq!(facts(&ours, org)["outside"], json!(false));
        let negated = allow(
            json!("*"),
            json!({"StringNotEquals": {"aws:SourceAccount": OWN}}),
        );
        assert_eq!(facts(&none, negated)["outside"], json!(true));
        let if_exists = allow(
            json!("*"),
            json!({"StringEqualsIfExists": {"aws:SourceAccount": OWN}}),
        );
        assert_eq!(facts(&none, if_exists)["outside"], json!(true));
    }

    #[test]
    fn deny_statements_and_service_principals_give_no_access() {
        let none = Org::default();
        let deny = json!({"Statement": {"Effect": "Deny", "Principal": "*", "Action": "*"}});
        assert_eq!(facts(&none, deny)["outside"], json!(false));
        let service = allow(json!({"Service": "lambda.amazonaws.com"}), json!({}));
        assert_eq!(facts(&none, service)["outside"], json!(false));
    }

    #[test]
    fn without_outside_keeps_what_is_ours_and_drops_what_is_open() {
        let org = Org::new(["o-a1b2c3d4e5"], ["444455556666"], Vec::<&str>::new());
        let doc = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Mixed", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::210987654321:root", "444455556666"]}, "Action": "s3:GetObject"},
            {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"},
            {"Sid": "Pinned", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
            {"Sid": "Attacker", "Effect": "Allow", "Principal": {"AWS": "210987654321"}, "Action": "s3:*"},
            {"Sid": "Deny", "Effect": "Deny", "Principal": "*", "Action": "s3:*"},
        ]});
        let (out, changed) = without_outside(&doc, OWN, &org);
        assert!(changed);
        let sids: Vec<&str> = items(out.get("Statement"))
            .into_iter()
            .filter_map(|s| s.get("Sid").and_then(Json::as_str))
            .collect();
        assert_eq!(sids, ["Mixed", "Pinned", "Deny"]);
        assert_eq!(
            out["Statement"][0]["Principal"],
            json!({"AWS": "444455556666"})
        );
        assert_eq!(out["Version"], json!("2012-10-17"));
        let (same, changed) = without_outside(&out, OWN, &org);
        assert!(!changed, "a second pass finds nothing: {same}");
    }

    #[test]
    fn a_web_identity_provider_without_a_subject_condition_is_outside() {
        let none = Org::default();
        let github = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
        let open = allow(
            json!({"Federated": github}),
            json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}),
        );
        assert_eq!(facts(&none, open)["outside"], json!(true));
        let pinned = allow(
            json!({"Federated": github}),
            json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:example/app:*"}}),
        );
        assert_eq!(facts(&none, pinned)["outside"], json!(false));
        let saml = allow(
            json!({"Federated": "arn:aws:iam::444455556666:saml-provider/Okta"}),
            json!({}),
        );
        assert_eq!(
            facts(&none, saml)["outsideAccounts"],
            json!(["444455556666"])
        );
    }
}
