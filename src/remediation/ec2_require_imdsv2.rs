//! `ec2-require-imdsv2`: make an instance require IMDSv2 session tokens again.
//!
//! Why: IMDSv1 answers any local request, so an SSRF bug in an application on the instance is
//! enough to steal its role's credentials (CIS 5.6).
//! Trigger: `ec2:ModifyInstanceMetadataOptions` with `httpTokens` `optional` (policy
//! `ec2-imdsv1-enabled`).
//! Calls: `DescribeInstances`; if tokens are not required, `ModifyInstanceMetadataOptions` with
//! only `HttpTokens=required` (the endpoint, hop limit and tags settings are left as they are);
//! `DescribeInstances` to verify. A deleted or terminated instance is a no-op.
//! IAM: `ec2:DescribeInstances`, `ec2:ModifyInstanceMetadataOptions`.
//!
//! ```cedar
//! @remediation("ec2-require-imdsv2")
//! forbid (principal, action == Aws::Action::"ec2:ModifyInstanceMetadataOptions", resource is Aws::Instance)
//! when { context has instanceMetadata && context.instanceMetadata.httpTokens == "optional" };
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct RequireImdsv2;

/// Instance states in which the metadata options no longer matter (or can no longer change).
const ENDED: &[&str] = &["shutting-down", "terminated"];

impl Remediation for RequireImdsv2 {
    fn name(&self) -> &'static str {
        "ec2-require-imdsv2"
    }

    fn service(&self) -> &'static str {
        "ec2"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &["ec2:DescribeInstances", "ec2:ModifyInstanceMetadataOptions"]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let instance = target(self.name(), request, "Instance")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({}),
            format!("require IMDSv2 (HttpTokens=required) on instance `{instance}`"),
        ))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let instance = plan.resource.as_str();
            calls.push("ec2:DescribeInstances".into());
            match aws.ec2_instance_metadata(instance).await? {
                Some(m) if m.http_tokens != "required" && !ENDED.contains(&m.state.as_str()) => {}
                _ => return Ok(Status::Noop),
            }
            calls.push("ec2:ModifyInstanceMetadataOptions".into());
            match aws.ec2_require_imdsv2(instance).await {
                Err(err) if err.is_not_found() => return Ok(Status::Noop),
                other => other?,
            }
            calls.push("ec2:DescribeInstances".into());
            match aws.ec2_instance_metadata(instance).await? {
                Some(m) if m.http_tokens != "required" && !ENDED.contains(&m.state.as_str()) => {
                    Err(unverified(
                        "ec2:DescribeInstances",
                        format!("HttpTokens is still `{}`", m.http_tokens),
                    ))
                }
                Some(_) => Ok(Status::Applied),
                None => Ok(Status::Noop),
            }
        })
    }
}
