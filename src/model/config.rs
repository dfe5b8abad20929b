//! AWS Config: the configuration recorder and the delivery channel.

use super::{EventSpec, Id, ResourceKind, no_arn};

const RECORDER: ResourceKind = ResourceKind {
    ty: "ConfigRecorder",
    id: Id::Paths(&[
        "configurationRecorderName",
        "configurationRecorder.name",
        "ConfigurationRecorderName",
    ]),
    name: &[],
    arn: no_arn,
};

const CHANNEL: ResourceKind = ResourceKind {
    ty: "DeliveryChannel",
    id: Id::Paths(&[
        "deliveryChannelName",
        "deliveryChannel.name",
        "DeliveryChannelName",
    ]),
    name: &[],
    arn: no_arn,
};

pub const EVENTS: &[EventSpec] = &[
    EventSpec {
        name: "PutConfigurationRecorder",
        resource: RECORDER,
        facts: None,
    },
    EventSpec {
        name: "StartConfigurationRecorder",
        resource: RECORDER,
        facts: None,
    },
    EventSpec {
        name: "StopConfigurationRecorder",
        resource: RECORDER,
        facts: None,
    },
    EventSpec {
        name: "DeleteConfigurationRecorder",
        resource: RECORDER,
        facts: None,
    },
    EventSpec {
        name: "PutDeliveryChannel",
        resource: CHANNEL,
        facts: None,
    },
    EventSpec {
        name: "DeleteDeliveryChannel",
        resource: CHANNEL,
        facts: None,
    },
];
