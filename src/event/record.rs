//! One CloudTrail record, kept as the JSON it came as, with typed accessors for the fields
//! snapback reads. Real records are irregular, so every accessor tolerates absence and null.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::parse::Position;

/// Where an event came from: a file (or `-` for stdin) and a position in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub source: Arc<str>,
    pub position: Position,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.position.line == 0 {
            // No position: the whole source (a file that cannot be opened or read).
            return write!(f, "{}", self.source);
        }
        write!(f, "{}:{}", self.source, self.position)
    }
}

/// The EventBridge envelope around a record, when the event arrived in one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Envelope {
    pub id: Option<String>,
    pub detail_type: String,
    pub source: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub time: Option<String>,
}

/// A CloudTrail record with its envelope (if any) and origin.
#[derive(Debug, Clone)]
pub struct Event {
    pub record: Map<String, Value>,
    pub envelope: Option<Envelope>,
    pub origin: Origin,
}

impl Event {
    /// A string field of the record; empty strings count as absent.
    pub fn str(&self, key: &str) -> Option<&str> {
        text(self.record.get(key))
    }

    pub fn event_id(&self) -> Option<&str> {
        self.str("eventID")
    }

    pub fn event_name(&self) -> &str {
        named(
            self.record.get("eventName"),
            self.record.get("insightDetails"),
            "eventName",
        )
    }

    pub fn event_source(&self) -> &str {
        named(
            self.record.get("eventSource"),
            self.record.get("insightDetails"),
            "eventSource",
        )
    }

    pub fn is_insight(&self) -> bool {
        is_insight(self.str("eventType"))
    }

    /// The service label: the first DNS label of `eventSource` (`ec2`, `s3`, `access-analyzer`).
    pub fn service(&self) -> &str {
        service(self.event_source(), self.envelope.as_ref())
    }

    pub fn event_time(&self) -> Option<&str> {
        self.str("eventTime")
            .or_else(|| self.envelope.as_ref().and_then(|e| e.time.as_deref()))
    }

    pub fn region(&self) -> Option<&str> {
        self.str("awsRegion")
            .or_else(|| self.envelope.as_ref().and_then(|e| e.region.as_deref()))
    }

    pub fn user_identity(&self) -> Option<&Map<String, Value>> {
        self.record.get("userIdentity").and_then(Value::as_object)
    }

    /// The account where the change happened: `recipientAccountId`, else the caller's account,
    /// else the envelope's account.
    pub fn account(&self) -> Option<&str> {
        account(
            self.str("recipientAccountId"),
            self.user_identity(),
            self.envelope.as_ref(),
        )
    }

    pub fn request_parameters(&self) -> Option<&Map<String, Value>> {
        self.record
            .get("requestParameters")
            .and_then(Value::as_object)
    }

    pub fn error_code(&self) -> Option<&str> {
        self.str("errorCode")
    }

    /// `readOnly` as recorded, or inferred from the event name when the record lacks it.
    pub fn read_only(&self) -> bool {
        read_only(self.record.get("readOnly"), self.event_name())
    }

    /// The fields deciding reads, found in one pass over the record (see [`Head`]).
    pub fn head(&self) -> Head<'_> {
        let mut raw = Raw::default();
        for (key, value) in &self.record {
            let slot = match key.as_str() {
                "eventName" => &mut raw.event_name,
                "eventSource" => &mut raw.event_source,
                "insightDetails" => &mut raw.insight_details,
                "eventID" => &mut raw.event_id,
                "eventType" => &mut raw.event_type,
                "eventTime" => &mut raw.event_time,
                "awsRegion" => &mut raw.region,
                "recipientAccountId" => &mut raw.recipient_account,
                "errorCode" => &mut raw.error_code,
                "readOnly" => &mut raw.read_only,
                "sourceIPAddress" => &mut raw.source_ip,
                "userAgent" => &mut raw.user_agent,
                "userIdentity" => &mut raw.user_identity,
                "requestParameters" => &mut raw.request_parameters,
                _ => continue,
            };
            *slot = Some(value);
        }
        let envelope = self.envelope.as_ref();
        let event_name = named(raw.event_name, raw.insight_details, "eventName");
        let event_source = named(raw.event_source, raw.insight_details, "eventSource");
        let user_identity = raw.user_identity.and_then(Value::as_object);
        let recipient = text(raw.recipient_account);
        Head {
            event: self,
            event_name,
            event_source,
            service: service(event_source, envelope),
            event_id: text(raw.event_id),
            event_type: text(raw.event_type),
            event_time: text(raw.event_time).or_else(|| envelope.and_then(|e| e.time.as_deref())),
            region: text(raw.region).or_else(|| envelope.and_then(|e| e.region.as_deref())),
            account: account(recipient, user_identity, envelope),
            error_code: text(raw.error_code),
            read_only: read_only(raw.read_only, event_name),
            source_ip: text(raw.source_ip),
            user_agent: text(raw.user_agent),
            user_identity,
            request_parameters: raw.request_parameters.and_then(Value::as_object),
        }
    }
}

/// The fields of a record that deciding an event reads, each as the [`Event`] accessor of the
/// same name gives it, found in one pass over the record's keys. Deciding reads each of them
/// several times (the skip check, the policy index, the principal, the request), and a record
/// is a map hashed with SipHash: looking each up every time cost more than Cedar's evaluation.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    pub event: &'a Event,
    pub event_name: &'a str,
    pub event_source: &'a str,
    pub service: &'a str,
    pub event_id: Option<&'a str>,
    pub event_type: Option<&'a str>,
    pub event_time: Option<&'a str>,
    pub region: Option<&'a str>,
    pub account: Option<&'a str>,
    pub error_code: Option<&'a str>,
    pub read_only: bool,
    /// `sourceIPAddress`
    pub source_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub user_identity: Option<&'a Map<String, Value>>,
    pub request_parameters: Option<&'a Map<String, Value>>,
}

impl Head<'_> {
    pub fn is_insight(&self) -> bool {
        is_insight(self.event_type)
    }
}

/// The record's values for [`Head`], before they are read.
#[derive(Default)]
struct Raw<'a> {
    event_name: Option<&'a Value>,
    event_source: Option<&'a Value>,
    insight_details: Option<&'a Value>,
    event_id: Option<&'a Value>,
    event_type: Option<&'a Value>,
    event_time: Option<&'a Value>,
    region: Option<&'a Value>,
    recipient_account: Option<&'a Value>,
    error_code: Option<&'a Value>,
    read_only: Option<&'a Value>,
    source_ip: Option<&'a Value>,
    user_agent: Option<&'a Value>,
    user_identity: Option<&'a Value>,
    request_parameters: Option<&'a Value>,
}

/// A string value; empty strings count as absent.
fn text(value: Option<&Value>) -> Option<&str> {
    value.and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// `eventName` or `eventSource`: the record's own, else `insightDetails`'s (CloudTrail Insights
/// records keep them there), else empty.
fn named<'a>(own: Option<&'a Value>, insight: Option<&'a Value>, key: &str) -> &'a str {
    text(own).or_else(|| text(insight?.get(key))).unwrap_or("")
}

fn is_insight(event_type: Option<&str>) -> bool {
    event_type == Some("AwsCloudTrailInsight")
}

/// The first DNS label of `eventSource`, else the envelope's `aws.` source, else `unknown`.
fn service<'a>(source: &'a str, envelope: Option<&'a Envelope>) -> &'a str {
    if let Some((first, _)) = source
        .split_once('.')
        .filter(|(first, _)| !first.is_empty())
    {
        return first;
    }
    if !source.is_empty() {
        return source;
    }
    envelope
        .and_then(|e| e.source.as_deref())
        .and_then(|s| s.strip_prefix("aws."))
        .unwrap_or("unknown")
}

/// `recipientAccountId`, else the caller's account, else the envelope's account.
fn account<'a>(
    recipient: Option<&'a str>,
    user: Option<&'a Map<String, Value>>,
    envelope: Option<&'a Envelope>,
) -> Option<&'a str> {
    recipient
        .or_else(|| text(user?.get("accountId")))
        .or_else(|| envelope.and_then(|e| e.account.as_deref()))
}

/// `readOnly` as recorded, or inferred from the event name when the record lacks it.
fn read_only(recorded: Option<&Value>, event_name: &str) -> bool {
    match recorded {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => {
            const READ_PREFIXES: &[&str] =
                &["Get", "List", "Describe", "Head", "Lookup", "BatchGet"];
            READ_PREFIXES.iter().any(|p| {
                event_name
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_uppercase))
            })
        }
    }
}

impl Event {
    /// The event as it arrived: its EventBridge envelope around the record, or the bare record.
    pub fn original(&self) -> Value {
        match &self.envelope {
            None => Value::Object(self.record.clone()),
            Some(env) => {
                let text = |s: &Option<String>| s.clone().map_or(Value::Null, Value::String);
                serde_json::json!({
                    "version": "0",
                    "id": text(&env.id),
                    "detail-type": env.detail_type,
                    "source": text(&env.source),
                    "account": text(&env.account),
                    "time": text(&env.time),
                    "region": text(&env.region),
                    "resources": [],
                    "detail": Value::Object(self.record.clone()),
                })
            }
        }
    }
}

/// The fields the model reads, with the type each must have when present: a field present with
/// another type is an error naming it, never read as `""` or as absent (fail closed).
/// Top-level fields that must be strings when present.
fn string_field(key: &str) -> bool {
    matches!(
        key,
        "eventName"
            | "eventSource"
            | "eventTime"
            | "eventID"
            | "eventType"
            | "awsRegion"
            | "recipientAccountId"
            | "errorCode"
            | "sourceIPAddress"
            | "userAgent"
    )
}

/// `userIdentity` fields the principal is built from.
fn identity_field(key: &str) -> bool {
    matches!(
        key,
        "type" | "arn" | "accountId" | "principalId" | "userName"
    )
}

/// Check the types of the fields snapback reads in a record. `requestParameters` may be null
/// (CloudTrail writes null for a call without parameters), as may `userIdentity.invokedBy`;
/// `readOnly` is a boolean, or the string `"true"`/`"false"` some exporters write. One pass
/// over the record's fields (and its identity's), not a lookup per field: this runs for every
/// event. `Ok(true)` when the record has a non-empty `eventName` of its own.
pub(super) fn check_fields(record: &Map<String, Value>) -> Result<bool, WrongType> {
    let mut named = false;
    for (key, value) in record {
        let key = key.as_str();
        match (key, value) {
            ("eventName", Value::String(name)) => named = !name.is_empty(),
            (_, Value::String(_)) if string_field(key) => {}
            (_, other) if string_field(key) => return Err(wrong(key, "a string", other)),
            ("userIdentity", Value::Object(user)) => check_identity(user)?,
            ("userIdentity", other) => return Err(wrong(key, "an object", other)),
            ("requestParameters", Value::Object(_) | Value::Null) => {}
            ("requestParameters", other) => return Err(wrong(key, "an object or null", other)),
            ("readOnly", Value::Bool(_)) => {}
            ("readOnly", Value::String(s))
                if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {}
            ("readOnly", other) => return Err(wrong(key, "a boolean", other)),
            ("insightDetails", Value::Object(details)) => {
                expect_string(details, "eventName", "insightDetails.")?;
                expect_string(details, "eventSource", "insightDetails.")?;
            }
            ("insightDetails", other) => return Err(wrong(key, "an object", other)),
            _ => {}
        }
    }
    Ok(named)
}

fn check_identity(user: &Map<String, Value>) -> Result<(), WrongType> {
    for (key, value) in user {
        match (key.as_str(), value) {
            (key, Value::String(_)) if identity_field(key) || key == "invokedBy" => {}
            ("invokedBy", Value::Null) => {}
            (key, other) if identity_field(key) || key == "invokedBy" => {
                return Err(wrong(&format!("userIdentity.{key}"), "a string", other));
            }
            _ => {}
        }
    }
    Ok(())
}

fn expect_string(map: &Map<String, Value>, key: &str, prefix: &str) -> Result<(), WrongType> {
    match map.get(key) {
        None | Some(Value::String(_)) => Ok(()),
        Some(other) => Err(wrong(&format!("{prefix}{key}"), "a string", other)),
    }
}

/// A field of the wrong type: the record cannot be read in full.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` must be {expected}, found {found}")]
pub struct WrongType {
    pub field: String,
    pub expected: &'static str,
    pub found: &'static str,
}

/// The error for a field of the wrong type.
pub(super) fn wrong(field: &str, expected: &'static str, found: &Value) -> WrongType {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(s) if s.is_empty() => "an empty string",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    WrongType {
        field: field.to_owned(),
        expected,
        found,
    }
}

/// Look up a dotted path (`a.b.0.c`) in a JSON map. Numeric segments index arrays.
pub fn lookup<'a>(map: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut current = map.get(parts.next()?)?;
    for part in parts {
        current = match current {
            Value::Object(m) => m.get(part)?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// A JSON scalar as a string: strings as they are, numbers and booleans as their JSON text.
pub fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What the accessors say and what [`Head`] says, side by side.
    fn both(event: &Event) -> (String, String) {
        let head = event.head();
        let accessors = format!(
            "{:?} {:?}",
            (
                event.event_name(),
                event.event_source(),
                event.service(),
                event.event_id(),
                event.str("eventType"),
                event.event_time(),
                event.region(),
                event.account(),
                event.error_code(),
            ),
            (
                event.read_only(),
                event.str("sourceIPAddress"),
                event.str("userAgent"),
                event.user_identity(),
                event.request_parameters(),
                event.is_insight(),
            )
        );
        let read = format!(
            "{:?} {:?}",
            (
                head.event_name,
                head.event_source,
                head.service,
                head.event_id,
                head.event_type,
                head.event_time,
                head.region,
                head.account,
                head.error_code,
            ),
            (
                head.read_only,
                head.source_ip,
                head.user_agent,
                head.user_identity,
                head.request_parameters,
                head.is_insight(),
            )
        );
        (accessors, read)
    }

    fn event(record: Value, envelope: Option<Envelope>) -> Event {
        let Value::Object(record) = record else {
            unreachable!()
        };
        Event {
            record,
            envelope,
            origin: Origin {
                source: "test".into(),
                position: Position::default(),
            },
        }
    }

    #[test]
    fn the_head_reads_each_field_as_its_accessor_does() {
        let envelope = Envelope {
            source: Some("aws.s3".into()),
            account: Some("222233334444".into()),
            region: Some("eu-west-1".into()),
            time: Some("2026-01-01T00:00:00Z".into()),
            ..Envelope::default()
        };
        let records = [
            json!({"eventName": "PutBucketPolicy", "eventSource": "s3.amazonaws.com",
                "eventID": "e1", "eventType": "AwsApiCall", "eventTime": "2026-01-01T00:00:00Z",
                "awsRegion": "us-east-1", "recipientAccountId": "111122223333",
                "readOnly": false, "sourceIPAddress": "192.0.2.1", "userAgent": "aws-cli",
                "userIdentity": {"type": "Root", "accountId": "111122223333"},
                "requestParameters": {"bucketName": "b"}}),
            json!({"eventType": "AwsCloudTrailInsight", "insightDetails":
                {"eventName": "RunInstances", "eventSource": "ec2.amazonaws.com"}}),
            json!({"eventName": "", "eventSource": ".amazonaws.com", "eventID": "",
                "recipientAccountId": "", "readOnly": "TRUE", "errorCode": "AccessDenied",
                "userIdentity": {"type": "IAMUser", "accountId": "999988887777"},
                "requestParameters": null}),
            json!({"eventName": "DescribeInstances", "eventSource": "ec2",
                "userIdentity": "not an object", "requestParameters": [1]}),
            json!({"eventName": 7, "eventSource": {"a": 1}, "readOnly": 1, "awsRegion": null,
                "insightDetails": {"eventName": "ListBuckets"}}),
            json!({}),
        ];
        for record in records {
            for envelope in [None, Some(envelope.clone())] {
                let event = event(record.clone(), envelope);
                let (accessors, head) = both(&event);
                assert_eq!(accessors, head, "{record}");
            }
        }
    }
}
