//! `rds-enable-auto-minor-upgrade`: turn automatic minor version upgrades on again for a DB
//! instance.
//!
//! Why: minor engine versions carry the security fixes; an instance that no longer takes them
//! automatically keeps known vulnerabilities until someone remembers (CIS 2.3.2, AWS FSBP
//! RDS.13).
//! Trigger: `rds:CreateDBInstance` or `ModifyDBInstance` with `autoMinorVersionUpgrade: false`
//! (policy `rds-auto-minor-upgrade-disabled`).
//! Calls: `DescribeDBInstances`; if upgrades are off, `ModifyDBInstance` with
//! `AutoMinorVersionUpgrade=true` and nothing else (the setting takes effect without
//! `ApplyImmediately`, so changes pending for the maintenance window stay pending);
//! `DescribeDBInstances` to verify. An instance that is gone is a no-op; one still being
//! created refuses the change with `InvalidDBInstanceState`, which is retried.
//!
//! ```cedar
//! @remediation("rds-enable-auto-minor-upgrade")
//! forbid (principal, action in [Aws::Action::"rds:CreateDBInstance",
//!     Aws::Action::"rds:ModifyDBInstance"], resource is Aws::DbInstance)
//! when { context has database && context.database has autoMinorVersionUpgrade
//!     && !context.database.autoMinorVersionUpgrade };
//! ```

use super::prelude::*;

remediation! {
    EnableAutoMinorUpgrade {
        name: "rds-enable-auto-minor-upgrade",
        service: "rds",
        iam: &["rds:DescribeDBInstances", "rds:ModifyDBInstance"],
    }
    plan: |p| p.resource("DbInstance", |instance| {
        format!("turn automatic minor version upgrades on for DB instance `{instance}`")
    }),
    revert: |plan, aws| {
        let (instance, rds) = (plan.resource.as_str(), aws.rds());
        read: || rds.instance(instance),
        still_wrong: |db| {
            (!db.auto_minor_version_upgrade)
                .then(|| format!("DB instance `{instance}` still does not upgrade minor versions"))
        },
        act: |_| rds.enable_auto_minor_upgrade(instance),
    },
}
