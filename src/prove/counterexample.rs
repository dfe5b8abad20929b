//! A request the solver found, shown the way `snapback explain` shows the request built for an
//! event (Cedar's JSON forms), and turned into a rules-tests case skeleton.

use cedar_policy::{EntityUid, EvalResult};
use serde_json::{Value as Json, json};

/// A concrete request and entity store that tells two things apart.
#[derive(Debug, Clone)]
pub struct Counterexample {
    /// The request environment it was found in: principal type, action, resource type.
    pub env: String,
    /// `{"principal", "action", "resource", "context", "entities"}`, as `explain` prints.
    pub request: Json,
}

impl Counterexample {
    pub fn new(found: &cedar_policy_symcc::Env, env: String) -> Self {
        let request = &found.request;
        let context = request.context().map_or_else(
            || Json::Object(serde_json::Map::new()),
            |context| {
                Json::Object(
                    context
                        .clone()
                        .into_iter()
                        .filter_map(|(key, _)| context.get(&key).map(|v| (key, value(&v))))
                        .collect(),
                )
            },
        );
        // The action hierarchy is the schema's, the same in every counterexample: left out.
        let entities = match found.entities.to_json_value() {
            Ok(Json::Array(all)) => Json::Array(
                all.into_iter()
                    .filter(|e| {
                        e.pointer("/uid/type").and_then(Json::as_str) != Some("Aws::Action")
                    })
                    .collect(),
            ),
            Ok(other) => other,
            Err(e) => json!({ "error": e.to_string() }),
        };
        Self {
            env,
            request: json!({
                "principal": request.principal().map(uid),
                "action": request.action().map(uid),
                "resource": request.resource().map(uid),
                "context": context,
                "entities": entities,
            }),
        }
    }

    /// A rules-tests case for `policy` whose event has this request's caller and action, and
    /// whose parameters the author fills in: the model builds the context from them, so only
    /// the author knows which `requestParameters` give the context shown in the description.
    pub fn case_skeleton(&self, policy: &str, why: &str, expect_matched: bool) -> Json {
        let field = |path: &[&str]| {
            path.iter()
                .try_fold(&self.request, |v, key| v.get(key))
                .cloned()
                .unwrap_or(Json::Null)
        };
        let action = field(&["action", "id"]);
        let action = action.as_str().unwrap_or("");
        let (service, event_name) = action.split_once(':').unwrap_or((action, ""));
        let principal = self
            .request
            .get("entities")
            .and_then(Json::as_array)
            .and_then(|all| {
                all.iter()
                    .find(|e| e.get("uid") == self.request.get("principal"))
            })
            .and_then(|e| e.get("attrs"))
            .cloned()
            .unwrap_or_else(|| json!({}));
        let attr = |name: &str| principal.get(name).and_then(Json::as_str).unwrap_or("");
        // The solver names strings as it likes ("A", "K"): only values that read as what
        // CloudTrail writes are kept, and the rest is a documentation example.
        let account = match attr("account") {
            a if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => a.to_owned(),
            _ => "123456789012".to_owned(),
        };
        let identity_type = field(&["principal", "type"])
            .as_str()
            .and_then(|t| t.strip_prefix("Aws::"))
            .unwrap_or("AssumedRole")
            .to_owned();
        let mut identity = serde_json::Map::new();
        identity.insert("type".into(), json!(identity_type));
        identity.insert("accountId".into(), json!(account));
        if attr("arn").starts_with("arn:") {
            identity.insert("arn".into(), json!(attr("arn")));
        }
        if !attr("userName").is_empty() {
            identity.insert("userName".into(), json!(attr("userName")));
        }
        if attr("sessionIssuerArn").starts_with("arn:") {
            identity.insert(
                "sessionContext".into(),
                json!({"sessionIssuer": {"type": "Role", "arn": attr("sessionIssuerArn")}}),
            );
        }
        json!({
            "description": format!(
                "Skeleton written by `snapback diff`: {why}. Give the event the requestParameters \
                 for which `snapback explain` shows this context, then describe the case: {}",
                field(&["context"])
            ),
            "expect": if expect_matched {
                json!({"decision": "non_compliant", "policies": [policy]})
            } else {
                json!({"decision": "compliant", "policies": []})
            },
            "event": {
                "version": "0",
                "id": "00000000-0000-4000-8000-000000000000",
                "detail-type": "AWS API Call via CloudTrail",
                "source": format!("aws.{service}"),
                "account": account,
                "time": "2026-01-01T00:00:00Z",
                "region": "us-east-1",
                "resources": [],
                "detail": {
                    "eventVersion": "1.10",
                    "userIdentity": identity,
                    "eventTime": "2026-01-01T00:00:00Z",
                    "eventSource": format!("{service}.amazonaws.com"),
                    "eventName": event_name,
                    "awsRegion": "us-east-1",
                    "sourceIPAddress": "198.51.100.1",
                    "userAgent": "snapback-diff",
                    "requestParameters": {},
                    "responseElements": null,
                    "readOnly": false,
                    "eventType": "AwsApiCall",
                    "managementEvent": true,
                    "recipientAccountId": account,
                }
            }
        })
    }
}

fn uid(uid: &EntityUid) -> Json {
    json!({"type": uid.type_name().to_string(), "id": uid.id().unescaped()})
}

/// Cedar's JSON form of a value, with `__entity` and `__extn` escapes.
fn value(v: &EvalResult) -> Json {
    match v {
        EvalResult::Bool(b) => json!(b),
        EvalResult::Long(n) => json!(n),
        EvalResult::String(s) => json!(s),
        EvalResult::EntityUid(u) => json!({ "__entity": uid(u) }),
        EvalResult::Set(items) => Json::Array(items.iter().map(value).collect()),
        EvalResult::Record(fields) => {
            Json::Object(fields.iter().map(|(k, v)| (k.clone(), value(v))).collect())
        }
        EvalResult::ExtensionValue(text) => extension(text),
    }
}

/// `ip("10.0.0.1")` as `{"__extn": {"fn": "ip", "arg": "10.0.0.1"}}`; any other text as is.
fn extension(text: &str) -> Json {
    let parsed = text.split_once('(').and_then(|(name, rest)| {
        let arg = rest.strip_suffix(')')?.trim();
        let arg = arg.strip_prefix('"')?.strip_suffix('"')?;
        Some(json!({"__extn": {"fn": name.trim(), "arg": arg}}))
    });
    parsed.unwrap_or_else(|| json!(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_values_take_cedars_json_escape() {
        assert_eq!(
            extension(r#"ip("10.0.0.0/8")"#),
            json!({"__extn": {"fn": "ip", "arg": "10.0.0.0/8"}})
        );
        assert_eq!(extension("odd"), json!("odd"));
    }
}
