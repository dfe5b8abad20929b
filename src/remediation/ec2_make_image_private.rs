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

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct MakeImagePrivate;

impl Remediation for MakeImagePrivate {
    fn name(&self) -> &'static str {
        "ec2-make-image-private"
    }

    fn service(&self) -> &'static str {
        "ec2"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["ec2:DescribeImageAttribute", "ec2:ModifyImageAttribute"]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let image = target(self.name(), request, "Image")?;
        let summary = format!("stop sharing image `{image}` with everyone (group `all`)");
        Ok(plan(self.name(), request, serde_json::json!({}), summary))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let image = plan.resource.as_str();
            calls.push("ec2:DescribeImageAttribute".into());
            match aws.ec2_image_sharing(image).await? {
                Some(s) if s.public => {}
                _ => return Ok(Status::Noop),
            }
            calls.push("ec2:ModifyImageAttribute".into());
            match aws.ec2_unshare_image_publicly(image).await {
                Err(err) if err.is_not_found() => return Ok(Status::Noop),
                other => other?,
            }
            calls.push("ec2:DescribeImageAttribute".into());
            match aws.ec2_image_sharing(image).await? {
                Some(s) if s.public => Err(unverified(
                    "ec2:DescribeImageAttribute",
                    "the image is still public",
                )),
                Some(_) => Ok(Status::Applied),
                None => Ok(Status::Noop),
            }
        })
    }
}
