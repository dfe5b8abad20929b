//! The caller: CloudTrail's `userIdentity`, in its many shapes, as a typed Cedar principal.

use serde_json::{Map, Value as Json};

use super::net;
use super::value::{EntityData, Uid, Value};
use crate::event::{Event, lookup};

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
pub fn principal_type(event: &Event) -> &'static str {
    kind(
        event
            .user_identity()
            .and_then(|u| u.get("type"))
            .and_then(Json::as_str)
            .unwrap_or(""),
    )
}

pub fn principal(event: &Event, event_account: &str) -> EntityData {
    let empty = Map::new();
    let user = event.user_identity().unwrap_or(&empty);
    let text = |path: &str| -> String {
        lookup(user, path)
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let identity_type = text("type");
    let ty = kind(&identity_type);
    let arn = text("arn");
    let principal_id = text("principalId");
    let invoked_by = text("invokedBy");
    let id = [&arn, &principal_id, &invoked_by]
        .into_iter()
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_else(|| "anonymous".to_owned());
    let account = Some(text("accountId"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| event_account.to_owned());
    let issuer_name = text("sessionContext.sessionIssuer.userName");
    let user_name = Some(text("userName"))
        .filter(|s| !s.is_empty())
        .unwrap_or(issuer_name);
    let session_name = if arn.contains(":assumed-role/") {
        arn.rsplit('/').next().unwrap_or("").to_owned()
    } else {
        String::new()
    };
    let mfa = lookup(user, "sessionContext.attributes.mfaAuthenticated").is_some_and(|v| {
        v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true")) || v.as_bool() == Some(true)
    }) || event
        .record
        .get("additionalEventData")
        .and_then(|d| d.get("MFAUsed"))
        .and_then(Json::as_str)
        == Some("Yes");
    let source_ip = event.str("sourceIPAddress").unwrap_or("");

    let mut attrs = vec![
        ("arn", Value::str(arn.clone())),
        ("account", Value::str(account.clone())),
        ("identityType", Value::str(identity_type)),
        ("principalId", Value::str(principal_id)),
        ("userName", Value::str(user_name)),
        ("accessKeyId", Value::str(text("accessKeyId"))),
        (
            "sessionIssuerArn",
            Value::str(text("sessionContext.sessionIssuer.arn")),
        ),
        (
            "sessionIssuerType",
            Value::str(text("sessionContext.sessionIssuer.type")),
        ),
        ("sessionName", Value::str(session_name)),
        ("mfaAuthenticated", Value::Bool(mfa)),
        ("invokedBy", Value::str(invoked_by)),
        ("sourceIp", Value::str(source_ip)),
    ];
    if let Some(ip) = net::ip(source_ip) {
        attrs.push(("sourceIpAddr", Value::Ip(ip)));
    }
    attrs.push((
        "userAgent",
        Value::str(event.str("userAgent").unwrap_or("")),
    ));

    EntityData {
        uid: Uid::new(ty, id),
        attrs: attrs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        parents: vec![Uid::new("Account", account)],
        tags: Vec::new(),
    }
}
