//! AWS Config: the configuration recorder, the delivery channel and rules.

use super::spec::events;
use super::{EventSpec, Id, ResourceKind};

const RECORDER: ResourceKind = ResourceKind::new(
    "ConfigRecorder",
    Id::Paths(&[
        "configurationRecorderName",
        "configurationRecorder.name",
        "ConfigurationRecorderName",
    ]),
);

const CHANNEL: ResourceKind = ResourceKind::new(
    "DeliveryChannel",
    Id::Paths(&[
        "deliveryChannelName",
        "deliveryChannel.name",
        "DeliveryChannelName",
    ]),
);

const RULE: ResourceKind = ResourceKind::new(
    "ConfigRule",
    Id::Paths(&["configRuleName", "ConfigRuleName"]),
);

pub const EVENTS: &[EventSpec] = events! {
    RECORDER: [
        "PutConfigurationRecorder",
        "StartConfigurationRecorder",
        "StopConfigurationRecorder",
        "DeleteConfigurationRecorder",
    ],
    CHANNEL: ["PutDeliveryChannel", "DeleteDeliveryChannel"],
    RULE: ["PutConfigRule", "DeleteConfigRule"],
};
