//! `ec2-make-snapshot-private`: stop sharing an EBS snapshot with everyone.
//!
//! Why: a public snapshot lets any AWS account create a volume from it and read the data.
//! Trigger: `ec2:ModifySnapshotAttribute` adding the `all` group to `createVolumePermission`
//! (policy `ec2-snapshot-public`).
//! Calls: `DescribeSnapshotAttribute` (`createVolumePermission`); if the `all` group is there,
//! `ModifySnapshotAttribute` removing only that group; `DescribeSnapshotAttribute` to verify.
//! Shares with named accounts are kept. A deleted snapshot is a no-op.
//! IAM: `ec2:DescribeSnapshotAttribute`, `ec2:ModifySnapshotAttribute`.
//!
//! ```cedar
//! @remediation("ec2-make-snapshot-private")
//! forbid (principal, action == Aws::Action::"ec2:ModifySnapshotAttribute", resource is Aws::Snapshot)
//! when { context has sharing && context.sharing.public };
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct MakeSnapshotPrivate;

impl Remediation for MakeSnapshotPrivate {
    fn name(&self) -> &'static str {
        "ec2-make-snapshot-private"
    }

    fn service(&self) -> &'static str {
        "ec2"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "ec2:DescribeSnapshotAttribute",
            "ec2:ModifySnapshotAttribute",
        ]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let snapshot = target(self.name(), request, "Snapshot")?;
        let summary = format!("stop sharing snapshot `{snapshot}` with everyone (group `all`)");
        Ok(plan(self.name(), request, serde_json::json!({}), summary))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let snapshot = plan.resource.as_str();
            calls.push("ec2:DescribeSnapshotAttribute".into());
            match aws.ec2_snapshot_sharing(snapshot).await? {
                Some(s) if s.public => {}
                _ => return Ok(Status::Noop),
            }
            calls.push("ec2:ModifySnapshotAttribute".into());
            match aws.ec2_unshare_snapshot_publicly(snapshot).await {
                Err(err) if err.is_not_found() => return Ok(Status::Noop),
                other => other?,
            }
            calls.push("ec2:DescribeSnapshotAttribute".into());
            match aws.ec2_snapshot_sharing(snapshot).await? {
                Some(s) if s.public => Err(unverified(
                    "ec2:DescribeSnapshotAttribute",
                    "the snapshot is still public",
                )),
                Some(_) => Ok(Status::Applied),
                None => Ok(Status::Noop),
            }
        })
    }
}
