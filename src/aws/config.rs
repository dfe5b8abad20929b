//! AWS Config calls the remediations make.

use super::{ApiError, Aws, classify};

impl Aws {
    /// Whether the configuration recorder is recording, or None when it does not exist.
    pub async fn config_recorder_recording(&self, name: &str) -> Result<Option<bool>, ApiError> {
        const CALL: &str = "config:DescribeConfigurationRecorderStatus";
        match self
            .config
            .describe_configuration_recorder_status()
            .configuration_recorder_names(name)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .configuration_recorders_status()
                .iter()
                .find(|s| s.name() == Some(name))
                .map(aws_sdk_config::types::ConfigurationRecorderStatus::recording)),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }

    pub async fn config_start_recorder(&self, name: &str) -> Result<(), ApiError> {
        self.config
            .start_configuration_recorder()
            .configuration_recorder_name(name)
            .send()
            .await
            .map_err(|e| classify("config:StartConfigurationRecorder", &e))?;
        Ok(())
    }
}
