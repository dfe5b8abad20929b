//! EventBridge calls the remediations make.

use super::{ApiError, Aws, classify};

impl Aws {
    /// Whether the rule is enabled (any state but `DISABLED`), or None when the rule or its
    /// event bus does not exist. `bus` is a bus name or ARN; None is the default bus.
    pub async fn eventbridge_rule_enabled(
        &self,
        name: &str,
        bus: Option<&str>,
    ) -> Result<Option<bool>, ApiError> {
        const CALL: &str = "events:DescribeRule";
        match self
            .eventbridge
            .describe_rule()
            .name(name)
            .set_event_bus_name(bus.map(str::to_owned))
            .send()
            .await
        {
            Ok(out) => Ok(Some(!matches!(
                out.state(),
                Some(aws_sdk_eventbridge::types::RuleState::Disabled)
            ))),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }

    pub async fn eventbridge_enable_rule(
        &self,
        name: &str,
        bus: Option<&str>,
    ) -> Result<(), ApiError> {
        const CALL: &str = "events:EnableRule";
        self.eventbridge
            .enable_rule()
            .name(name)
            .set_event_bus_name(bus.map(str::to_owned))
            .send()
            .await
            .map_err(|e| classify(CALL, &e))?;
        Ok(())
    }
}
