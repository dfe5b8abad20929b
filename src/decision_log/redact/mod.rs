//! Redaction: secrets in request parameters never reach what snapback writes (decision
//! records, `check` output, the decision log, `explain`). The rules, each stated in
//! docs/decision-log.md: by field name ([`names`]), by name/value pair and by the shapes that
//! hold environment variables (here), inside strings ([`text`], and JSON embedded in a string
//! is parsed and redacted in turn), and by the paths users configure. The engine decides on
//! the event as received: only the copies that are written are redacted.

mod names;
mod shapes;
mod text;

use serde_json::{Map, Value};

use crate::event::Event;

/// The text that replaces a redacted value.
pub const REDACTED: &str = "[REDACTED]";

/// Top-level request fields that are secret-bearing for one action whatever they are named:
/// an SSM parameter's value (CloudTrail hides `SecureString` values itself, but `String`
/// parameters routinely hold secrets too).
const ACTION_FIELDS: &[(&str, &str, &str)] = &[("ssm.amazonaws.com", "PutParameter", "value")];

/// Redacts request parameters; see the module documentation.
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
        let paths = extra
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| p.split('.').map(str::to_owned).collect())
            .collect();
        Self { paths }
    }

    /// A redacted copy of `params` and the paths that were redacted, in document order.
    pub fn redact(&self, params: &Value) -> (Value, Vec<String>) {
        self.redact_for("", "", params)
    }

    /// [`Redactor::redact`] for the request of `event_name` to `event_source`, with the rules
    /// for that action too.
    pub fn redact_for(
        &self,
        event_source: &str,
        event_name: &str,
        params: &Value,
    ) -> (Value, Vec<String>) {
        let action = ACTION_FIELDS
            .iter()
            .find(|(source, name, _)| *source == event_source && *name == event_name)
            .map(|(_, _, field)| *field);
        let mut walk = Walk {
            redactor: Some(self),
            action,
            embedded: 0,
            out: Vec::new(),
        };
        let copy = walk.copy(params, &mut Vec::new());
        (copy, walk.out)
    }

    /// The event's requestParameters redacted, with the paths redacted; `None` when it has
    /// none. What the decision record keeps.
    pub fn request_parameters(&self, event: &Event) -> Option<(Value, Vec<String>)> {
        let params = event
            .record
            .get("requestParameters")
            .filter(|p| !p.is_null())?;
        Some(self.redact_for(event.event_source(), event.event_name(), params))
    }

    /// A copy of `event` with its requestParameters redacted, and the paths redacted: what
    /// `explain` builds the request it shows from.
    pub fn redact_event(&self, event: &Event) -> (Event, Vec<String>) {
        let mut copy = event.clone();
        let mut paths = Vec::new();
        if let Some((params, redacted)) = self.request_parameters(event) {
            copy.record.insert("requestParameters".to_owned(), params);
            paths = redacted;
        }
        (copy, paths)
    }

    fn configured(&self, path: &[Step<'_>]) -> bool {
        self.paths.iter().any(|pattern| {
            pattern.len() == path.len() && pattern.iter().zip(path).all(|(p, step)| step.matches(p))
        })
    }
}

/// One redacting copy of a document.
struct Walk<'r> {
    /// `None` inside JSON embedded in a string: configured paths are rooted at
    /// requestParameters, not at the embedded document.
    redactor: Option<&'r Redactor>,
    /// The top-level field [`ACTION_FIELDS`] names for this request, if any.
    action: Option<&'static str>,
    /// How many strings deep this document is embedded (0: the parameters themselves).
    embedded: usize,
    /// The paths redacted so far.
    out: Vec<String>,
}

impl Walk<'_> {
    /// A copy of `value` (at `path`) with its secrets replaced. Every event's parameters go
    /// through here: nothing is allocated but the copy itself and what is redacted.
    fn copy<'a>(&mut self, value: &'a Value, path: &mut Vec<Step<'a>>) -> Value {
        match value {
            Value::Object(map) => {
                let pair = shapes::secret_pair(map);
                let parent = match path.last() {
                    Some(Step::Key(key)) => Some(*key),
                    _ => None,
                };
                let top = path.is_empty();
                let mut copy = Map::with_capacity(map.len());
                for (key, child) in map {
                    path.push(Step::Key(key));
                    let whole = !child.is_null()
                        && (shapes::whole(key, child, parent, pair)
                            || (top && self.action.is_some_and(|field| names::is(key, field)))
                            || self.configured(path));
                    let copied = self.replaced(whole, child, path);
                    path.pop();
                    copy.insert(key.clone(), copied);
                }
                Value::Object(copy)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, child)| {
                        path.push(Step::Index(i));
                        let whole = !child.is_null() && self.configured(path);
                        let copied = self.replaced(whole, child, path);
                        path.pop();
                        copied
                    })
                    .collect(),
            ),
            Value::String(s) => match scrub(s, self.embedded) {
                Some(scrubbed) => {
                    self.out.push(dotted(path));
                    Value::String(scrubbed)
                }
                None => value.clone(),
            },
            other => other.clone(),
        }
    }

    fn replaced<'a>(&mut self, whole: bool, child: &'a Value, path: &mut Vec<Step<'a>>) -> Value {
        if whole {
            self.out.push(dotted(path));
            Value::String(REDACTED.to_owned())
        } else {
            self.copy(child, path)
        }
    }

    fn configured(&self, path: &[Step<'_>]) -> bool {
        self.redactor.is_some_and(|r| r.configured(path))
    }
}

/// JSON embedded in a string embedded in a string... deeper than this is redacted whole, so
/// that hostile nesting cannot make the walk's recursion unbounded.
const MAX_EMBEDDED: usize = 4;

/// A string with its secrets replaced, or `None` when it holds none. A string that holds a
/// JSON object or array is parsed and redacted like the parameters, and re-serialized only
/// when something in it was redacted (a policy document stays byte for byte); `embedded` is
/// how many strings deep `s` already is.
fn scrub(s: &str, embedded: usize) -> Option<String> {
    if s.trim_start().starts_with(['{', '['])
        && let Ok(inner) = serde_json::from_str::<Value>(s)
    {
        if embedded >= MAX_EMBEDDED {
            return Some(REDACTED.to_owned());
        }
        let mut walk = Walk {
            redactor: None,
            action: None,
            embedded: embedded + 1,
            out: Vec::new(),
        };
        let copy = walk.copy(&inner, &mut Vec::new());
        if walk.out.is_empty() {
            return None;
        }
        return Some(serde_json::to_string(&copy).unwrap_or_else(|_| REDACTED.to_owned()));
    }
    text::scrub(s)
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

    #[test]
    fn pairs_with_a_secret_name_lose_their_value_only() {
        let params = json!({
            "parameters": [
                {"parameterKey": "DbPassword", "parameterValue": "s1"},
                {"parameterKey": "InstanceType", "parameterValue": "t3.micro"}
            ],
            "tags": [{"Key": "API_TOKEN", "Value": "s2"}, {"Key": "Owner", "Value": "alice"}],
            "settings": [{"Name": "/prod/db/password", "Value": 1234}]
        });
        let (out, paths) = Redactor::default().redact(&params);
        assert_eq!(out["parameters"][0]["parameterKey"], "DbPassword");
        assert_eq!(out["parameters"][0]["parameterValue"], REDACTED);
        assert_eq!(out["parameters"][1]["parameterValue"], "t3.micro");
        assert_eq!(out["tags"][0]["Value"], REDACTED);
        assert_eq!(out["tags"][1]["Value"], "alice");
        assert_eq!(out["settings"][0]["Value"], REDACTED);
        assert_eq!(
            paths,
            [
                "parameters.0.parameterValue",
                "tags.0.Value",
                "settings.0.Value"
            ]
        );
    }

    #[test]
    fn environment_shapes_are_redacted_whatever_the_names() {
        let params = json!({
            "containerDefinitions": [{"name": "web", "image": "nginx",
                "environment": [{"name": "GREETING", "value": "s1"}]}],
            "Environment": {"Variables": {"FOO": "s2"}},
            "function": {"environment": {"variables": {"BAR": "s3"}}},
            "codebuild": {"environment": {"image": "aws/codebuild/standard:7.0",
                "privilegedMode": true, "environmentVariables": [{"name": "X", "value": "s4"}]}},
            "primaryContainer": {"Environment": {"MODEL": "s5"}},
            "environment": "production"
        });
        let (out, paths) = Redactor::default().redact(&params);
        let text = out.to_string();
        for secret in ["s1", "s2", "s3", "s4", "s5"] {
            assert!(
                !text.contains(&format!("\"{secret}\"")),
                "{secret} in {text}"
            );
        }
        assert_eq!(out["codebuild"]["environment"]["privilegedMode"], true);
        assert_eq!(
            out["codebuild"]["environment"]["image"],
            "aws/codebuild/standard:7.0"
        );
        assert_eq!(out["environment"], "production");
        assert_eq!(
            paths,
            [
                "containerDefinitions.0.environment",
                "Environment.Variables",
                "function.environment.variables",
                "codebuild.environment.environmentVariables",
                "primaryContainer.Environment"
            ]
        );
    }

    #[test]
    fn ssm_parameter_values_are_redacted_whatever_their_name() {
        let params = json!({"name": "/app/endpoint", "value": "s1", "overwrite": true});
        let (out, paths) =
            Redactor::default().redact_for("ssm.amazonaws.com", "PutParameter", &params);
        assert_eq!(out["value"], REDACTED);
        assert_eq!(out["name"], "/app/endpoint");
        assert_eq!(paths, ["value"]);
        let typed = json!({"p": {"Name": "/app/x", "Type": "SecureString", "Value": "s2"}});
        assert_eq!(Redactor::default().redact(&typed).0["p"]["Value"], REDACTED);
        // Another action's `value` is not a parameter.
        let (other, _) = Redactor::default().redact_for("s3.amazonaws.com", "PutThing", &params);
        assert_eq!(other["value"], "s1");
    }

    #[test]
    fn json_inside_a_string_is_redacted_and_the_rest_kept() {
        let params = json!({
            "templateBody": "{\"Resources\": {\"Db\": {\"Properties\": {\"MasterUserPassword\": \"s1\", \"Engine\": \"mysql\"}}}}",
            "policyDocument": "{\"Version\": \"2012-10-17\",  \"Statement\": []}",
            "dsn": "postgres://app:s2@db/x"
        });
        let (out, paths) = Redactor::default().redact(&params);
        let body: Value = serde_json::from_str(out["templateBody"].as_str().unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(
            body["Resources"]["Db"]["Properties"]["MasterUserPassword"],
            REDACTED
        );
        assert_eq!(body["Resources"]["Db"]["Properties"]["Engine"], "mysql");
        assert_eq!(out["policyDocument"], params["policyDocument"]);
        assert_eq!(out["dsn"], "postgres://app:[REDACTED]@db/x");
        assert_eq!(paths, ["templateBody", "dsn"]);
    }

    #[test]
    fn json_embedded_too_deep_is_redacted_whole() {
        let mut nested = json!({"password": "s1", "note": "x"});
        for _ in 0..8 {
            nested = json!({"doc": nested.to_string()});
        }
        let (out, paths) = Redactor::default().redact(&nested);
        assert!(!out.to_string().contains("s1"), "{out}");
        assert_eq!(paths, ["doc"]);
    }
}
