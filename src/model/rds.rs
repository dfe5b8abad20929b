//! RDS: instances and clusters (public access, encryption, backups) and the sharing of DB and
//! cluster snapshots.

use super::access::Access;
use super::malformed::{Malformed, Path, Report};
use super::spec::{Input, events, fact};
use super::{EventSpec, ResourceKind, Value};

const INSTANCE: ResourceKind = ResourceKind::at(
    "DbInstance",
    &["dBInstanceIdentifier"],
    "arn:aws:rds:{region}:{account}:db:{id}",
);

const CLUSTER: ResourceKind = ResourceKind::at(
    "DbCluster",
    &["dBClusterIdentifier"],
    "arn:aws:rds:{region}:{account}:cluster:{id}",
);

const SNAPSHOT: ResourceKind = ResourceKind::at(
    "DbSnapshot",
    &["dBSnapshotIdentifier"],
    "arn:aws:rds:{region}:{account}:snapshot:{id}",
);

const CLUSTER_SNAPSHOT: ResourceKind = ResourceKind::at(
    "DbClusterSnapshot",
    &["dBClusterSnapshotIdentifier"],
    "arn:aws:rds:{region}:{account}:cluster-snapshot:{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    INSTANCE: [
        "CreateDBInstance" => database,
        "ModifyDBInstance" => database,
        "RestoreDBInstanceFromDBSnapshot" => database,
        "DeleteDBInstance",
    ],
    CLUSTER: ["CreateDBCluster" => database, "ModifyDBCluster" => database, "DeleteDBCluster"],
    SNAPSHOT: ["ModifyDBSnapshotAttribute" => restore_sharing, "DeleteDBSnapshot"],
    CLUSTER_SNAPSHOT: [
        "ModifyDBClusterSnapshotAttribute" => restore_sharing,
        "DeleteDBClusterSnapshot",
    ],
};

/// `database`: the settings a create or modify call sets; each absent when not set.
fn database(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let mut report = Report::new("database", out);
    let root = Path::root("requestParameters");
    let mut fields = Vec::new();
    for key in [
        "publiclyAccessible",
        "storageEncrypted",
        "deletionProtection",
        "autoMinorVersionUpgrade",
        "multiAZ",
    ] {
        if let Some(on) = report.boolean(&root.key(key), params.get(key)) {
            fields.push((key, Value::Bool(on)));
        }
    }
    let days_at = root.key("backupRetentionPeriod");
    if let Some(days) = report.integer(&days_at, params.get("backupRetentionPeriod"), 0..=35) {
        fields.push(("backupRetentionPeriod", Value::Long(days)));
    }
    fact("database", fields)
}

/// `access`: the accounts a `ModifyDB(Cluster)SnapshotAttribute` adds to the snapshot's
/// `restore` attribute (`all` makes it public). No fact for another attribute.
fn restore_sharing(input: &Input<'_>, out: &mut Vec<Malformed>) -> Vec<(String, Value)> {
    let params = input.params;
    let mut report = Report::new("access", out);
    let root = Path::root("requestParameters");
    let name = report.string(&root.key("attributeName"), params.get("attributeName"));
    if name.is_some_and(|n| !n.eq_ignore_ascii_case("restore")) {
        return Vec::new();
    }
    let mut access = Access::new(input);
    let added = report.strings(&root.key("valuesToAdd"), params.get("valuesToAdd"));
    for value in added {
        if value.eq_ignore_ascii_case("all") {
            access.anyone();
        } else {
            access.account(value);
        }
    }
    access.fact()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use crate::model::malformed::derive;
    use serde_json::json;

    #[test]
    fn snapshots_shared_with_all_or_another_account_are_outside() {
        let (facts, found) = derive(
            restore_sharing,
            json!({"dBSnapshotIdentifier": "s", "attributeName": "restore", "valuesToAdd": ["all"]}),
        );
        assert!(found.is_empty());
        assert_eq!(facts[0].1.to_json()["public"], json!(true));
        let (facts, _) = derive(
            restore_sharing,
            json!({"attributeName": "restore", "valuesToAdd": ["444455556666"]}),
        );
        assert_eq!(
            facts[0].1.to_json()["outsideAccounts"],
            json!(["444455556666"])
        );
        let (_, found) = derive(restore_sharing, json!({"valuesToAdd": "all"}));
        assert!(found.is_empty(), "one value written alone is a list of one");
    }

    #[test]
    fn database_settings_are_present_only_when_set() {
        let (facts, found) = derive(
            database,
            json!({"dBInstanceIdentifier": "d", "publiclyAccessible": true, "backupRetentionPeriod": 0}),
        );
        assert!(found.is_empty());
        assert_eq!(
            facts[0].1.to_json(),
            json!({"publiclyAccessible": true, "backupRetentionPeriod": 0})
        );
        let (_, found) = derive(database, json!({"publiclyAccessible": "maybe"}));
        assert_eq!(found.len(), 1);
    }
}
