//! GuardDuty: detectors, their publishing destinations and their filters.

use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{EventSpec, ResourceKind, Value};

const DETECTOR: ResourceKind = ResourceKind::at(
    "Detector",
    &["detectorId"],
    "arn:aws:guardduty:{region}:{account}:detector/{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    DETECTOR: [
        "CreateDetector",
        "UpdateDetector" => detector,
        "DeleteDetector",
        "DeletePublishingDestination",
        "CreateFilter" => filter,
        "UpdateFilter" => filter,
    ],
};

/// `detector`: whether an update turns the detector on or off; absent when it does neither.
fn detector(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let root = Path::root("requestParameters");
    let at = root.key("enable");
    let enable = Report::new("detector", out).boolean(&at, input.params.get("enable"));
    fact("detector", enable.map(|on| ("enable", Value::Bool(on))))
}

/// `filter`: the filter's name and action (`ARCHIVE` suppresses the findings it matches).
fn filter(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("filter", out);
    let root = Path::root("requestParameters");
    let mut text = |key: &str| {
        let value = report.string(&root.key(key), input.params.get(key));
        Value::str(value.unwrap_or(""))
    };
    fact(
        "filter",
        [("name", text("name")), ("action", text("action"))],
    )
}
