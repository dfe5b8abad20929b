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
        self.record
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    pub fn event_id(&self) -> Option<&str> {
        self.str("eventID")
    }

    pub fn event_name(&self) -> &str {
        self.str("eventName")
            .or_else(|| self.insight("eventName"))
            .unwrap_or("")
    }

    pub fn event_source(&self) -> &str {
        self.str("eventSource")
            .or_else(|| self.insight("eventSource"))
            .unwrap_or("")
    }

    /// A field of `insightDetails`: CloudTrail Insights records keep their event name there.
    fn insight(&self, key: &str) -> Option<&str> {
        self.record
            .get("insightDetails")?
            .get(key)?
            .as_str()
            .filter(|s| !s.is_empty())
    }

    pub fn is_insight(&self) -> bool {
        self.str("eventType") == Some("AwsCloudTrailInsight")
    }

    /// The service label: the first DNS label of `eventSource` (`ec2`, `s3`, `access-analyzer`).
    pub fn service(&self) -> &str {
        let source = self.event_source();
        if let Some((first, _)) = source
            .split_once('.')
            .filter(|(first, _)| !first.is_empty())
        {
            return first;
        }
        if !source.is_empty() {
            return source;
        }
        self.envelope
            .as_ref()
            .and_then(|e| e.source.as_deref())
            .and_then(|s| s.strip_prefix("aws."))
            .unwrap_or("unknown")
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
        self.str("recipientAccountId")
            .or_else(|| {
                self.user_identity()
                    .and_then(|u| u.get("accountId"))
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
            })
            .or_else(|| self.envelope.as_ref().and_then(|e| e.account.as_deref()))
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
        match self.record.get("readOnly") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => {
                const READ_PREFIXES: &[&str] =
                    &["Get", "List", "Describe", "Head", "Lookup", "BatchGet"];
                let name = self.event_name();
                READ_PREFIXES.iter().any(|p| {
                    name.strip_prefix(p)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_uppercase))
                })
            }
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
