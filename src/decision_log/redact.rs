//! Redaction: secret-bearing request fields never reach the decision log. Fields are matched by
//! name anywhere in requestParameters (passwords, private keys, user data, session tokens,
//! secret strings, ...), plus paths the user configures; each redacted path is listed.

use serde_json::Value;

/// The text that replaces a redacted value.
pub const REDACTED: &str = "[REDACTED]";

/// Field names (lowercased, without `_` and `-`) that end in one of these hold secrets, unless
/// their value is a boolean or a number (`allowUsersToChangePassword: true` is no secret).
const SECRET_SUFFIXES: &[&str] = &[
    "password",
    "passphrase",
    "secret",
    "secretstring",
    "secretbinary",
    "secretaccesskey",
    "privatekey",
    "sessiontoken",
    "accesstoken",
    "refreshtoken",
    "authtoken",
    "authenticationtoken",
    "idtoken",
    "userdata",
    "plaintext",
    "keymaterial",
    "credentials",
];

/// Paths redacted by default: Lambda environment variables routinely carry secrets.
pub const DEFAULT_PATHS: &[&str] = &["environment.variables"];

/// Redacts request parameters by field name and by configured path.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// Dotted path patterns; `*` matches any one segment (a key or a list index).
    paths: Vec<Vec<String>>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new(&[])
    }
}

impl Redactor {
    /// The built-in rules plus `extra` dotted paths (like `tags.*.value` or `spec.token`).
    pub fn new(extra: &[String]) -> Self {
        let paths = DEFAULT_PATHS
            .iter()
            .map(|p| (*p).to_owned())
            .chain(extra.iter().cloned())
            .filter(|p| !p.trim().is_empty())
            .map(|p| p.split('.').map(str::to_owned).collect())
            .collect();
        Self { paths }
    }

    /// A redacted copy of `params` and the paths that were redacted, in document order.
    pub fn redact(&self, params: &Value) -> (Value, Vec<String>) {
        let mut copy = params.clone();
        let mut redacted = Vec::new();
        let mut path = Vec::new();
        self.walk(&mut copy, &mut path, &mut redacted);
        (copy, redacted)
    }

    fn walk(&self, value: &mut Value, path: &mut Vec<String>, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    path.push(key.clone());
                    let secret =
                        secret_name(key) && !matches!(child, Value::Bool(_) | Value::Number(_));
                    if !child.is_null() && (secret || self.configured(path)) {
                        *child = Value::String(REDACTED.to_owned());
                        out.push(path.join("."));
                    } else {
                        self.walk(child, path, out);
                    }
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    path.push(i.to_string());
                    if !child.is_null() && self.configured(path) {
                        *child = Value::String(REDACTED.to_owned());
                        out.push(path.join("."));
                    } else {
                        self.walk(child, path, out);
                    }
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn configured(&self, path: &[String]) -> bool {
        self.paths.iter().any(|pattern| {
            pattern.len() == path.len() && pattern.iter().zip(path).all(|(p, s)| p == "*" || p == s)
        })
    }
}

fn secret_name(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_SUFFIXES.iter().any(|s| folded.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted_and_listed() {
        let params = json!({
            "userName": "alice", "password": "hunter2",
            "loginProfile": {"new_password": "p@ss"},
            "minimumPasswordLength": 14, "allowUsersToChangePassword": true,
            "environment": {"variables": {"DB_URL": "postgres://u:p@h/db"}},
            "items": [{"privateKey": "-----BEGIN"}]
        });
        let (out, paths) = Redactor::default().redact(&params);
        assert_eq!(out["password"], REDACTED);
        assert_eq!(out["loginProfile"]["new_password"], REDACTED);
        assert_eq!(out["minimumPasswordLength"], 14);
        assert_eq!(out["allowUsersToChangePassword"], true);
        assert_eq!(out["environment"]["variables"], REDACTED);
        assert_eq!(out["items"][0]["privateKey"], REDACTED);
        assert_eq!(
            paths,
            [
                "password",
                "loginProfile.new_password",
                "environment.variables",
                "items.0.privateKey"
            ]
        );
    }

    #[test]
    fn configured_paths_with_wildcards() {
        let params = json!({"tags": [{"key": "a", "value": "s1"}, {"key": "b", "value": "s2"}]});
        let (out, paths) = Redactor::new(&["tags.*.value".to_owned()]).redact(&params);
        assert_eq!(out["tags"][1]["value"], REDACTED);
        assert_eq!(out["tags"][1]["key"], "b");
        assert_eq!(paths, ["tags.0.value", "tags.1.value"]);
    }
}
