//! SQS calls the remediations make: a queue's access policy. (The dead-letter queue snapback
//! itself writes to is in `sqs.rs`.)

use aws_sdk_sqs::types::QueueAttributeName;

use super::capability;
use super::error::{found, sent};

/// The codes SQS answers for a queue that does not exist.
const NO_QUEUE: &[&str] = &[
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
];

capability! {
    /// The SQS calls of the queue policy remediation.
    pub trait SqsOps(sqs) for aws_sdk_sqs::Client {
        /// The queue's access policy (JSON text, empty when it has none), or None when the
        /// queue does not exist.
        fn queue_policy<'a>(&'a self, queue_url: &'a str) -> Option<String>
            = "sqs:GetQueueAttributes", |call| {
            let read = self
                .get_queue_attributes()
                .queue_url(queue_url)
                .attribute_names(QueueAttributeName::Policy);
            let out = found(call, read.send().await, NO_QUEUE)?;
            Ok(out.map(|o| {
                o.attributes()
                    .and_then(|a| a.get(&QueueAttributeName::Policy))
                    .cloned()
                    .unwrap_or_default()
            }))
        }

        /// Replace the queue's access policy; an empty one removes it.
        fn set_queue_policy<'a>(&'a self, queue_url: &'a str, policy: &'a str)
            -> () = "sqs:SetQueueAttributes", |call| {
            let set = self
                .set_queue_attributes()
                .queue_url(queue_url)
                .attributes(QueueAttributeName::Policy, policy);
            sent(call, set.send().await).map(drop)
        }
    }
}
