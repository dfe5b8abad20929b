//! RDS calls the remediations make: who may restore a DB or cluster snapshot (its `restore`
//! attribute) and taking accounts off it, and whether a DB instance is publicly accessible.

use super::error::{found, sent};
use super::{ApiError, ErrorKind, capability};

/// The snapshot attribute that lists the accounts (or `all`) that may restore it.
const RESTORE: &str = "restore";

/// An instance in a state that cannot be modified yet (being created, backed up, modified):
/// transient, for the state passes and a retry may go through.
fn busy(mut err: ApiError) -> ApiError {
    if err.code.as_deref() == Some("InvalidDBInstanceState") {
        err.kind = ErrorKind::Transient;
    }
    err
}

/// The values of the `restore` attribute among `(name, values)` pairs.
fn restore_values<'v>(
    attributes: impl Iterator<Item = (Option<&'v str>, &'v [String])>,
) -> Vec<String> {
    attributes
        .filter(|(name, _)| name.is_some_and(|n| n.eq_ignore_ascii_case(RESTORE)))
        .flat_map(|(_, values)| values.iter().cloned())
        .collect()
}

/// What the remediations read of a DB instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbInstance {
    pub publicly_accessible: bool,
    pub auto_minor_version_upgrade: bool,
}

capability! {
    /// The RDS calls of the snapshot sharing and public instance remediations.
    pub trait RdsOps(rds) for aws_sdk_rds::Client {
        /// The accounts (and `all`) that may restore the DB snapshot, or None when it is gone.
        fn db_snapshot_restorers<'a>(&'a self, snapshot: &'a str) -> Option<Vec<String>>
            = "rds:DescribeDBSnapshotAttributes", |call| {
            let read = self.describe_db_snapshot_attributes().db_snapshot_identifier(snapshot);
            let out = found(call, read.send().await, &[])?;
            Ok(out.map(|o| {
                let attributes = o.db_snapshot_attributes_result().map(|r| r.db_snapshot_attributes());
                restore_values(
                    attributes.unwrap_or_default().iter().map(|a| (a.attribute_name(), a.attribute_values())),
                )
            }))
        }

        /// Take `values` (accounts, `all`) off the DB snapshot's `restore` attribute.
        fn unshare_db_snapshot<'a>(&'a self, snapshot: &'a str, values: &'a [String])
            -> () = "rds:ModifyDBSnapshotAttribute", |call| {
            let modify = self
                .modify_db_snapshot_attribute()
                .db_snapshot_identifier(snapshot)
                .attribute_name(RESTORE)
                .set_values_to_remove(Some(values.to_vec()));
            sent(call, modify.send().await).map(drop)
        }

        /// The accounts (and `all`) that may restore the cluster snapshot, or None when it is
        /// gone.
        fn cluster_snapshot_restorers<'a>(&'a self, snapshot: &'a str) -> Option<Vec<String>>
            = "rds:DescribeDBClusterSnapshotAttributes", |call| {
            let read = self
                .describe_db_cluster_snapshot_attributes()
                .db_cluster_snapshot_identifier(snapshot);
            let out = found(call, read.send().await, &[])?;
            Ok(out.map(|o| {
                let attributes = o
                    .db_cluster_snapshot_attributes_result()
                    .map(|r| r.db_cluster_snapshot_attributes());
                restore_values(
                    attributes.unwrap_or_default().iter().map(|a| (a.attribute_name(), a.attribute_values())),
                )
            }))
        }

        /// Take `values` (accounts, `all`) off the cluster snapshot's `restore` attribute.
        fn unshare_cluster_snapshot<'a>(&'a self, snapshot: &'a str, values: &'a [String])
            -> () = "rds:ModifyDBClusterSnapshotAttribute", |call| {
            let modify = self
                .modify_db_cluster_snapshot_attribute()
                .db_cluster_snapshot_identifier(snapshot)
                .attribute_name(RESTORE)
                .set_values_to_remove(Some(values.to_vec()));
            sent(call, modify.send().await).map(drop)
        }

        /// The DB instance's settings the remediations revert, or None when it is gone.
        fn instance<'a>(&'a self, instance: &'a str) -> Option<DbInstance>
            = "rds:DescribeDBInstances", |call| {
            let read = self.describe_db_instances().db_instance_identifier(instance);
            let out = found(call, read.send().await, &[])?;
            Ok(out.and_then(|o| {
                o.db_instances()
                    .iter()
                    .find(|i| i.db_instance_identifier().is_some_and(|id| id.eq_ignore_ascii_case(instance)))
                    .map(|i| DbInstance {
                        publicly_accessible: i.publicly_accessible().unwrap_or(false),
                        auto_minor_version_upgrade: i.auto_minor_version_upgrade().unwrap_or(false),
                    })
            }))
        }

        /// Make the DB instance not publicly accessible, applied now rather than in the next
        /// maintenance window; nothing else is modified. An instance busy being created or
        /// modified is refused as transient.
        fn make_instance_private<'a>(&'a self, instance: &'a str)
            -> () = "rds:ModifyDBInstance", |call| {
            let modify = self
                .modify_db_instance()
                .db_instance_identifier(instance)
                .publicly_accessible(false)
                .apply_immediately(true);
            sent(call, modify.send().await).map(drop).map_err(busy)
        }

        /// Turn automatic minor version upgrades on again; nothing else is modified, and
        /// changes pending for the maintenance window stay pending (this setting takes effect
        /// without `ApplyImmediately`).
        fn enable_auto_minor_upgrade<'a>(&'a self, instance: &'a str)
            -> () = "rds:ModifyDBInstance", |call| {
            let modify = self
                .modify_db_instance()
                .db_instance_identifier(instance)
                .auto_minor_version_upgrade(true);
            sent(call, modify.send().await).map(drop).map_err(busy)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_restore_attribute_is_read() {
        let restore = vec!["all".to_owned(), "210987654321".to_owned()];
        let other = vec!["x".to_owned()];
        let values = restore_values(
            [
                (Some("restore"), restore.as_slice()),
                (Some("other"), other.as_slice()),
                (None, other.as_slice()),
            ]
            .into_iter(),
        );
        assert_eq!(values, restore);
    }

    #[test]
    fn a_busy_instance_is_transient() {
        let mut err = ApiError::new("rds:ModifyDBInstance", ErrorKind::Rejected, "creating");
        err.code = Some("InvalidDBInstanceState".into());
        assert!(busy(err).retryable());
        let other = ApiError::new("rds:ModifyDBInstance", ErrorKind::Rejected, "no");
        assert!(!busy(other).retryable());
    }
}
