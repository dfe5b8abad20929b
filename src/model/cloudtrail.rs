//! CloudTrail: trails, logging and event selectors.

use serde_json::{Map, Value as Json};

use super::json::{bool_at, items, str_at, strings};
use super::{EventSpec, Id, ResourceKind, Value};

const TRAIL: ResourceKind = ResourceKind {
    ty: "Trail",
    id: Id::Paths(&["name", "trailName"]),
    name: &[],
    arn: |account, region, id| format!("arn:aws:cloudtrail:{region}:{account}:trail/{id}"),
};

const fn trail(name: &'static str, facts: Option<super::FactsFn>) -> EventSpec {
    EventSpec {
        name,
        resource: TRAIL,
        facts,
    }
}

pub const EVENTS: &[EventSpec] = &[
    trail("CreateTrail", Some(trail_settings)),
    trail("UpdateTrail", Some(trail_settings)),
    trail("DeleteTrail", None),
    trail("StartLogging", None),
    trail("StopLogging", None),
    trail("PutEventSelectors", Some(event_selectors)),
    trail("PutInsightSelectors", None),
];

/// `trail`: the settings the call sets, each present only when the call sets it.
fn trail_settings(params: &Map<String, Json>) -> Vec<(String, Value)> {
    let mut fields = Vec::new();
    for key in [
        "enableLogFileValidation",
        "isMultiRegionTrail",
        "includeGlobalServiceEvents",
        "isOrganizationTrail",
    ] {
        if let Some(b) = bool_at(params, key) {
            fields.push((key, Value::Bool(b)));
        }
    }
    for key in ["kmsKeyId", "s3BucketName"] {
        if let Some(s) = str_at(params, key) {
            fields.push((key, Value::str(s)));
        }
    }
    vec![("trail".to_owned(), Value::record(fields))]
}

/// `eventSelectors`: which management events the new selectors keep.
fn event_selectors(params: &Map<String, Json>) -> Vec<(String, Value)> {
    let (mut reads, mut writes) = (false, false);
    for selector in items(params.get("eventSelectors")) {
        let include = selector
            .get("includeManagementEvents")
            .is_none_or(|v| v.as_bool().unwrap_or(v.as_str() != Some("false")));
        if !include {
            continue;
        }
        match selector
            .get("readWriteType")
            .and_then(Json::as_str)
            .unwrap_or("All")
        {
            "ReadOnly" => reads = true,
            "WriteOnly" => writes = true,
            _ => (reads, writes) = (true, true),
        }
    }
    for selector in items(params.get("advancedEventSelectors")) {
        let fields = items(selector.get("fieldSelectors"));
        let field = |name: &str| {
            fields
                .iter()
                .find(|f| f.get("field").and_then(Json::as_str) == Some(name))
        };
        let management = field("eventCategory")
            .is_some_and(|f| strings(f.get("equals")).contains(&"Management"));
        if !management {
            continue;
        }
        match field("readOnly")
            .map(|f| strings(f.get("equals")))
            .as_deref()
        {
            Some(["true"]) => reads = true,
            Some(["false"]) => writes = true,
            _ => (reads, writes) = (true, true),
        }
    }
    let kept = match (reads, writes) {
        (true, true) => "All",
        (false, true) => "WriteOnly",
        (true, false) => "ReadOnly",
        (false, false) => "None",
    };
    vec![(
        "eventSelectors".to_owned(),
        Value::record([
            ("managementEvents", Value::str(kept)),
            ("includesManagementWrites", Value::Bool(writes)),
        ]),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kept(params: Json) -> Vec<(String, Value)> {
        let Json::Object(map) = params else {
            unreachable!()
        };
        event_selectors(&map)
    }

    fn record(kept: &str, writes: bool) -> Vec<(String, Value)> {
        vec![(
            "eventSelectors".to_owned(),
            Value::record([
                ("managementEvents", Value::str(kept)),
                ("includesManagementWrites", Value::Bool(writes)),
            ]),
        )]
    }

    #[test]
    fn basic_selectors() {
        assert_eq!(
            kept(json!({"eventSelectors": [{"readWriteType": "All"}]})),
            record("All", true)
        );
        assert_eq!(
            kept(json!({"eventSelectors": [{"readWriteType": "ReadOnly"}]})),
            record("ReadOnly", false)
        );
        assert_eq!(
            kept(
                json!({"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": false}]})
            ),
            record("None", false)
        );
    }

    #[test]
    fn advanced_selectors() {
        let data_only = json!({"advancedEventSelectors": [{"fieldSelectors": [
            {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]});
        assert_eq!(kept(data_only), record("None", false));
        let writes = json!({"advancedEventSelectors": [{"fieldSelectors": [
            {"field": "eventCategory", "equals": ["Management"]}, {"field": "readOnly", "equals": ["false"]}]}]});
        assert_eq!(kept(writes), record("WriteOnly", true));
    }
}
