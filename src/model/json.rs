//! Lenient readers for the JSON inside requestParameters: CloudTrail writes booleans as
//! strings at times, numbers as strings, single items where lists are expected, and EC2 wraps
//! lists in `{"items": [...]}`.

use serde_json::{Map, Value};

use crate::event::lookup;

/// The first path that holds a non-empty scalar, as a string.
pub fn first_string(map: &Map<String, Value>, paths: &[&str]) -> Option<String> {
    paths.iter().find_map(|p| {
        let v = lookup(map, p)?;
        let v = match v {
            // EC2 sometimes wraps an id as {"content": "...", "tag": 1}, or a list of one.
            Value::Object(o) => o.get("content")?,
            Value::Array(a) => a.first()?,
            other => other,
        };
        crate::event::scalar_string(v).filter(|s| !s.is_empty())
    })
}

pub fn str_at<'a>(map: &'a Map<String, Value>, path: &str) -> Option<&'a str> {
    match lookup(map, path)? {
        Value::String(s) => Some(s),
        Value::Array(a) => a.first().and_then(Value::as_str),
        _ => None,
    }
}

/// The elements of a list however it is written: `[...]`, `{"items": [...]}`, or one object.
pub fn items(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Object(o)) => match o.get("items") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(_) => Vec::new(),
            None if o.is_empty() => Vec::new(),
            None => vec![value].into_iter().flatten().collect(),
        },
        _ => Vec::new(),
    }
}

/// A JSON document that may arrive as an object or as a (possibly URL-encoded) string.
pub fn document(value: Option<&Value>) -> Option<Value> {
    match value? {
        Value::Object(_) | Value::Array(_) => value.cloned(),
        Value::String(s) => parse_document(s).ok(),
        _ => None,
    }
}

/// A document written as a string: JSON, or URL-encoded JSON. The error is the one for the
/// text as written.
pub fn parse_document(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text)
        .or_else(|e| serde_json::from_str(&percent_decode(text)).map_err(|_| e))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A string or list of strings as a list.
pub fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_reads_every_list_shape() {
        let wrapped = json!({"items": [1, 2]});
        assert_eq!(items(Some(&wrapped)).len(), 2);
        assert_eq!(items(Some(&json!([1]))).len(), 1);
        assert_eq!(items(Some(&json!({}))).len(), 0);
        assert_eq!(items(Some(&json!({"a": 1}))).len(), 1);
        assert_eq!(items(None).len(), 0);
    }

    #[test]
    fn documents_may_be_url_encoded() {
        let doc = document(Some(&json!("%7B%22Version%22%3A%222012-10-17%22%7D")));
        assert_eq!(doc, Some(json!({"Version": "2012-10-17"})));
    }
}
