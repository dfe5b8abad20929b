//! `ec2-make-snapshot-private`: stop sharing an EBS snapshot with everyone.
//!
//! Why: a public snapshot lets any AWS account create a volume from it and read the data.
//! Trigger: `ec2:ModifySnapshotAttribute` adding the `all` group to `createVolumePermission`
//! (policy `ec2-snapshot-public`).
//! Calls: `DescribeSnapshotAttribute` (`createVolumePermission`); if the `all` group is there,
//! `ModifySnapshotAttribute` removing only that group; `DescribeSnapshotAttribute` to verify.
//! Shares with named accounts are kept. A deleted snapshot is a no-op.
//!
//! ```cedar
//! @remediation("ec2-make-snapshot-private")
//! forbid (principal, action == Aws::Action::"ec2:ModifySnapshotAttribute", resource is Aws::Snapshot)
//! when { context has sharing && context.sharing.public };
//! ```

use super::prelude::*;

remediation! {
    MakeSnapshotPrivate {
        name: "ec2-make-snapshot-private",
        service: "ec2",
        iam: &["ec2:DescribeSnapshotAttribute", "ec2:ModifySnapshotAttribute"],
    }
    plan: |p| p.resource("Snapshot", |snapshot| {
        format!("stop sharing snapshot `{snapshot}` with everyone (group `all`)")
    }),
    revert: |plan, aws| {
        let (snapshot, ec2) = (plan.resource.as_str(), aws.ec2());
        read: || ec2.snapshot_sharing(snapshot),
        still_wrong: |s| s.public.then(|| "the snapshot is still public".into()),
        act: |_| ec2.unshare_snapshot(snapshot),
    },
}
