//! The Lambda's outlets in snapback's own account: the SQS dead-letter queue and the optional
//! EventBridge bus that decisions are published to.

use aws_sdk_sqs::types::MessageAttributeValue;

use super::{ApiError, ErrorKind, Factory, classify};

/// The SQS queue dead letters go to.
#[derive(Debug, Clone)]
pub struct DeadLetterQueue {
    client: aws_sdk_sqs::Client,
    url: String,
}

/// The EventBridge bus non-compliant decisions are published to, as `snapback Decision` events.
#[derive(Debug, Clone)]
pub struct DecisionBus {
    client: aws_sdk_eventbridge::Client,
    bus: String,
}

/// The `source` and `detail-type` of published decisions.
pub const DECISION_SOURCE: &str = "snapback";
pub const DECISION_DETAIL_TYPE: &str = "snapback Decision";

impl Factory {
    pub fn dead_letter_queue(&self, url: &str) -> DeadLetterQueue {
        DeadLetterQueue {
            client: aws_sdk_sqs::Client::new(self.sdk_config()),
            url: url.to_owned(),
        }
    }

    pub fn decision_bus(&self, bus: &str) -> DecisionBus {
        DecisionBus {
            client: aws_sdk_eventbridge::Client::new(self.sdk_config()),
            bus: bus.to_owned(),
        }
    }
}

impl DeadLetterQueue {
    /// Send one message: `body` as it is, with the `reason` and the `decision_id` also in
    /// message attributes, so that consumers can filter without parsing the body.
    pub async fn send(
        &self,
        body: String,
        reason: &str,
        decision_id: &str,
    ) -> Result<(), ApiError> {
        const CALL: &str = "sqs:SendMessage";
        let text = |v: &str| {
            MessageAttributeValue::builder()
                .data_type("String")
                .string_value(v)
                .build()
        };
        let mut send = self
            .client
            .send_message()
            .queue_url(&self.url)
            .message_body(body);
        // SQS attribute values must not be empty, and are capped well above a reason's length.
        let reason: String = reason.chars().take(1024).collect();
        if !reason.is_empty()
            && let Ok(attr) = text(&reason)
        {
            send = send.message_attributes("snapback-reason", attr);
        }
        if let Ok(attr) = text(decision_id) {
            send = send.message_attributes("snapback-decision-id", attr);
        }
        send.send().await.map_err(|e| classify(CALL, &e))?;
        Ok(())
    }
}

impl DecisionBus {
    /// Publish one decision: `detail` is the decision record's JSON.
    pub async fn publish(&self, detail: String) -> Result<(), ApiError> {
        const CALL: &str = "events:PutEvents";
        let entry = aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus)
            .source(DECISION_SOURCE)
            .detail_type(DECISION_DETAIL_TYPE)
            .detail(detail)
            .build();
        let out = self
            .client
            .put_events()
            .entries(entry)
            .send()
            .await
            .map_err(|e| classify(CALL, &e))?;
        if out.failed_entry_count() > 0 {
            let why = out
                .entries()
                .iter()
                .filter_map(|e| e.error_message())
                .collect::<Vec<_>>()
                .join("; ");
            return Err(ApiError::new(CALL, ErrorKind::Transient, why));
        }
        Ok(())
    }
}
