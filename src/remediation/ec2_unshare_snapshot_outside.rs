//! `ec2-unshare-snapshot-outside`: stop sharing an EBS snapshot with the accounts outside the
//! organization that a call shared it with.
//!
//! Why: an account that can create a volume from a snapshot can read all its data; sharing
//! belongs inside the organization, or with accounts the pack trusts (`snapback:trusted`).
//! Trigger: `ec2:ModifySnapshotAttribute` adding outside accounts to `createVolumePermission`
//! (policy `ec2-snapshot-shared-outside`).
//! What: the plan keeps the outside accounts this call added (the `access` fact's
//! `outsideAccounts`). Apply takes only those off the create-volume permission; accounts of
//! the organization, trusted ones, accounts shared with later and the group `all` (the revert
//! of `ec2-snapshot-public`) are kept.
//! Calls: `DescribeSnapshotAttribute` (`createVolumePermission`); if a planned account is
//! still there, `ModifySnapshotAttribute` removing those accounts;
//! `DescribeSnapshotAttribute` to verify. A deleted snapshot is a no-op.
//!
//! ```cedar
//! @remediation("ec2-unshare-snapshot-outside")
//! forbid (principal, action == Aws::Action::"ec2:ModifySnapshotAttribute", resource is Aws::Snapshot)
//! when { context has access && !context.access.outsideAccounts.isEmpty() };
//! ```

use super::outside::Outside;
use super::prelude::*;

remediation! {
    UnshareSnapshotOutside {
        name: "ec2-unshare-snapshot-outside",
        service: "ec2",
        iam: &["ec2:DescribeSnapshotAttribute", "ec2:ModifySnapshotAttribute"],
    }
    plan: |p| {
        let snapshot = p.target("Snapshot")?;
        let outside = Outside::of_sharing(&p, "snapshot")?;
        let summary = format!("stop sharing snapshot `{snapshot}` with {}", outside.listed());
        let args = serde_json::to_value(outside).map_err(|e| p.error(e.to_string()))?;
        Ok(p.plan(args, summary))
    },
    revert: |plan, aws, args: Outside| {
        let (snapshot, ec2, outside) = (plan.resource.as_str(), aws.ec2(), &args);
        read: || async move {
            Ok(ec2.snapshot_sharing(snapshot).await?.map(|s| outside.among(&s.accounts)))
        },
        still_wrong: |shared| {
            (!shared.is_empty()).then(|| format!("snapshot `{snapshot}` is still shared outside"))
        },
        act: |shared| async move { ec2.unshare_snapshot_with(snapshot, &shared).await },
    },
}

#[cfg(test)]
mod tests {
    use super::super::Remediation;
    use super::super::tests::ec2_plan;
    use super::*;
    use serde_json::json;

    #[test]
    fn the_plan_keeps_the_outside_accounts_only() {
        let params = json!({"snapshotId": "snap-1", "createVolumePermission": {"add": {"items": [
            {"userId": "123456789012"}, {"userId": "210987654321"}, {"group": "all"}]}}});
        let plan = ec2_plan(&UnshareSnapshotOutside, "ModifySnapshotAttribute", params).unwrap();
        assert_eq!(plan.resource, "snap-1");
        assert_eq!(plan.args, json!({"outsideAccounts": ["210987654321"]}));

        let public = json!({"snapshotId": "snap-1", "createVolumePermission": {"add": {"items": [{"group": "all"}]}}});
        let err = ec2_plan(&UnshareSnapshotOutside, "ModifySnapshotAttribute", public).unwrap_err();
        assert!(err.message.contains("no outside account"), "{err}");
        assert_eq!(
            UnshareSnapshotOutside.name(),
            "ec2-unshare-snapshot-outside"
        );
    }
}
