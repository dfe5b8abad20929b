//! What one top-level JSON value holds, turned into events.
//!
//! A value may be an EventBridge event, a bare CloudTrail record, a log file
//! (`{"Records": [...]}`), LookupEvents output, or an array of these. A value that cannot be
//! understood, or a record whose fields snapback reads have the wrong type, becomes an
//! [`EventError`] naming the field and the position: an event is never read as a pass because a
//! field it relies on was malformed. Splitting a byte stream into values is
//! [`super::StreamParser`]'s job.

use serde_json::{Map, Value};

use super::CLOUDTRAIL_DETAIL_TYPES;
use super::record::{Envelope, Event, Origin, check_fields, wrong};

/// A position in a stream: 1-based line and column of the top-level JSON value, and the index
/// of the record inside it when the value holds several. Line 0 means no position (the whole
/// source, for example a file that cannot be opened).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub index: Option<usize>,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)?;
        if let Some(index) = self.index {
            write!(f, " (record {index})")?;
        }
        Ok(())
    }
}

/// An event that could not be understood, with where it was and what was there.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct EventError {
    pub origin: Origin,
    pub message: String,
    /// The text or JSON that failed, so that it can be kept (at most 64 KiB of it).
    pub raw: Option<String>,
}

/// The most raw text an error keeps.
pub(super) const MAX_RAW: usize = 64 * 1024;

/// Turn one top-level JSON value into events.
pub(super) fn classify(
    value: Value,
    origin: &Origin,
    out: &mut dyn FnMut(Result<Event, EventError>),
) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.into_iter().enumerate() {
                let origin = at_index(origin, i);
                classify_one(item, &origin, out);
            }
        }
        other => classify_one(other, origin, out),
    }
}

fn at_index(origin: &Origin, index: usize) -> Origin {
    Origin {
        source: origin.source.clone(),
        position: Position {
            index: Some(index),
            ..origin.position
        },
    }
}

fn classify_one(value: Value, origin: &Origin, out: &mut dyn FnMut(Result<Event, EventError>)) {
    let Value::Object(mut map) = value else {
        out(Err(error(
            origin,
            "expected a JSON object, found a scalar or nested array",
            &value,
        )));
        return;
    };
    match form(&map) {
        Form::LogFile => {
            let records = match map.get_mut("Records") {
                Some(Value::Array(records)) => std::mem::take(records),
                _ => Vec::new(),
            };
            for (i, record) in records.into_iter().enumerate() {
                let origin = at_index(origin, i);
                out(bare(record, &origin));
            }
        }
        Form::Lookup => {
            let events = match map.get_mut("Events") {
                Some(Value::Array(events)) => std::mem::take(events),
                _ => Vec::new(),
            };
            // LookupEvents output: each element carries the record as a JSON string.
            for (i, item) in events.into_iter().enumerate() {
                let origin = at_index(origin, i);
                out(lookup_event(item, &origin));
            }
        }
        Form::Envelope => out(envelope(map, origin)),
        Form::LookupEvent => out(lookup_event(Value::Object(map), origin)),
        Form::Bare => out(bare(Value::Object(map), origin)),
    }
}

/// The forms an object can take, the first that applies winning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    /// `{"Records": [...]}`.
    LogFile,
    /// LookupEvents output, `{"Events": [...]}`.
    Lookup,
    /// An EventBridge event.
    Envelope,
    /// One LookupEvents element, its record in a `CloudTrailEvent` string.
    LookupEvent,
    /// A CloudTrail record.
    Bare,
}

/// An object's form, from its keys in one pass (not one lookup a form: this runs for every
/// record).
fn form(map: &Map<String, Value>) -> Form {
    map.iter()
        .filter_map(|(key, value)| match (key.as_str(), value) {
            ("Records", Value::Array(_)) => Some(Form::LogFile),
            ("Events", Value::Array(_)) => Some(Form::Lookup),
            ("detail-type", _) => Some(Form::Envelope),
            ("CloudTrailEvent", Value::String(_)) => Some(Form::LookupEvent),
            _ => None,
        })
        .min()
        .unwrap_or(Form::Bare)
}

fn error(origin: &Origin, message: impl Into<String>, value: &Value) -> EventError {
    let mut raw = value.to_string();
    if raw.len() > MAX_RAW {
        let mut cut = MAX_RAW;
        while !raw.is_char_boundary(cut) {
            cut -= 1;
        }
        raw.truncate(cut);
    }
    EventError {
        origin: origin.clone(),
        message: message.into(),
        raw: Some(raw),
    }
}

fn envelope(mut map: Map<String, Value>, origin: &Origin) -> Result<Event, EventError> {
    let detail_type = match map.get("detail-type") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            let message = wrong("detail-type", "a string", other).to_string();
            return Err(error(origin, message, &Value::Object(map)));
        }
        None => String::new(),
    };
    if !CLOUDTRAIL_DETAIL_TYPES.contains(&detail_type.as_str()) {
        return Err(error(
            origin,
            format!(
                "unsupported EventBridge detail-type `{detail_type}`: snapback reads only `{}`",
                CLOUDTRAIL_DETAIL_TYPES.join("`, `")
            ),
            &Value::Object(map),
        ));
    }
    let text = |key: &str| match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(wrong(key, "a string", other)),
    };
    let fields = (|| {
        Ok::<_, super::record::WrongType>(Envelope {
            id: text("id")?,
            source: text("source")?,
            account: text("account")?,
            region: text("region")?,
            time: text("time")?,
            detail_type,
        })
    })();
    let env = match fields {
        Ok(env) => env,
        Err(wrong) => return Err(error(origin, wrong.to_string(), &Value::Object(map))),
    };
    match map.remove("detail") {
        Some(Value::Object(record)) => match record_problem(&record) {
            None => Ok(Event {
                record,
                envelope: Some(env),
                origin: origin.clone(),
            }),
            Some(problem) => {
                map.insert("detail".to_owned(), Value::Object(record));
                Err(error(
                    origin,
                    format!("EventBridge `detail`: {problem}"),
                    &Value::Object(map),
                ))
            }
        },
        Some(other) => {
            let message = format!(
                "EventBridge event: {}",
                wrong("detail", "an object", &other)
            );
            map.insert("detail".to_owned(), other);
            Err(error(origin, message, &Value::Object(map)))
        }
        None => Err(error(
            origin,
            "EventBridge event has no `detail` object",
            &Value::Object(map),
        )),
    }
}

fn lookup_event(item: Value, origin: &Origin) -> Result<Event, EventError> {
    let inner = item.get("CloudTrailEvent").and_then(Value::as_str);
    match inner.map(serde_json::from_str::<Value>) {
        Some(Ok(record)) => bare(record, origin),
        Some(Err(err)) => Err(error(
            origin,
            format!("LookupEvents `CloudTrailEvent` is not valid JSON: {err}"),
            &item,
        )),
        None => Err(error(
            origin,
            "LookupEvents item has no `CloudTrailEvent` string",
            &item,
        )),
    }
}

fn bare(value: Value, origin: &Origin) -> Result<Event, EventError> {
    match value {
        Value::Object(record) => match record_problem(&record) {
            None => Ok(Event {
                record,
                envelope: None,
                origin: origin.clone(),
            }),
            Some(problem) => Err(error(origin, problem, &Value::Object(record))),
        },
        other => Err(error(
            origin,
            "a CloudTrail record must be a JSON object",
            &other,
        )),
    }
}

/// Why a JSON object is not a record snapback can decide, if it is not: no event name (in the
/// record or, for CloudTrail Insights, in `insightDetails`), or a field of the wrong type.
fn record_problem(record: &Map<String, Value>) -> Option<String> {
    match check_fields(record) {
        Err(problem) => return Some(problem.to_string()),
        Ok(true) => return None,
        Ok(false) => {}
    }
    let named = |m: &Map<String, Value>| {
        m.get("eventName")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    let insight = record.get("insightDetails").and_then(Value::as_object);
    if named(record) || insight.is_some_and(named) {
        return None;
    }
    Some(match record.get("eventName") {
        Some(_) => "`eventName` is empty".to_owned(),
        None => "not a CloudTrail event: no `eventName`; expected an EventBridge event, a \
                 CloudTrail record, a `{\"Records\": [...]}` log file or LookupEvents output"
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

    use super::*;

    fn read(text: &str) -> Vec<Result<Event, EventError>> {
        let value: Value = serde_json::from_str(text).unwrap();
        let origin = Origin {
            source: "test.json".into(),
            position: Position {
                line: 3,
                column: 1,
                index: None,
            },
        };
        let mut out = Vec::new();
        classify(value, &origin, &mut |r| out.push(r));
        out
    }

    fn error_of(text: &str) -> String {
        match read(text).as_slice() {
            [Err(err)] => err.to_string(),
            other => panic!("expected one error for {text}: {other:?}"),
        }
    }

    fn envelope_of(detail: &str) -> String {
        format!(
            r#"{{"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","account":"111122223333","time":"2026-11-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{detail}}}"#
        )
    }

    #[test]
    fn foreign_detail_type_is_an_error() {
        let text = r#"{"detail-type": "EC2 Instance State-change Notification", "detail": {}}"#;
        assert!(error_of(text).contains("detail-type"));
    }

    /// An EventBridge event whose `detail` was `{}`, or whose `eventName` was a number, null
    /// or missing, was an Event, decided compliant.
    #[test]
    fn an_eventbridge_event_without_a_readable_event_name_is_an_error() {
        for (detail, field) in [
            ("{}", "`eventName`"),
            (
                r#"{"eventName": 5, "eventSource": "s3.amazonaws.com"}"#,
                "`eventName` must be a string, found a number",
            ),
            (
                r#"{"eventName": null, "eventSource": "s3.amazonaws.com"}"#,
                "`eventName` must be a string, found null",
            ),
            (r#"{"eventSource": "s3.amazonaws.com"}"#, "no `eventName`"),
            (
                r#"{"eventName": "", "eventSource": "s3.amazonaws.com"}"#,
                "`eventName` is empty",
            ),
        ] {
            let message = error_of(&envelope_of(detail));
            assert!(message.starts_with("test.json:3:1: "), "{message}");
            assert!(message.contains(field), "{detail}: {message}");
            // The same record, bare, says the same.
            assert!(error_of(detail).contains(field), "{detail}");
        }
        let message = error_of(&envelope_of("\"text\""));
        assert!(message.contains("`detail` must be an object"), "{message}");
    }

    /// Fields the model reads, present with the wrong type, were read as "" or as absent.
    #[test]
    fn record_fields_of_the_wrong_type_are_errors_naming_the_field() {
        for (field, value) in [
            ("eventSource", "5"),
            ("eventSource", "null"),
            ("userIdentity", "\"root\""),
            ("requestParameters", "\"bucket\""),
            ("requestParameters", "[]"),
            ("recipientAccountId", "111122223333"),
            ("awsRegion", "[\"us-east-1\"]"),
            ("errorCode", "403"),
            ("errorCode", "null"),
            ("readOnly", "\"maybe\""),
            ("readOnly", "1"),
            ("eventTime", "1700000000"),
            ("sourceIPAddress", "{}"),
        ] {
            let record = format!(r#"{{"eventName":"PutBucketPolicy","{field}":{value}}}"#);
            for text in [record.clone(), envelope_of(&record)] {
                let message = error_of(&text);
                assert!(
                    message.contains(&format!("`{field}` must be")),
                    "{text}: {message}"
                );
            }
        }
        let identity = r#"{"eventName":"X","userIdentity":{"type":"IAMUser","arn":7}}"#;
        assert!(error_of(identity).contains("`userIdentity.arn` must be a string"));
        let envelope = envelope_of(r#"{"eventName":"X"}"#)
            .replace(r#""account":"111122223333""#, r#""account":111122223333"#);
        assert!(error_of(&envelope).contains("`account` must be a string"));
    }

    /// What real events contain stays readable: null requestParameters and invokedBy, a
    /// `readOnly` written as a string, an empty errorCode, Insights records.
    #[test]
    fn shapes_of_real_events_are_accepted() {
        for text in [
            r#"{"eventName":"X","requestParameters":null,"readOnly":"True","errorCode":""}"#,
            r#"{"eventName":"X","userIdentity":{"accountId":"1","invokedBy":null}}"#,
            r#"{"eventType":"AwsCloudTrailInsight","insightDetails":{"eventName":"X","eventSource":"s3.amazonaws.com"}}"#,
        ] {
            assert!(matches!(read(text).as_slice(), [Ok(_)]), "{text}");
        }
    }
}
