//! `ec2-make-image-private`: stop sharing an AMI with everyone.
//!
//! Why: a public AMI lets any AWS account launch it, and whatever was baked into it (keys,
//! configuration, data) goes with it.
//! Trigger: `ec2:ModifyImageAttribute` adding the `all` group to `launchPermission` (policy
//! `ec2-ami-public`).
//! Calls: `DescribeImageAttribute` (`launchPermission`); if the `all` group is there,
//! `ModifyImageAttribute` removing only that group; `DescribeImageAttribute` to verify. Shares
//! with named accounts are kept. A deregistered image is a no-op.
//!
//! ```cedar
//! @remediation("ec2-make-image-private")
//! forbid (principal, action == Aws::Action::"ec2:ModifyImageAttribute", resource is Aws::Image)
//! when { context has sharing && context.sharing.public };
//! ```

use super::prelude::*;

remediation! {
    MakeImagePrivate {
        name: "ec2-make-image-private",
        service: "ec2",
        iam: &["ec2:DescribeImageAttribute", "ec2:ModifyImageAttribute"],
    }
    plan: |p| p.resource("Image", |image| {
        format!("stop sharing image `{image}` with everyone (group `all`)")
    }),
    revert: |plan, aws| {
        let (image, ec2) = (plan.resource.as_str(), aws.ec2());
        read: || ec2.image_sharing(image),
        still_wrong: |s| s.public.then(|| "the image is still public".into()),
        act: |_| ec2.unshare_image(image),
    },
}
