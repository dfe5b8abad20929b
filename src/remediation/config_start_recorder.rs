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

use super::prelude::*;

pub struct StartRecorder;

impl Remediation for StartRecorder {
    fn meta(&self) -> &'static Meta {
        &Meta {
            name: "config-start-recorder",
            service: "config",
            iam_actions: &[
                "config:DescribeConfigurationRecorderStatus",
                "config:StartConfigurationRecorder",
            ],
        }
    }

    fn plan(&self, _event: &Event, request: &Request) -> Result<Plan, PlanError> {
        plan_target(self.name(), request, "ConfigRecorder", |recorder| {
            format!("start configuration recorder `{recorder}`")
        })
    }

    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a> {
        let (recorder, config) = (plan.resource.as_str(), aws.config());
        revert(
            aws,
            move || config.is_recording(recorder),
            move |on| (!on).then(|| "the recorder is still not recording".into()),
            move |_| config.start_recorder(recorder),
        )
    }
}
