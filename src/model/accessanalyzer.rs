//! IAM Access Analyzer: analyzers.

use super::{EventSpec, Id, ResourceKind};

const ANALYZER: ResourceKind = ResourceKind {
    ty: "Analyzer",
    id: Id::Paths(&["analyzerName"]),
    name: &[],
    arn: |account, region, id| format!("arn:aws:access-analyzer:{region}:{account}:analyzer/{id}"),
};

pub const EVENTS: &[EventSpec] = &[
    EventSpec {
        name: "CreateAnalyzer",
        resource: ANALYZER,
        facts: None,
    },
    EventSpec {
        name: "DeleteAnalyzer",
        resource: ANALYZER,
        facts: None,
    },
];
