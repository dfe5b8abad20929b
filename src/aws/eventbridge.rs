//! EventBridge calls the remediations make.

use aws_sdk_eventbridge::types::RuleState;

use super::capability;
use super::error::{found, sent};

capability! {
    /// The EventBridge calls of the rule remediation. `bus` is a bus name or ARN; None is the
    /// default bus.
    pub trait EventBridgeOps(eventbridge) for aws_sdk_eventbridge::Client {
        /// Whether the rule is enabled (any state but `DISABLED`), or None when the rule or its
        /// event bus does not exist.
        fn rule_enabled<'a>(&'a self, name: &'a str, bus: Option<&'a str>) -> Option<bool>
            = "events:DescribeRule", |call| {
            let read = self.describe_rule().name(name).set_event_bus_name(bus.map(str::to_owned));
            let out = found(call, read.send().await, &[])?;
            Ok(out.map(|o| !matches!(o.state(), Some(RuleState::Disabled))))
        }

        /// Enable the rule.
        fn turn_on_rule<'a>(&'a self, name: &'a str, bus: Option<&'a str>) -> () = "events:EnableRule", |call| {
            let enable = self.enable_rule().name(name).set_event_bus_name(bus.map(str::to_owned));
            sent(call, enable.send().await).map(drop)
        }
    }
}
