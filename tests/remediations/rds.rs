//! RDS remediations on moto: snapshot sharing outside the organization, public instances and
//! automatic minor upgrades, through the shipped pack (its RDS policies, run in enforce mode).

use aws_sdk_rds::Client;
use serde_json::json;
use snapback::Event;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

/// Attackers' accounts: neither ours nor trusted.
const OUTSIDE: &str = "210987654321";
const OUTSIDE_TOO: &str = "777766665555";
/// A member of the organization (`policies/entities.json`).
const MEMBER: &str = "111122223333";

async fn rds() -> Client {
    Client::new(&sdk_config().await)
}

fn rds_event(name: &str, params: serde_json::Value) -> Event {
    event("rds.amazonaws.com", name, params)
}

async fn instance(rds: &Client, public: bool) -> String {
    let id = unique("db").to_lowercase();
    rds.create_db_instance()
        .db_instance_identifier(&id)
        .engine("postgres")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-real-password-1")
        .publicly_accessible(public)
        .send()
        .await
        .unwrap();
    id
}

async fn described(rds: &Client, id: &str) -> aws_sdk_rds::types::DbInstance {
    let out = rds
        .describe_db_instances()
        .db_instance_identifier(id)
        .send()
        .await
        .unwrap();
    out.db_instances()[0].clone()
}

async fn is_public(rds: &Client, id: &str) -> bool {
    described(rds, id).await.publicly_accessible().unwrap()
}

/// A DB snapshot of a new instance, shared with `accounts`.
async fn db_snapshot(rds: &Client, accounts: &[&str]) -> String {
    let db = instance(rds, false).await;
    let id = unique("snap").to_lowercase();
    rds.create_db_snapshot()
        .db_snapshot_identifier(&id)
        .db_instance_identifier(db)
        .send()
        .await
        .unwrap();
    let share = rds
        .modify_db_snapshot_attribute()
        .db_snapshot_identifier(&id)
        .attribute_name("restore")
        .set_values_to_add(Some(accounts.iter().map(|a| (*a).to_owned()).collect()));
    share.send().await.unwrap();
    id
}

async fn db_restorers(rds: &Client, id: &str) -> Vec<String> {
    let out = rds
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier(id)
        .send()
        .await
        .unwrap();
    let attributes = out.db_snapshot_attributes_result().unwrap();
    let restore = attributes.db_snapshot_attributes().iter();
    let mut values: Vec<String> = restore
        .filter(|a| a.attribute_name() == Some("restore"))
        .flat_map(|a| a.attribute_values().to_vec())
        .collect();
    values.sort();
    values
}

#[tokio::test]
async fn a_db_snapshot_shared_outside_is_unshared_and_members_kept() {
    let rds = rds().await;
    let id = db_snapshot(&rds, &[MEMBER, OUTSIDE, "all"]).await;
    let other = db_snapshot(&rds, &[OUTSIDE]).await;
    let share = rds_event(
        "ModifyDBSnapshotAttribute",
        json!({"dBSnapshotIdentifier": id, "attributeName": "restore",
            "valuesToAdd": [MEMBER, OUTSIDE, "all"]}),
    );

    let audit = react(&reactor(ModeOverride::Audit).await, &share).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert_eq!(db_restorers(&rds, &id).await, [MEMBER, OUTSIDE, "all"]);

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &share).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "rds:DescribeDBSnapshotAttributes",
            "rds:ModifyDBSnapshotAttribute",
            "rds:DescribeDBSnapshotAttributes"
        ]
    );
    assert_eq!(db_restorers(&rds, &id).await, [MEMBER]);
    assert_eq!(
        db_restorers(&rds, &other).await,
        [OUTSIDE],
        "another snapshot was not touched"
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &share).await),
        "noop",
        "a second delivery"
    );
}

#[tokio::test]
async fn an_account_shared_by_another_call_is_kept() {
    let rds = rds().await;
    let id = db_snapshot(&rds, &[OUTSIDE, OUTSIDE_TOO]).await;
    let share = rds_event(
        "ModifyDBSnapshotAttribute",
        json!({"dBSnapshotIdentifier": id, "attributeName": "restore", "valuesToAdd": [OUTSIDE]}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &share).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(db_restorers(&rds, &id).await, [OUTSIDE_TOO]);
}

#[tokio::test]
async fn a_cluster_snapshot_shared_outside_is_unshared() {
    let rds = rds().await;
    let cluster = unique("cluster").to_lowercase();
    rds.create_db_cluster()
        .db_cluster_identifier(&cluster)
        .engine("aurora-postgresql")
        .master_username("admin")
        .master_user_password("not-a-real-password-1")
        .send()
        .await
        .unwrap();
    let id = unique("csnap").to_lowercase();
    rds.create_db_cluster_snapshot()
        .db_cluster_snapshot_identifier(&id)
        .db_cluster_identifier(&cluster)
        .send()
        .await
        .unwrap();
    rds.modify_db_cluster_snapshot_attribute()
        .db_cluster_snapshot_identifier(&id)
        .attribute_name("restore")
        .values_to_add(OUTSIDE)
        .values_to_add(MEMBER)
        .send()
        .await
        .unwrap();
    let share = rds_event(
        "ModifyDBClusterSnapshotAttribute",
        json!({"dBClusterSnapshotIdentifier": id, "attributeName": "restore",
            "valuesToAdd": [OUTSIDE, MEMBER]}),
    );
    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &share).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "rds:DescribeDBClusterSnapshotAttributes",
            "rds:ModifyDBClusterSnapshotAttribute",
            "rds:DescribeDBClusterSnapshotAttributes"
        ]
    );
    let out = rds
        .describe_db_cluster_snapshot_attributes()
        .db_cluster_snapshot_identifier(&id)
        .send()
        .await
        .unwrap();
    let attributes = out.db_cluster_snapshot_attributes_result().unwrap();
    let values: Vec<&String> = attributes
        .db_cluster_snapshot_attributes()
        .iter()
        .filter(|a| a.attribute_name() == Some("restore"))
        .flat_map(|a| a.attribute_values())
        .collect();
    assert_eq!(values, [MEMBER]);
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &share).await),
        "noop",
        "a second delivery"
    );
}

#[tokio::test]
async fn a_deleted_snapshot_is_a_noop() {
    let share = rds_event(
        "ModifyDBSnapshotAttribute",
        json!({"dBSnapshotIdentifier": unique("gone").to_lowercase(), "attributeName": "restore",
            "valuesToAdd": ["all"]}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &share).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}

#[tokio::test]
async fn a_public_instance_is_made_private() {
    let rds = rds().await;
    let (id, other) = (instance(&rds, true).await, instance(&rds, true).await);
    let modify = rds_event(
        "ModifyDBInstance",
        json!({"dBInstanceIdentifier": id, "publiclyAccessible": true, "applyImmediately": true}),
    );

    let audit = react(&reactor(ModeOverride::Audit).await, &modify).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert!(is_public(&rds, &id).await, "audit mode must change nothing");

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &modify).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "rds:DescribeDBInstances",
            "rds:ModifyDBInstance",
            "rds:DescribeDBInstances"
        ]
    );
    assert!(!is_public(&rds, &id).await);
    assert!(
        is_public(&rds, &other).await,
        "another instance was not touched"
    );
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &modify).await),
        "noop",
        "a second delivery"
    );
}

#[tokio::test]
async fn a_deleted_instance_is_a_noop() {
    let create = rds_event(
        "CreateDBInstance",
        json!({"dBInstanceIdentifier": unique("gone").to_lowercase(), "publiclyAccessible": true}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &create).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}

async fn auto_minor_upgrade(rds: &Client, id: &str) -> bool {
    described(rds, id)
        .await
        .auto_minor_version_upgrade()
        .unwrap()
}

/// The shipped policy `rds-auto-minor-upgrade-disabled` names the revert.
#[tokio::test]
async fn automatic_minor_upgrades_are_turned_on_again() {
    let rds = rds().await;
    let (id, other) = (instance(&rds, false).await, instance(&rds, false).await);
    for db in [&id, &other] {
        rds.modify_db_instance()
            .db_instance_identifier(db)
            .auto_minor_version_upgrade(false)
            .send()
            .await
            .unwrap();
    }
    let modify = rds_event(
        "ModifyDBInstance",
        json!({"dBInstanceIdentifier": id, "autoMinorVersionUpgrade": false}),
    );

    let audit = react(&reactor(ModeOverride::Audit).await, &modify).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert!(
        !auto_minor_upgrade(&rds, &id).await,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &modify).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "rds:DescribeDBInstances",
            "rds:ModifyDBInstance",
            "rds:DescribeDBInstances"
        ]
    );
    assert!(auto_minor_upgrade(&rds, &id).await);
    assert!(
        !auto_minor_upgrade(&rds, &other).await,
        "another instance was not touched"
    );
    let again = react(&reactor(ModeOverride::Enforce).await, &modify).await;
    assert_eq!(status(&again), "noop", "a second delivery: {again:?}");

    let gone = rds_event(
        "CreateDBInstance",
        json!({"dBInstanceIdentifier": unique("gone").to_lowercase(), "autoMinorVersionUpgrade": false}),
    );
    let record = react(&reactor(ModeOverride::Enforce).await, &gone).await;
    assert_eq!(
        status(&record),
        "noop",
        "an instance that is gone: {record:?}"
    );
}
