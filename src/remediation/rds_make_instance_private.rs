//! `rds-make-instance-private`: make a publicly accessible DB instance private again.
//!
//! Why: a publicly accessible instance gets a DNS name that resolves to a public address, so
//! the database listens on the internet wherever its security groups let anyone in (AWS FSBP
//! RDS.2, CIS 2.3.3).
//! Trigger: `rds:CreateDBInstance`, `ModifyDBInstance` or `RestoreDBInstanceFromDBSnapshot`
//! with `publiclyAccessible: true` (policy `rds-instance-public`).
//! Calls: `DescribeDBInstances`; if the instance is publicly accessible, `ModifyDBInstance`
//! with `PubliclyAccessible=false` and `ApplyImmediately=true` (nothing else; changes pending
//! for the maintenance window are applied with it, as AWS does for any immediate change);
//! `DescribeDBInstances` to verify. An instance that is gone is a no-op. An instance still
//! being created (or otherwise busy) refuses the change with `InvalidDBInstanceState`, which
//! is transient and retried; a change AWS has not finished when read back is retried too.
//!
//! ```cedar
//! @remediation("rds-make-instance-private")
//! forbid (principal, action in [Aws::Action::"rds:CreateDBInstance",
//!     Aws::Action::"rds:ModifyDBInstance"], resource is Aws::DbInstance)
//! when { context has database && context.database has publiclyAccessible
//!     && context.database.publiclyAccessible };
//! ```

use super::prelude::*;

remediation! {
    MakeInstancePrivate {
        name: "rds-make-instance-private",
        service: "rds",
        iam: &["rds:DescribeDBInstances", "rds:ModifyDBInstance"],
    }
    plan: |p| p.resource("DbInstance", |instance| {
        format!("make DB instance `{instance}` not publicly accessible")
    }),
    revert: |plan, aws| {
        let (instance, rds) = (plan.resource.as_str(), aws.rds());
        read: || rds.instance(instance),
        still_wrong: |db| {
            db.publicly_accessible
                .then(|| format!("DB instance `{instance}` is still publicly accessible"))
        },
        act: |_| rds.make_instance_private(instance),
    },
}
