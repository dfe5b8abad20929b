//! GuardDuty: detectors.

use super::{EventSpec, Id, ResourceKind};

const DETECTOR: ResourceKind = ResourceKind {
    ty: "Detector",
    id: Id::Paths(&["detectorId"]),
    name: &[],
    arn: |account, region, id| format!("arn:aws:guardduty:{region}:{account}:detector/{id}"),
};

pub const EVENTS: &[EventSpec] = &[
    EventSpec {
        name: "CreateDetector",
        resource: DETECTOR,
        facts: None,
    },
    EventSpec {
        name: "UpdateDetector",
        resource: DETECTOR,
        facts: None,
    },
    EventSpec {
        name: "DeleteDetector",
        resource: DETECTOR,
        facts: None,
    },
];
