//! CloudWatch Logs: log groups (where a trail may deliver its events).

use super::spec::events;
use super::{EventSpec, ResourceKind};

const LOG_GROUP: ResourceKind = ResourceKind::at(
    "LogGroup",
    &["logGroupName"],
    "arn:aws:logs:{region}:{account}:log-group:{id}",
);

pub const EVENTS: &[EventSpec] = events! {
    LOG_GROUP: ["DeleteLogGroup", "PutRetentionPolicy", "DeleteSubscriptionFilter"],
};
