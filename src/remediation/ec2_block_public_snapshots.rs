//! `ec2-block-public-snapshots`: turn block public access for EBS snapshots back on.
//!
//! Why: with the block off, any snapshot in the region can be made public (shared with
//! `all`), and a public snapshot is a copy of the disk for anyone; the block is the region's
//! guard against one wrong `ModifySnapshotAttribute`.
//! Trigger: `ec2:DisableSnapshotBlockPublicAccess` (policy
//! `ec2-snapshot-block-public-access-disabled`).
//! What: the state the revert sets is `block-new-sharing`, not `block-all-sharing`: the event
//! does not say which state was disabled, and `block-new-sharing` is the least disruptive one
//! that closes the hole. It stops any snapshot from being made public from now on but leaves
//! snapshots already public as they are (they are `ec2-make-snapshot-private`'s, each with its
//! own event), whereas `block-all-sharing` would also hide every snapshot that is public
//! today, breaking whoever restores from one (an AMI pipeline, a partner) without a record of
//! which. A state that is either block is compliant and left as it is.
//! Calls: `GetSnapshotBlockPublicAccessState`; if `unblocked`,
//! `EnableSnapshotBlockPublicAccess` (`block-new-sharing`);
//! `GetSnapshotBlockPublicAccessState` to verify. The setting is the region's: nothing can be
//! gone.
//!
//! ```cedar
//! @remediation("ec2-block-public-snapshots")
//! forbid (principal, action == Aws::Action::"ec2:DisableSnapshotBlockPublicAccess",
//!     resource is Aws::SnapshotBlockPublicAccess);
//! ```

use super::prelude::*;

remediation! {
    BlockPublicSnapshots {
        name: "ec2-block-public-snapshots",
        service: "ec2",
        iam: &["ec2:GetSnapshotBlockPublicAccessState", "ec2:EnableSnapshotBlockPublicAccess"],
    }
    plan: |p| p.resource("SnapshotBlockPublicAccess", |region| {
        format!("block new public sharing of EBS snapshots in `{region}` (block-new-sharing)")
    }),
    revert: |_plan, aws| {
        let ec2 = aws.ec2();
        read: || setting(ec2.snapshot_block_public_access()),
        still_wrong: |state| {
            (!state.starts_with("block-"))
                .then(|| format!("block public access for snapshots is still `{state}`"))
        },
        act: |_| ec2.block_new_snapshot_sharing(),
    },
}
