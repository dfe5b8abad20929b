//! `config-start-recorder`: restart an AWS Config configuration recorder someone stopped.
//!
//! Why: a stopped recorder keeps no configuration history, so Config rules and auditors stop
//! seeing changes (CIS 3.3).
//! Trigger: `config:StopConfigurationRecorder` (policy `config-recorder-stopped`).
//! Calls: `DescribeConfigurationRecorderStatus` for the recorder the event names;
//! `StartConfigurationRecorder` only if it is not recording; `DescribeConfigurationRecorderStatus`
//! to verify. A deleted recorder is a no-op; the recording settings are left as they are.
//!
//! ```cedar
//! @remediation("config-start-recorder")
//! forbid (principal, action == Aws::Action::"config:StopConfigurationRecorder", resource is Aws::ConfigRecorder);
//! ```

use super::prelude::*;

remediation! {
    StartRecorder {
        name: "config-start-recorder",
        service: "config",
        iam: &[
            "config:DescribeConfigurationRecorderStatus",
            "config:StartConfigurationRecorder",
        ],
    }
    plan: |p| p.resource("ConfigRecorder", |r| format!("start configuration recorder `{r}`")),
    revert: |plan, aws| {
        let (recorder, config) = (plan.resource.as_str(), aws.config());
        read: || config.is_recording(recorder),
        still_wrong: |on| (!on).then(|| "the recorder is still not recording".into()),
        act: |_| config.start_recorder(recorder),
    },
}
