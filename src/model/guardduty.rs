//! GuardDuty: detectors.

use super::spec::events;
use super::{EventSpec, ResourceKind};

const DETECTOR: ResourceKind = ResourceKind::at(
    "Detector",
    &["detectorId"],
    "arn:aws:guardduty:{region}:{account}:detector/{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    DETECTOR: ["CreateDetector", "UpdateDetector", "DeleteDetector"],
};
