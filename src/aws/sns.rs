//! SNS calls the remediations make: a topic's access policy.

use super::capability;
use super::error::{found, sent};

/// The topic attribute that holds its access policy.
const POLICY: &str = "Policy";

capability! {
    /// The SNS calls of the topic policy remediation.
    pub trait SnsOps(sns) for aws_sdk_sns::Client {
        /// The topic's access policy (JSON text, empty when it has none), or None when the
        /// topic does not exist.
        fn topic_policy<'a>(&'a self, topic_arn: &'a str) -> Option<String>
            = "sns:GetTopicAttributes", |call| {
            let read = self.get_topic_attributes().topic_arn(topic_arn);
            let out = found(call, read.send().await, &[])?;
            Ok(out.map(|o| {
                o.attributes()
                    .and_then(|a| a.get(POLICY))
                    .cloned()
                    .unwrap_or_default()
            }))
        }

        /// Replace the topic's access policy; no other attribute is set.
        fn set_topic_policy<'a>(&'a self, topic_arn: &'a str, policy: &'a str)
            -> () = "sns:SetTopicAttributes", |call| {
            let set = self
                .set_topic_attributes()
                .topic_arn(topic_arn)
                .attribute_name(POLICY)
                .attribute_value(policy);
            sent(call, set.send().await).map(drop)
        }
    }
}
