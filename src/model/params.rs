//! The raw requestParameters, flattened into `path -> string` tags so that policies can read
//! any field with `context.params.getTag("a.b.0.c")` while the schema stays strict.

use serde_json::{Map, Value};

/// Deeper fields than this are left out; no real CloudTrail request nests this far.
const MAX_DEPTH: usize = 12;
/// More entries than this are left out, so a huge document cannot blow up a request.
const MAX_ENTRIES: usize = 2048;

pub fn flatten(map: &Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in map {
        walk(key.clone(), value, 1, &mut out);
    }
    out
}

fn walk(path: String, value: &Value, depth: usize, out: &mut Vec<(String, String)>) {
    if out.len() >= MAX_ENTRIES || depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Null => {}
        Value::String(s) => out.push((path, s.clone())),
        Value::Bool(b) => out.push((path, b.to_string())),
        Value::Number(n) => out.push((path, n.to_string())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(format!("{path}.{i}"), item, depth + 1, out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                walk(format!("{path}.{key}"), item, depth + 1, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_lists_become_dotted_paths() {
        let params =
            json!({"groupId": "sg-1", "ipPermissions": {"items": [{"fromPort": 22}]}, "x": null});
        let Value::Object(map) = params else {
            unreachable!()
        };
        assert_eq!(
            flatten(&map),
            vec![
                ("groupId".to_owned(), "sg-1".to_owned()),
                ("ipPermissions.items.0.fromPort".to_owned(), "22".to_owned()),
            ]
        );
    }
}
