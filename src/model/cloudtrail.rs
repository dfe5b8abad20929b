//! CloudTrail: trails, logging and event selectors.

use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{EventSpec, ResourceKind, Value};

const TRAIL: ResourceKind = ResourceKind::at(
    "Trail",
    &["name", "trailName"],
    "arn:aws:cloudtrail:{region}:{account}:trail/{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    TRAIL: [
        "CreateTrail" => trail_settings,
        "UpdateTrail" => trail_settings,
        "DeleteTrail",
        "StartLogging",
        "StopLogging",
        "PutEventSelectors" => event_selectors,
        "PutInsightSelectors",
    ],
};

/// `trail`: the settings the call sets, each present only when the call sets it.
fn trail_settings(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let mut report = Report::new("trail", out);
    let root = Path::root("requestParameters");
    let mut fields = Vec::new();
    for key in [
        "enableLogFileValidation",
        "isMultiRegionTrail",
        "includeGlobalServiceEvents",
        "isOrganizationTrail",
    ] {
        if let Some(b) = report.boolean(&root.key(key), params.get(key)) {
            fields.push((key, Value::Bool(b)));
        }
    }
    for key in ["kmsKeyId", "s3BucketName"] {
        if let Some(s) = report.string(&root.key(key), params.get(key)) {
            fields.push((key, Value::str(s)));
        }
    }
    fact("trail", fields)
}

/// `eventSelectors`: which management events the new selectors keep.
fn event_selectors(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let mut report = Report::new("eventSelectors", out);
    let root = Path::root("requestParameters");
    let (mut reads, mut writes) = (false, false);
    let list = root.key("eventSelectors");
    for (item, selector) in report.objects(&list, params.get("eventSelectors")) {
        let at = item.path(&list);
        let include = report
            .boolean(
                &at.key("includeManagementEvents"),
                selector.get("includeManagementEvents"),
            )
            .unwrap_or(true);
        let kind_at = at.key("readWriteType");
        let kind = report.string(&kind_at, selector.get("readWriteType"));
        if kind.is_some_and(|k| !matches!(k, "ReadOnly" | "WriteOnly" | "All")) {
            report.flag(&kind_at, "expected `ReadOnly`, `WriteOnly` or `All`");
        }
        if !include {
            continue;
        }
        match kind.unwrap_or("All") {
            "ReadOnly" => reads = true,
            "WriteOnly" => writes = true,
            _ => (reads, writes) = (true, true),
        }
    }
    let list = root.key("advancedEventSelectors");
    for (item, selector) in report.objects(&list, params.get("advancedEventSelectors")) {
        let at = item.path(&list);
        let fields_at = at.key("fieldSelectors");
        let mut category = None;
        let mut read_only = None;
        for (item, field) in report.objects(&fields_at, selector.get("fieldSelectors")) {
            let field_at = item.path(&fields_at);
            let name = report.string(&field_at.key("field"), field.get("field"));
            let equals = report.strings(&field_at.key("equals"), field.get("equals"));
            match name {
                Some("eventCategory") if category.is_none() => category = Some(equals),
                Some("readOnly") if read_only.is_none() => read_only = Some(equals),
                _ => {}
            }
        }
        let management = category.is_some_and(|e| e.contains(&"Management"));
        if !management {
            continue;
        }
        match read_only.as_deref() {
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
    fact(
        "eventSelectors",
        [
            ("managementEvents", Value::str(kept)),
            ("includesManagementWrites", Value::Bool(writes)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value as Json, json};

    fn kept(params: Json) -> Vec<(String, Value)> {
        crate::model::malformed::derive(event_selectors, params).0
    }

    fn record(kept: &str, writes: bool) -> Vec<(String, Value)> {
        fact(
            "eventSelectors",
            [
                ("managementEvents", Value::str(kept)),
                ("includesManagementWrites", Value::Bool(writes)),
            ],
        )
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

    use crate::model::malformed::problems as malformed;

    #[test]
    fn a_trail_flag_that_is_not_a_boolean_is_malformed_not_unset() {
        assert_eq!(
            malformed(
                trail_settings,
                json!({"name": "t", "enableLogFileValidation": "no", "kmsKeyId": 7})
            ),
            [
                "trail requestParameters.enableLogFileValidation: expected a boolean, found a string",
                "trail requestParameters.kmsKeyId: expected a string, found a number",
            ]
        );
        assert!(
            malformed(
                trail_settings,
                json!({"name": "t", "isMultiRegionTrail": "false", "kmsKeyId": ""})
            )
            .is_empty()
        );
    }

    #[test]
    fn selectors_of_the_wrong_shape_are_malformed() {
        assert_eq!(
            malformed(
                event_selectors,
                json!({"eventSelectors": [{"readWriteType": "Writes", "includeManagementEvents": "sometimes"}, "All"]})
            ),
            [
                "eventSelectors requestParameters.eventSelectors.1: expected an object, found a string",
                "eventSelectors requestParameters.eventSelectors.0.includeManagementEvents: expected a boolean, found a string",
                "eventSelectors requestParameters.eventSelectors.0.readWriteType: expected `ReadOnly`, `WriteOnly` or `All`",
            ]
        );
        assert_eq!(
            malformed(
                event_selectors,
                json!({"advancedEventSelectors": [{"fieldSelectors": [{"field": "eventCategory", "equals": "Management"},
                    {"field": "readOnly", "equals": [false]}]}]})
            ),
            [
                "eventSelectors requestParameters.advancedEventSelectors.0.fieldSelectors.1.equals.0: expected a string, found a boolean"
            ]
        );
        assert_eq!(
            malformed(
                event_selectors,
                json!({"eventSelectors": "{\"readWriteType\": \"All\""})
            ),
            [
                "eventSelectors requestParameters.eventSelectors: expected a list or an object, found a string"
            ]
        );
    }
}
