//! Amazon EKS: the cluster API endpoint's public access.

use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{EventSpec, ResourceKind, Value};

const CLUSTER: ResourceKind = ResourceKind::at(
    "EksCluster",
    &["name", "clusterName"],
    "arn:aws:eks:{region}:{account}:cluster/{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    CLUSTER: ["CreateCluster" => endpoint, "UpdateClusterConfig" => endpoint, "DeleteCluster"],
};

/// `eksEndpoint`: whether the call leaves the API endpoint public to the whole internet.
/// `CreateCluster` makes the endpoint public to `0.0.0.0/0` unless it says otherwise; an
/// update that turns public access on without naming the ranges is counted as world-open too,
/// for the ranges it keeps are not in the event.
fn endpoint(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let mut report = Report::new("eksEndpoint", out);
    let root = Path::root("requestParameters");
    let at = root.key("resourcesVpcConfig");
    let Some(config) = report.object(&at, input.params.get("resourcesVpcConfig")) else {
        return Vec::new();
    };
    let create = input.params.get("roleArn").is_some();
    let public = report
        .boolean(
            &at.key("endpointPublicAccess"),
            config.get("endpointPublicAccess"),
        )
        .or(create.then_some(true));
    let cidrs_at = at.key("publicAccessCidrs");
    let cidrs = super::malformed::present(config.get("publicAccessCidrs"))
        .map(|v| report.strings(&cidrs_at, Some(v)));
    let world = match &cidrs {
        None => true,
        Some(list) => list.iter().any(|c| matches!(*c, "0.0.0.0/0" | "::/0")),
    };
    let mut fields = vec![("worldOpen", Value::Bool(public == Some(true) && world))];
    if let Some(public) = public {
        fields.push(("publicAccess", Value::Bool(public)));
    }
    fact("eksEndpoint", fields)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use crate::model::malformed::derive;
    use serde_json::json;

    #[test]
    fn a_new_cluster_is_world_open_unless_it_says_otherwise() {
        let world = |params| derive(endpoint, params).0[0].1.to_json()["worldOpen"].clone();
        assert_eq!(
            world(json!({"name": "c", "roleArn": "r", "resourcesVpcConfig": {"subnetIds": ["s"]}})),
            json!(true)
        );
        assert_eq!(
            world(
                json!({"name": "c", "roleArn": "r", "resourcesVpcConfig": {"endpointPublicAccess": false}})
            ),
            json!(false)
        );
        assert_eq!(
            world(
                json!({"name": "c", "resourcesVpcConfig": {"endpointPublicAccess": true, "publicAccessCidrs": ["203.0.113.0/24"]}})
            ),
            json!(false)
        );
        assert_eq!(
            world(json!({"name": "c", "resourcesVpcConfig": {"endpointPrivateAccess": true}})),
            json!(false)
        );
    }
}
