//! Reading a decision-log line one way only. serde_json keeps the last of two equal keys while
//! serde refuses a record whose field repeats, and other tools take the first: a line with
//! `"decision":"compliant","decision":"non_compliant"` means different things to different
//! readers, and its hash (over the parsed value) still matches. So every reader here parses
//! with [`parse`], which refuses a key given twice anywhere, and reads records with
//! [`record`], which also refuses wrong types, unknown decisions and a `decided_at` that is not
//! a time. `audit verify` further requires [`is_canonical`]: the line is byte for byte the
//! compact serialization the writer produces, so no two lines that differ can verify as the
//! same record.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::DecisionRecord;
use crate::event::EventTime;

/// Parse one JSON text, refusing a key that appears twice in any object.
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<Strict>(text).map(|Strict(value)| value)
}

/// Whether `text` is exactly the compact serialization of `value` (which it parsed to): no
/// whitespace, keys in the order written, serde_json's escaping, no trailing bytes.
pub fn is_canonical(text: &str, value: &Value) -> bool {
    serde_json::to_string(value).is_ok_and(|canonical| canonical == text)
}

/// A line read as a decision record: strict JSON, every field of the right type, and a
/// `decided_at` that places it in time. The error says what is wrong, without the position.
pub fn record(text: &str) -> Result<DecisionRecord, RecordError> {
    let value = parse(text).map_err(|e| RecordError::Json(describe(&e)))?;
    record_from(value)
}

/// [`record`] for a value already parsed with [`parse`].
pub fn record_from(value: Value) -> Result<DecisionRecord, RecordError> {
    let record = DecisionRecord::deserialize(value).map_err(RecordError::Shape)?;
    if EventTime::parse(&record.decided_at).is_none() {
        return Err(RecordError::Time(
            record.decided_at.escape_debug().to_string(),
        ));
    }
    Ok(record)
}

/// Why a line is not a decision record.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Not strict JSON (described without serde_json's position, see [`describe`]).
    #[error("{0}")]
    Json(String),
    /// JSON, but not a decision record's fields and types.
    #[error(transparent)]
    Shape(serde_json::Error),
    #[error("`decided_at` is not an RFC 3339 time: `{0}`")]
    Time(String),
}

/// What is wrong with a JSON text, for a message that names the file and line itself: without
/// serde_json's "at line 1 column N", with the column kept.
pub fn describe(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let position = format!(" at line {} column {}", err.line(), err.column());
    let what = text.strip_suffix(&position).unwrap_or(&text);
    let what = if err.is_syntax() || err.is_eof() {
        format!("not valid JSON: {what}")
    } else {
        what.to_owned()
    };
    match err.column() {
        0 => what,
        column => format!("{what} (column {column})"),
    }
}

/// A JSON value that refuses duplicate keys; otherwise what `serde_json::Value` reads.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Strict::deserialize(deserializer).map(|Strict(v)| v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key `{}`",
                    key.escape_debug()
                )));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicated_key_is_refused_at_any_depth() {
        let top = parse(r#"{"decision":"compliant","decision":"non_compliant"}"#);
        let err = top.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("duplicate key `decision`"), "{err}");
        let nested = parse(r#"{"a":[1,{"b":{"c":1,"c":2}}]}"#);
        let err = nested.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("duplicate key `c`"), "{err}");
        // The same key decoded from an escape is the same key.
        assert!(parse(r#"{"ab":1,"a\u0062":2}"#).is_err());
    }

    #[test]
    fn strict_parsing_reads_what_serde_json_reads() {
        let text = r#"{"a":null,"b":[true,-1,18446744073709551615,1.5,"x\n"],"c":{}}"#;
        let strict = parse(text).ok();
        let loose: Option<Value> = serde_json::from_str(text).ok();
        assert!(strict.is_some());
        assert_eq!(strict, loose);
        assert!(parse(r#"{"a":1} {"b":2}"#).is_err(), "trailing bytes");
    }

    #[test]
    fn only_the_compact_serialization_is_canonical() {
        let compact = r#"{"b":1,"a":"x"}"#;
        let value = parse(compact).unwrap_or_default();
        assert!(is_canonical(compact, &value));
        for other in [
            r#"{ "b":1,"a":"x"}"#,
            r#"{"b":1,"a":"\u0078"}"#,
            "{\"b\":1,\"a\":\"x\"}\r",
            r#"{"b":1e0,"a":"x"}"#,
        ] {
            let value = parse(other.trim_end()).unwrap_or_default();
            assert!(!is_canonical(other, &value), "{other}");
        }
    }
}
