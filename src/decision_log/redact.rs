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

/// One step of the path to a value: an object key or a list index.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl Step<'_> {
    fn matches(self, pattern: &str) -> bool {
        match self {
            Self::Key(key) => pattern == "*" || pattern == key,
            Self::Index(i) => pattern == "*" || pattern.parse() == Ok(i),
        }
    }
}

fn dotted(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for (n, step) in path.iter().enumerate() {
        if n > 0 {
            out.push('.');
        }
        match step {
            Step::Key(key) => out.push_str(key),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
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
        let mut redacted = Vec::new();
        let copy = self.copy(params, &mut Vec::new(), &mut redacted);
        (copy, redacted)
    }

    /// A copy of `value` (at `path`) with its secrets replaced. Every event's parameters go
    /// through here, so nothing is allocated but the copy itself and the paths redacted.
    fn copy<'a>(&self, value: &'a Value, path: &mut Vec<Step<'a>>, out: &mut Vec<String>) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, child)| {
                        path.push(Step::Key(key));
                        let secret =
                            secret_name(key) && !matches!(child, Value::Bool(_) | Value::Number(_));
                        let copied = self.redacted(child, secret, path, out);
                        path.pop();
                        (key.clone(), copied)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, child)| {
                        path.push(Step::Index(i));
                        let copied = self.redacted(child, false, path, out);
                        path.pop();
                        copied
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn redacted<'a>(
        &self,
        child: &'a Value,
        secret: bool,
        path: &mut Vec<Step<'a>>,
        out: &mut Vec<String>,
    ) -> Value {
        if !child.is_null() && (secret || self.configured(path)) {
            out.push(dotted(path));
            Value::String(REDACTED.to_owned())
        } else {
            self.copy(child, path, out)
        }
    }

    fn configured(&self, path: &[Step<'_>]) -> bool {
        self.paths.iter().any(|pattern| {
            pattern.len() == path.len() && pattern.iter().zip(path).all(|(p, step)| step.matches(p))
        })
    }
}

/// Whether `key`, lowercased and without `_` and `-`, ends in a secret suffix; without
/// allocating (it runs for every key of every event).
fn secret_name(key: &str) -> bool {
    // The longest suffix has 19 letters: fold at most that many from the end, in reverse.
    let mut folded = ['\0'; 24];
    let mut len = 0;
    for c in key.chars().rev().filter(|c| *c != '_' && *c != '-') {
        for lower in c.to_lowercase().rev() {
            if let Some(slot) = folded.get_mut(len) {
                *slot = lower;
                len += 1;
            }
        }
        if len >= folded.len() {
            break;
        }
    }
    let tail = folded.get(..len).unwrap_or_default();
    SECRET_SUFFIXES.iter().any(|suffix| {
        suffix.chars().count() <= tail.len() && suffix.chars().rev().zip(tail).all(|(a, b)| a == *b)
    })
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

    proptest::proptest! {
        /// The allocation-free test agrees with folding the whole key and testing suffixes.
        #[test]
        fn secret_names_agree_with_folding_the_whole_key(
            key in "(?i)[a-z_İ-]{0,6}(password|secret|secret_string|private-key|token|userdata|x)?[_-]?"
        ) {
            let folded: String = key
                .chars()
                .filter(|c| *c != '_' && *c != '-')
                .flat_map(char::to_lowercase)
                .collect();
            let reference = SECRET_SUFFIXES.iter().any(|s| folded.ends_with(s));
            proptest::prop_assert_eq!(secret_name(&key), reference, "{}", key);
        }
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
