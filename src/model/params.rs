//! The raw requestParameters, flattened into `path -> string` tags so that policies can read
//! any field with `context.params.getTag("a.b.0.c")` while the schema stays strict.

use serde_json::{Map, Value};

use super::Fields;

/// Deeper fields than this are left out; no real CloudTrail request nests this far.
const MAX_DEPTH: usize = 12;
/// More entries than this are left out, so a huge document cannot blow up a request.
const MAX_ENTRIES: usize = 2048;

/// Flatten the fields `fields` names (and never walk a subtree no wanted path is under):
/// building whole documents into Cedar values is the dominant cost of deciding.
pub fn flatten_only(map: &Map<String, Value>, fields: &Fields) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if fields == &Fields::none() {
        return out;
    }
    for (key, value) in map {
        if fields.wants(key) {
            walk(key.clone(), value, 1, fields, &mut out);
        }
    }
    out
}

fn walk(
    path: String,
    value: &Value,
    depth: usize,
    fields: &Fields,
    out: &mut Vec<(String, String)>,
) {
    if out.len() >= MAX_ENTRIES || depth > MAX_DEPTH {
        return;
    }
    let leaf = match value {
        Value::Null => return,
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let inner = format!("{path}.{i}");
                if fields.wants(&inner) {
                    walk(inner, item, depth + 1, fields, out);
                }
            }
            return;
        }
        Value::Object(map) => {
            for (key, item) in map {
                let inner = format!("{path}.{key}");
                if fields.wants(&inner) {
                    walk(inner, item, depth + 1, fields, out);
                }
            }
            return;
        }
    };
    if fields.keeps(&path) {
        out.push((path, leaf));
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
            flatten_only(&map, &Fields::All),
            vec![
                ("groupId".to_owned(), "sg-1".to_owned()),
                ("ipPermissions.items.0.fromPort".to_owned(), "22".to_owned()),
            ]
        );
    }

    #[test]
    fn only_wanted_fields_are_flattened() {
        let params = json!({"groupId": "sg-1", "ipPermissions": {"items": [{"fromPort": 22, "toPort": 23}]}, "big": {"a": 1}});
        let Value::Object(map) = params else {
            unreachable!()
        };
        let fields = Fields::Only(["ipPermissions.items.0.toPort".to_owned()].into());
        assert_eq!(
            flatten_only(&map, &fields),
            vec![("ipPermissions.items.0.toPort".to_owned(), "23".to_owned())]
        );
        assert!(flatten_only(&map, &Fields::none()).is_empty());
        assert_eq!(flatten_only(&map, &Fields::All).len(), 4);
    }
}
