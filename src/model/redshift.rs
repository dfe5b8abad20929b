//! Amazon Redshift: provisioned clusters made public or unencrypted.

use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{EventSpec, ResourceKind, Value};

const CLUSTER: ResourceKind = ResourceKind::at(
    "RedshiftCluster",
    &["clusterIdentifier"],
    "arn:aws:redshift:{region}:{account}:cluster:{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    CLUSTER: ["CreateCluster" => settings, "ModifyCluster" => settings, "DeleteCluster"],
};

/// `redshiftCluster`: the settings a create or modify call sets; each absent when not set.
fn settings(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("redshiftCluster", out);
    let root = Path::root("requestParameters");
    let fields: Vec<(&str, Value)> = ["publiclyAccessible", "encrypted"]
        .into_iter()
        .filter_map(|key| {
            let on = report.boolean(&root.key(key), input.params.get(key))?;
            Some((key, Value::Bool(on)))
        })
        .collect();
    fact("redshiftCluster", fields)
}
