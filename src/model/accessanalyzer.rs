//! IAM Access Analyzer: analyzers.

use super::spec::events;
use super::{EventSpec, ResourceKind};

const ANALYZER: ResourceKind = ResourceKind::at(
    "Analyzer",
    &["analyzerName"],
    "arn:aws:access-analyzer:{region}:{account}:analyzer/{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    ANALYZER: ["CreateAnalyzer", "DeleteAnalyzer"],
};
