//! `rds-unshare-snapshot-outside`: stop sharing a DB or cluster snapshot with the accounts
//! outside the organization (or everyone) a call shared it with.
//!
//! Why: an account that may restore a snapshot gets a full copy of the database, every row
//! of it; shared with `all`, that is anyone with an AWS account (AWS FSBP RDS.1, RDS.4).
//! Trigger: `rds:ModifyDBSnapshotAttribute` or `rds:ModifyDBClusterSnapshotAttribute` adding
//! values to the `restore` attribute, whose `access` is outside (policy
//! `rds-snapshot-shared-outside`).
//! What: the plan keeps the values the call added that are outside: the `access` fact's
//! `outsideAccounts`, and `all` when the call made the snapshot public. Accounts of the
//! organization, trusted accounts, and any account shared before or by another call stay.
//! Calls: `DescribeDBSnapshotAttributes` (or `DescribeDBClusterSnapshotAttributes`); if one
//! of those values is still there, `ModifyDBSnapshotAttribute` (or
//! `ModifyDBClusterSnapshotAttribute`) with `ValuesToRemove` = those still there; the same
//! read to verify. A snapshot that is gone is a no-op.
//!
//! ```cedar
//! @remediation("rds-unshare-snapshot-outside")
//! forbid (principal, action in [Aws::Action::"rds:ModifyDBSnapshotAttribute",
//!     Aws::Action::"rds:ModifyDBClusterSnapshotAttribute"], resource)
//! when { context has access && context.access.outside };
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::outside::Outside;
use super::prelude::*;

/// The plan's arguments: which kind of snapshot, and the values to take off `restore`.
#[derive(Debug, Serialize, Deserialize)]
struct Args {
    cluster: bool,
    values: Vec<String>,
}

/// The planned values still among `current`, as `current` spells them.
fn still_shared(values: &[String], current: &[String]) -> Vec<String> {
    let planned = |c: &&String| values.iter().any(|v| v.eq_ignore_ascii_case(c));
    current.iter().filter(planned).cloned().collect()
}

remediation! {
    UnshareSnapshotOutside {
        name: "rds-unshare-snapshot-outside",
        service: "rds",
        iam: &[
            "rds:DescribeDBSnapshotAttributes",
            "rds:ModifyDBSnapshotAttribute",
            "rds:DescribeDBClusterSnapshotAttributes",
            "rds:ModifyDBClusterSnapshotAttribute",
        ],
    }
    plan: |p| {
        let uid = &p.request.resource.uid;
        let cluster = match uid.ty {
            "DbSnapshot" => false,
            "DbClusterSnapshot" => true,
            _ => return Err(p.error("the event names no DB or cluster snapshot")),
        };
        let mut values = Outside::of(&p)?.accounts;
        let added = p.event.request_parameters().and_then(|m| m.get("valuesToAdd"));
        let public = match added {
            Some(Json::Array(items)) => items.iter().filter_map(Json::as_str).any(is_all),
            Some(Json::String(one)) => is_all(one),
            _ => false,
        };
        if public {
            values.push("all".to_owned());
        }
        if values.is_empty() {
            return Err(p.error("the event shares the snapshot with no outside account"));
        }
        let kind = if cluster { "cluster snapshot" } else { "DB snapshot" };
        let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        let summary = format!("stop sharing {kind} `{}` with {}", uid.id, listed.join(", "));
        let args = serde_json::to_value(Args { cluster, values }).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Args| {
        let (snapshot, rds, cluster) = (plan.resource.as_str(), aws.rds(), args.cluster);
        let values = args.values.as_slice();
        read: || async move {
            if cluster {
                rds.cluster_snapshot_restorers(snapshot).await
            } else {
                rds.db_snapshot_restorers(snapshot).await
            }
        },
        still_wrong: |current| {
            let left = still_shared(values, current);
            (!left.is_empty()).then(|| format!("snapshot `{snapshot}` is still shared with {left:?}"))
        },
        act: |current| async move {
            let left = still_shared(values, &current);
            if cluster {
                rds.unshare_cluster_snapshot(snapshot, &left).await
            } else {
                rds.unshare_db_snapshot(snapshot, &left).await
            }
        },
    },
}

/// The `restore` value that makes a snapshot public.
fn is_all(value: &str) -> bool {
    value.eq_ignore_ascii_case("all")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::tests::plan_for;
    use serde_json::json;

    #[test]
    fn the_plan_keeps_the_outside_values_the_call_added() {
        let plan = plan_for(
            &UnshareSnapshotOutside,
            "rds.amazonaws.com",
            "ModifyDBSnapshotAttribute",
            json!({"dBSnapshotIdentifier": "nightly", "attributeName": "restore",
                "valuesToAdd": ["all", "210987654321"]}),
        )
        .unwrap();
        assert_eq!(plan.resource, "nightly");
        assert_eq!(
            plan.args,
            json!({"cluster": false, "values": ["210987654321", "all"]})
        );
        let cluster = plan_for(
            &UnshareSnapshotOutside,
            "rds.amazonaws.com",
            "ModifyDBClusterSnapshotAttribute",
            json!({"dBClusterSnapshotIdentifier": "c", "attributeName": "restore",
                "valuesToAdd": "777766665555"}),
        )
        .unwrap();
        assert_eq!(
            cluster.args,
            json!({"cluster": true, "values": ["777766665555"]})
        );
    }

    #[test]
    fn only_planned_values_still_there_are_removed() {
        let planned = ["all".to_owned(), "210987654321".to_owned()];
        let current = ["ALL".to_owned(), "111122223333".to_owned()];
        assert_eq!(still_shared(&planned, &current), ["ALL"]);
        assert!(still_shared(&planned, &["111122223333".to_owned()]).is_empty());
    }
}
