//! AWS Config calls the remediations make.

use aws_sdk_config::types::ConfigurationRecorderStatus;

use super::capability;
use super::error::{found, sent};

capability! {
    /// The AWS Config calls of the recorder remediation.
    pub trait ConfigOps(config) for aws_sdk_config::Client {
        /// Whether the configuration recorder is recording, or None when it does not exist.
        fn is_recording<'a>(&'a self, name: &'a str) -> Option<bool>
            = "config:DescribeConfigurationRecorderStatus", |call| {
            let read = self.describe_configuration_recorder_status().configuration_recorder_names(name);
            let out = found(call, read.send().await, &[])?;
            Ok(out.and_then(|o| {
                let status = o.configuration_recorders_status().iter().find(|s| s.name() == Some(name));
                status.map(ConfigurationRecorderStatus::recording)
            }))
        }

        /// Start the configuration recorder.
        fn start_recorder<'a>(&'a self, name: &'a str) -> () = "config:StartConfigurationRecorder", |call| {
            let start = self.start_configuration_recorder().configuration_recorder_name(name);
            sent(call, start.send().await).map(drop)
        }
    }
}
