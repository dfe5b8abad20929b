//! The caller: CloudTrail's `userIdentity`, in its many shapes, as a typed Cedar principal.

use serde_json::{Map, Value as Json};

use super::fields::Fields;
use super::malformed::{Malformed, PRINCIPAL_TYPE, Path, Report, present};
use super::net;
use super::value::{EntityData, Uid, Value};
use crate::event::{Head, lookup};

/// CloudTrail identity types and the Cedar entity type each becomes.
const KINDS: &[(&str, &str)] = &[
    ("Root", "Root"),
    ("IAMUser", "IAMUser"),
    ("AssumedRole", "AssumedRole"),
    ("Role", "AssumedRole"),
    ("FederatedUser", "FederatedUser"),
    ("AWSService", "AWSService"),
    ("AWSAccount", "AWSAccount"),
    ("IdentityCenterUser", "IdentityCenterUser"),
    ("SAMLUser", "SAMLUser"),
    ("WebIdentityUser", "WebIdentityUser"),
];

/// The CloudTrail `userIdentity.type`s that become the Cedar principal type `cedar_type`.
pub fn identity_types(cedar_type: &str) -> Vec<String> {
    KINDS
        .iter()
        .filter(|(_, ty)| *ty == cedar_type)
        .map(|(kind, _)| (*kind).to_owned())
        .collect()
}

/// The Cedar type (without namespace) of a CloudTrail `userIdentity.type`.
pub fn kind(identity_type: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == identity_type)
        .map_or("UnknownIdentity", |(_, t)| t)
}

/// The Cedar type (without namespace) of the event's principal, as [`principal`] builds it.
pub fn principal_type(head: &Head<'_>) -> &'static str {
    kind(
        head.user_identity
            .and_then(|u| u.get("type"))
            .and_then(Json::as_str)
            .unwrap_or(""),
    )
}

/// The `userIdentity` strings the principal is built from, and the attribute each becomes.
const TEXTS: &[(&str, &str)] = &[
    ("type", PRINCIPAL_TYPE),
    ("arn", "arn"),
    ("principalId", "principalId"),
    ("invokedBy", "invokedBy"),
    ("accountId", "account"),
    ("userName", "userName"),
    ("accessKeyId", "accessKeyId"),
    ("sessionContext.sessionIssuer.arn", "sessionIssuerArn"),
    ("sessionContext.sessionIssuer.type", "sessionIssuerType"),
    ("sessionContext.sessionIssuer.userName", "userName"),
];

/// `userIdentity.type` when it is present but not a string: the principal's type is unknown,
/// so a policy scoped to any principal type might have applied.
pub fn malformed_principal_type(head: &Head<'_>) -> Option<Malformed> {
    let value = present(head.user_identity?.get("type"))?;
    if value.is_string() {
        return None;
    }
    let mut out = Vec::new();
    Report::new(PRINCIPAL_TYPE, &mut out)
        .string(&Path::root("userIdentity").key("type"), Some(value));
    out.pop()
}

/// Report the `userIdentity` fields the principal reads that are present but malformed: a
/// string field that is not a string, a `sessionContext` part that is not an object, an MFA
/// flag that is not a boolean.
fn check(user: &Map<String, Json>, out: &mut Vec<Malformed>) {
    let root = Path::root("userIdentity");
    // One pass over the identity's keys, not a lookup per field: this runs for every event
    // that some policy is evaluated against.
    let mut top: [Option<&Json>; TEXTS.len()] = [None; TEXTS.len()];
    let mut session = None;
    for (key, value) in user {
        if key == "sessionContext" {
            session = Some(value);
        } else if let Some(slot) = TEXTS
            .iter()
            .position(|(path, _)| path == key)
            .and_then(|i| top.get_mut(i))
        {
            *slot = Some(value);
        }
    }
    for (&(path, attr), own) in TEXTS.iter().zip(top) {
        let value = match path.strip_prefix("sessionContext.") {
            Some(rest) => session
                .and_then(Json::as_object)
                .and_then(|c| lookup(c, rest)),
            None => own,
        };
        if let Some(value) = present(value)
            && !value.is_string()
        {
            Report::new(attr, out).string(&root.key(path), Some(value));
        }
    }
    let context_at = root.key("sessionContext");
    let issuer = Report::new("sessionIssuerArn", out).object(&context_at, session);
    let Some(context) = issuer else {
        return;
    };
    Report::new("sessionIssuerArn", out).object(
        &context_at.key("sessionIssuer"),
        context.get("sessionIssuer"),
    );
    let attributes_at = context_at.key("attributes");
    let mut mfa = Report::new("mfaAuthenticated", out);
    if let Some(attributes) = mfa.object(&attributes_at, context.get("attributes")) {
        mfa.boolean(
            &attributes_at.key("mfaAuthenticated"),
            attributes.get("mfaAuthenticated"),
        );
    }
}

/// Who the caller is: its Cedar type, uid, ARN and account.
struct Caller<'a> {
    user: &'a Map<String, Json>,
    ty: &'static str,
    id: String,
    arn: &'a str,
    account: String,
}

impl<'a> Caller<'a> {
    /// One pass over `userIdentity`'s keys: every event's record names its caller, so this
    /// runs for every event.
    fn of(user: &'a Map<String, Json>, event_account: &str) -> Self {
        let (mut ty, mut arn, mut principal_id, mut invoked_by, mut account) = ("", "", "", "", "");
        for (key, value) in user {
            let slot = match key.as_str() {
                "type" => &mut ty,
                "arn" => &mut arn,
                "principalId" => &mut principal_id,
                "invokedBy" => &mut invoked_by,
                "accountId" => &mut account,
                _ => continue,
            };
            *slot = value.as_str().unwrap_or("");
        }
        let id = [arn, principal_id, invoked_by]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or("anonymous")
            .to_owned();
        let account = Some(account)
            .filter(|s| !s.is_empty())
            .unwrap_or(event_account)
            .to_owned();
        Self {
            user,
            ty: kind(ty),
            id,
            arn,
            account,
        }
    }

    fn text(&self, path: &str) -> &'a str {
        lookup(self.user, path).and_then(Json::as_str).unwrap_or("")
    }
}

/// The principal's uid and parent, with only the attributes a decision record and the
/// reactor's exemptions read (`arn`, `sessionIssuerArn`): for an event no policy is evaluated
/// against, building the other dozen would cost more than deciding.
pub fn principal_ref(head: &Head<'_>, event_account: &str) -> EntityData {
    let empty = Map::new();
    let caller = Caller::of(head.user_identity.unwrap_or(&empty), event_account);
    EntityData {
        attrs: vec![
            ("arn".to_owned(), Value::str(caller.arn)),
            (
                "sessionIssuerArn".to_owned(),
                Value::str(caller.text("sessionContext.sessionIssuer.arn")),
            ),
        ],
        uid: Uid::new(caller.ty, caller.id),
        parents: vec![Uid::new("Account", caller.account)],
        tags: Vec::new(),
    }
}

/// The attributes every principal carries whatever the policies read: what its decision record
/// and the reactor's exemptions read.
const RECORDED: &[&str] = &["arn", "sessionIssuerArn"];

/// The principal with the attributes named in `wanted` (and [`RECORDED`]), reporting the
/// `userIdentity` fields it reads that are present but malformed. An attribute no policy reads
/// is not built: several are lookups into nested objects, and `sourceIpAddr` parses an address.
pub fn principal(
    head: &Head<'_>,
    event_account: &str,
    wanted: &Fields,
    malformed: &mut Vec<Malformed>,
) -> EntityData {
    let empty = Map::new();
    let user = head.user_identity.unwrap_or(&empty);
    check(user, malformed);
    let caller = Caller::of(user, event_account);
    let text = |path: &str| caller.text(path);
    let arn = caller.arn;
    let source_ip = || head.source_ip.unwrap_or("");
    let mut attrs = Vec::new();
    let mut put = |name: &'static str, value: &dyn Fn() -> Option<Value>| {
        if (wanted.keeps(name) || RECORDED.contains(&name))
            && let Some(value) = value()
        {
            attrs.push((name.to_owned(), value));
        }
    };
    put("arn", &|| Some(Value::str(arn)));
    put("account", &|| Some(Value::str(caller.account.as_str())));
    put("identityType", &|| Some(Value::str(text("type"))));
    put("principalId", &|| Some(Value::str(text("principalId"))));
    put("userName", &|| {
        let own = text("userName");
        let name = if own.is_empty() {
            text("sessionContext.sessionIssuer.userName")
        } else {
            own
        };
        Some(Value::str(name))
    });
    put("accessKeyId", &|| Some(Value::str(text("accessKeyId"))));
    put("sessionIssuerArn", &|| {
        Some(Value::str(text("sessionContext.sessionIssuer.arn")))
    });
    put("sessionIssuerType", &|| {
        Some(Value::str(text("sessionContext.sessionIssuer.type")))
    });
    put("sessionName", &|| {
        let session = if arn.contains(":assumed-role/") {
            arn.rsplit('/').next().unwrap_or("")
        } else {
            ""
        };
        Some(Value::str(session))
    });
    put("mfaAuthenticated", &|| Some(Value::Bool(mfa(head, user))));
    put("invokedBy", &|| Some(Value::str(text("invokedBy"))));
    put("sourceIp", &|| Some(Value::str(source_ip())));
    put("sourceIpAddr", &|| net::ip(source_ip()).map(Value::Ip));
    put("userAgent", &|| {
        Some(Value::str(head.user_agent.unwrap_or("")))
    });

    EntityData {
        attrs,
        uid: Uid::new(caller.ty, caller.id),
        parents: vec![Uid::new("Account", caller.account)],
        tags: Vec::new(),
    }
}

/// Whether the caller signed in with MFA, as the session or the console sign-in records it.
fn mfa(head: &Head<'_>, user: &Map<String, Json>) -> bool {
    lookup(user, "sessionContext.attributes.mfaAuthenticated").is_some_and(|v| {
        v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true")) || v.as_bool() == Some(true)
    }) || head
        .event
        .record
        .get("additionalEventData")
        .and_then(|d| d.get("MFAUsed"))
        .and_then(Json::as_str)
        == Some("Yes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn malformed(user: Json) -> Vec<String> {
        let Json::Object(map) = user else {
            unreachable!()
        };
        let mut out = Vec::new();
        check(&map, &mut out);
        out.into_iter()
            .map(|m| format!("{} {}: {}", m.fact, m.field, m.problem))
            .collect()
    }

    #[test]
    fn identity_fields_that_are_not_strings_are_malformed_not_empty() {
        assert_eq!(
            malformed(json!({"type": {"name": "Root"}, "invokedBy": 1,
                "sessionContext": {"sessionIssuer": {"arn": ["arn:aws:iam::1:role/snapback-break-glass"]},
                "attributes": {"mfaAuthenticated": "maybe"}}})),
            [
                "identityType userIdentity.type: expected a string, found an object",
                "invokedBy userIdentity.invokedBy: expected a string, found a number",
                "sessionIssuerArn userIdentity.sessionContext.sessionIssuer.arn: expected a string, found a list",
                "mfaAuthenticated userIdentity.sessionContext.attributes.mfaAuthenticated: expected a boolean, found a string",
            ]
        );
        assert_eq!(
            malformed(json!({"type": "AssumedRole", "sessionContext": "role"})),
            ["sessionIssuerArn userIdentity.sessionContext: expected an object, found a string"]
        );
    }

    #[test]
    fn identities_as_cloudtrail_writes_them_report_nothing() {
        for user in [
            json!({"type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/r/s", "invokedBy": null,
                "sessionContext": {"sessionIssuer": null, "attributes": {"mfaAuthenticated": "False", "creationDate": "x"}}}),
            json!({"type": "Root", "principalId": "1", "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {}}}),
            json!({"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}),
        ] {
            assert!(malformed(user.clone()).is_empty(), "{user}");
        }
    }
}
