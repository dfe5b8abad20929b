//! `ec2-make-image-private`: stop sharing an AMI with everyone.
//!
//! Why: a public AMI lets any AWS account launch it, and whatever was baked into it (keys,
//! configuration, data) goes with it.
//! Trigger: `ec2:ModifyImageAttribute` adding the `all` group to `launchPermission` (policy
//! `ec2-ami-public`).
//! Calls: `DescribeImageAttribute` (`launchPermission`); if the `all` group is there,
//! `ModifyImageAttribute` removing only that group; `DescribeImageAttribute` to verify. Shares
//! with named accounts are kept. A deregistered image is a no-op.
//! IAM: `ec2:DescribeImageAttribute`, `ec2:ModifyImageAttribute`.
//!
//! ```cedar
//! @remediation("ec2-make-image-private")
//! forbid (principal, action == Aws::Action::"ec2:ModifyImageAttribute", resource is Aws::Image)
//! when { context has sharing && context.sharing.public };
//! ```

use super::prelude::*;

pub struct MakeImagePrivate;

impl Remediation for MakeImagePrivate {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "ec2-make-image-private",
            service: "ec2",
            iam_actions: &["ec2:DescribeImageAttribute", "ec2:ModifyImageAttribute"],
        }
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        plan_target(self.name(), request, "Image", |image| {
            format!("stop sharing image `{image}` with everyone (group `all`)")
        })
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let (image, ec2) = (plan.resource.as_str(), aws.ec2());
        revert(
            aws,
            move || ec2.image_sharing(image),
            move |s| s.public.then(|| "the image is still public".into()),
            move |_| ec2.unshare_image(image),
        )
    }
}
