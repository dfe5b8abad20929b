//! AWS Config: the configuration recorder and the delivery channel.

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

pub const EVENTS: &[EventSpec] = events! {
    RECORDER: [
        "PutConfigurationRecorder",
        "StartConfigurationRecorder",
        "StopConfigurationRecorder",
        "DeleteConfigurationRecorder",
    ],
    CHANNEL: ["PutDeliveryChannel", "DeleteDeliveryChannel"],
};
