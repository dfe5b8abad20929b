//! `ec2-block-public-images`: turn block public access for AMIs back on.
//!
//! Why: with the block off, any AMI in the region can be made public, and a public image hands
//! out its disks (code, configuration, whatever secrets were baked in) to every AWS account.
//! Trigger: `ec2:DisableImageBlockPublicAccess` (policy
//! `ec2-image-block-public-access-disabled`).
//! What: the state the revert sets is `block-new-sharing`, the only state the API offers: it
//! stops any AMI from being made public from now on; AMIs already public stay so (they are
//! `ec2-make-image-private`'s, each with its own event).
//! Calls: `GetImageBlockPublicAccessState`; if `unblocked`, `EnableImageBlockPublicAccess`
//! (`block-new-sharing`); `GetImageBlockPublicAccessState` to verify. The setting is the
//! region's: nothing can be gone. AWS may take a few minutes to show the new state; until it
//! does the read back fails as transient and the revert is retried.
//!
//! ```cedar
//! @remediation("ec2-block-public-images")
//! forbid (principal, action == Aws::Action::"ec2:DisableImageBlockPublicAccess",
//!     resource is Aws::ImageBlockPublicAccess);
//! ```

use super::prelude::*;

remediation! {
    BlockPublicImages {
        name: "ec2-block-public-images",
        service: "ec2",
        iam: &["ec2:GetImageBlockPublicAccessState", "ec2:EnableImageBlockPublicAccess"],
    }
    plan: |p| p.resource("ImageBlockPublicAccess", |region| {
        format!("block new public sharing of AMIs in `{region}` (block-new-sharing)")
    }),
    revert: |_plan, aws| {
        let ec2 = aws.ec2();
        read: || setting(ec2.image_block_public_access()),
        still_wrong: |state| {
            (!state.starts_with("block-"))
                .then(|| format!("block public access for AMIs is still `{state}`"))
        },
        act: |_| ec2.block_new_image_sharing(),
    },
}
