//! `config-start-recorder`: restart an AWS Config configuration recorder someone stopped.
//!
//! Why: a stopped recorder keeps no configuration history, so Config rules and auditors stop
//! seeing changes (CIS 3.3).
//! Trigger: `config:StopConfigurationRecorder` (policy `config-recorder-stopped`).
//! Calls: `DescribeConfigurationRecorderStatus` for the recorder the event names;
//! `StartConfigurationRecorder` only if it is not recording; `DescribeConfigurationRecorderStatus`
//! to verify. A deleted recorder is a no-op; the recording settings are left as they are.
//! IAM: `config:DescribeConfigurationRecorderStatus`, `config:StartConfigurationRecorder`.
//!
//! ```cedar
//! @remediation("config-start-recorder")
//! forbid (principal, action == Aws::Action::"config:StopConfigurationRecorder", resource is Aws::ConfigRecorder);
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct StartRecorder;

impl Remediation for StartRecorder {
    fn name(&self) -> &'static str {
        "config-start-recorder"
    }

    fn service(&self) -> &'static str {
        "config"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "config:DescribeConfigurationRecorderStatus",
            "config:StartConfigurationRecorder",
        ]
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let recorder = target(self.name(), request, "ConfigRecorder")?;
        Ok(plan(
            self.name(),
            request,
            serde_json::json!({}),
            format!("start configuration recorder `{recorder}`"),
        ))
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let recorder = plan.resource.as_str();
            calls.push("config:DescribeConfigurationRecorderStatus".into());
            match aws.config_recorder_recording(recorder).await? {
                None | Some(true) => return Ok(Status::Noop),
                Some(false) => {}
            }
            calls.push("config:StartConfigurationRecorder".into());
            match aws.config_start_recorder(recorder).await {
                Err(err) if err.is_not_found() => return Ok(Status::Noop),
                other => other?,
            }
            calls.push("config:DescribeConfigurationRecorderStatus".into());
            match aws.config_recorder_recording(recorder).await? {
                Some(false) => Err(unverified(
                    "config:DescribeConfigurationRecorderStatus",
                    "the recorder is still not recording",
                )),
                Some(true) => Ok(Status::Applied),
                None => Ok(Status::Noop),
            }
        })
    }
}
