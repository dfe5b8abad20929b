//! The log-file backstop. EventBridge delivers CloudTrail's events on a best-effort basis; an
//! event it drops is still written to the trail's S3 bucket a few minutes later. The bucket
//! notifies an SQS queue of each new log file, and the queue invokes this function with the
//! notifications. For each log file the function reads it, skips what the engine does not
//! watch, asks the state store which of the rest were already decided (through EventBridge),
//! and decides and reverts the others through the same pipeline, their records saying
//! `delivery: log-file` and how long after the event they were read.
//!
//! A message fails (and SQS delivers it again, then to its own dead-letter queue) when its log
//! file cannot be read, when the state store cannot say what was decided, or when an event in
//! it must be delivered again; the other messages of the batch are not held up
//! (`batchItemFailures`).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{Value, json};

use crate::aws::{ClientSource, Objects};
use crate::decision_log::{DecisionRecord, DecisionSink};
use crate::event::{Event, EventError, EventTime};
use crate::reactor::Decided;

use super::{Failure, Function};

/// One SQS message of an invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    pub body: String,
}

/// A log file an S3 notification names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub bucket: String,
    pub key: String,
}

impl std::fmt::Display for LogFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

/// What the backstop did with one batch, for the report and the metrics.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub files: usize,
    /// Events in the files, read or not.
    pub events: usize,
    /// Events no policy watches (reads, failed calls, actions no policy names): not for the
    /// backstop.
    pub unwatched: usize,
    /// Events the state store says were already decided.
    pub already_decided: usize,
    /// Events decided here: the ones EventBridge did not deliver (or not yet).
    pub decided: usize,
    /// Log files of another region, left to that region's function (and its state table).
    pub other_region: usize,
}

/// The messages of an SQS event (`Records` of `aws:sqs`), or `None` for any other payload.
pub fn sqs_messages(payload: &Value) -> Option<Vec<Message>> {
    let records = payload.get("Records")?.as_array()?;
    let first = records.first()?;
    if first.get("eventSource").and_then(Value::as_str) != Some("aws:sqs") {
        return None;
    }
    Some(
        records
            .iter()
            .map(|r| Message {
                id: text(r, "messageId"),
                body: text(r, "body"),
            })
            .collect(),
    )
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The log files an S3 event notification names: its `ObjectCreated` records for keys that
/// are CloudTrail log files (not digests). S3's test event names none. The notification may
/// come wrapped in an SNS envelope (a topic fanning out to several regions' queues without raw
/// message delivery).
pub fn log_files(body: &str) -> Result<Vec<LogFile>, String> {
    let mut value: Value =
        serde_json::from_str(body).map_err(|e| format!("not an S3 notification: {e}"))?;
    if value.get("Type").and_then(Value::as_str) == Some("Notification")
        && let Some(inner) = value.get("Message").and_then(Value::as_str)
    {
        value = serde_json::from_str(inner)
            .map_err(|e| format!("not an S3 notification inside an SNS message: {e}"))?;
    }
    if value.get("Event").and_then(Value::as_str) == Some("s3:TestEvent") {
        return Ok(Vec::new());
    }
    let records = value
        .get("Records")
        .and_then(Value::as_array)
        .ok_or("not an S3 notification: no `Records`")?;
    let mut files = Vec::new();
    for record in records {
        let created = record
            .get("eventName")
            .and_then(Value::as_str)
            .is_some_and(|n| n.starts_with("ObjectCreated"));
        let s3 = record.get("s3");
        let bucket = s3
            .and_then(|s| s.pointer("/bucket/name"))
            .and_then(Value::as_str);
        let key = s3
            .and_then(|s| s.pointer("/object/key"))
            .and_then(Value::as_str);
        let (Some(bucket), Some(key)) = (bucket, key) else {
            return Err("an S3 notification record without a bucket or key".to_owned());
        };
        let key = url_decode(key)?;
        if created && is_log_file(&key) {
            files.push(LogFile {
                bucket: bucket.to_owned(),
                key,
            });
        }
    }
    Ok(files)
}

/// Whether a key is a CloudTrail log file (`..._CloudTrail_...json.gz`), not a digest.
fn is_log_file(key: &str) -> bool {
    let name = key.rsplit('/').next().unwrap_or(key);
    name.contains("_CloudTrail_")
        && !key.contains("CloudTrail-Digest")
        && name.ends_with(".json.gz")
}

/// S3 notifications URL-encode keys, with `+` for a space.
fn url_decode(text: &str) -> Result<String, String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = [bytes.next(), bytes.next()];
                let digit = |d: Option<u8>| d.and_then(|d| char::from(d).to_digit(16));
                match (digit(hex[0]), digit(hex[1])) {
                    (Some(hi), Some(lo)) => out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?')),
                    _ => return Err(format!("a malformed key in an S3 notification: `{text}`")),
                }
            }
            b => out.push(b),
        }
    }
    String::from_utf8(out).map_err(|_| format!("a key that is not UTF-8: `{text}`"))
}

/// Milliseconds from the event's time to `received`, when the time parses.
fn delay_ms(event_time: Option<&str>, received: SystemTime) -> Option<u64> {
    let at = EventTime::parse(event_time?)?;
    let received = crate::aws::epoch_ms(received);
    let at = u64::try_from(at.epoch_millis).ok()?;
    Some(received.saturating_sub(at))
}

impl<C: ClientSource> Function<C> {
    /// Handle one SQS batch of log-file notifications: each message's files read and their
    /// undecided events run through the pipeline. Returns the ids of the messages to deliver
    /// again, with why.
    pub(super) async fn backstop(
        &self,
        messages: &[Message],
        files: &Objects,
        sink: &mut impl DecisionSink,
        tally: &mut Tally,
    ) -> Vec<(String, Failure)> {
        let mut failed = Vec::new();
        for message in messages {
            let result = match log_files(&message.body) {
                Ok(list) => {
                    let mut result = Ok(());
                    for file in list {
                        if !self.in_region(&file) {
                            tally.other_region += 1;
                            continue;
                        }
                        if let Err(why) = self.log_file(&file, files, sink, tally).await {
                            result = Err(why);
                            break;
                        }
                    }
                    result
                }
                Err(why) => Err(Failure::Unreadable(why)),
            };
            if let Err(why) = result {
                tracing::warn!(message_id = %message.id, error = %why, "log-file message failed");
                failed.push((message.id.clone(), why));
            }
        }
        failed
    }

    /// Whether a log file's events are this function's: each region's function (with its own
    /// state table) takes the files of its own region, whatever region the notification
    /// reached it in. A key outside the standard layout is taken.
    fn in_region(&self, file: &LogFile) -> bool {
        let place = crate::archive::Place::of(std::path::Path::new(&file.key));
        match (&self.region, place) {
            (Some(home), Some(place)) => place.region == *home,
            _ => true,
        }
    }

    /// One log file: read, filter, skip what was decided, decide the rest.
    async fn log_file(
        &self,
        file: &LogFile,
        files: &Objects,
        sink: &mut impl DecisionSink,
        tally: &mut Tally,
    ) -> Result<(), Failure> {
        let bytes = files
            .get(&file.bucket, &file.key)
            .await
            .map_err(|e| Failure::Transient(format!("{file}: {e}")))?;
        let received = SystemTime::now();
        let mut items: Vec<Result<Event, EventError>> = Vec::new();
        let name: Arc<str> = Arc::from(file.to_string());
        crate::input::read_stream(bytes.as_slice(), name, &mut |item| items.push(item));
        tally.files += 1;
        tally.events += items.len();

        // What no policy watches is not the backstop's (EventBridge's rule leaves it out too);
        // the rest is decided first, with no AWS call. What cannot be read is kept: it gets
        // its record and its dead letter, as through EventBridge.
        let mut watched: Vec<Decided> = Vec::new();
        for item in items {
            if item
                .as_ref()
                .is_ok_and(|event| !self.reactor.engine().watches(event))
            {
                tally.unwatched += 1;
                continue;
            }
            watched.push(self.reactor.decide(item, received));
        }
        let ids: Vec<String> = watched
            .iter()
            .filter_map(|d| d.record.event_id.clone())
            .collect();
        let decided: HashSet<String> =
            self.reactor.state.decided_among(&ids).await.map_err(|e| {
                Failure::Transient(format!(
                    "{file}: cannot tell which events were decided: {e}"
                ))
            })?;

        let mut failed = None;
        for mut item in watched {
            if item
                .record
                .event_id
                .as_ref()
                .is_some_and(|id| decided.contains(id))
            {
                tally.already_decided += 1;
                continue;
            }
            mark(&mut item.record, received);
            tally.decided += 1;
            let failures = self.act(item, sink).await;
            if failed.is_none() {
                failed = failures.into_iter().next();
            }
        }
        failed.map_or(Ok(()), Err)
    }
}

/// Say in the record that it came from a log file, and how late.
fn mark(record: &mut DecisionRecord, received: SystemTime) {
    record.delivery = Some("log-file".to_owned());
    record.delivery_delay_ms = delay_ms(record.event_time.as_deref(), received);
}

/// The SQS partial-batch response: the messages to deliver again.
pub fn batch_response(failed: &[(String, Failure)]) -> Value {
    json!({
        "batchItemFailures": failed
            .iter()
            .map(|(id, _)| json!({ "itemIdentifier": id }))
            .collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn notifications_name_log_files_with_decoded_keys() {
        let body = json!({"Records": [
            {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "trail"},
             "object": {"key": "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/29/123456789012_CloudTrail_us-east-1_20261129T1200Z_a%2Bb+c.json.gz"}}},
            {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "trail"},
             "object": {"key": "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/29/123456789012_CloudTrail-Digest_us-east-1_x.json.gz"}}},
            {"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "trail"},
             "object": {"key": "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/29/123456789012_CloudTrail_us-east-1_y.json.gz"}}}
        ]})
        .to_string();
        let files = log_files(&body).unwrap();
        assert_eq!(files.len(), 1);
        assert!(files[0].key.ends_with("_a+b c.json.gz"), "{}", files[0].key);
        assert_eq!(log_files(r#"{"Event": "s3:TestEvent"}"#).unwrap(), []);
        assert!(log_files("{").is_err());
        assert!(log_files(r#"{"Records": [{"s3": {}}]}"#).is_err());
        assert!(url_decode("%zz").is_err());

        // The same notification through an SNS topic without raw message delivery.
        let wrapped = json!({"Type": "Notification", "TopicArn": "arn:aws:sns:us-east-1:1:t",
            "Message": body})
        .to_string();
        assert_eq!(log_files(&wrapped).unwrap(), files);
    }

    #[test]
    fn only_sqs_events_are_batches() {
        let sqs = json!({"Records": [{"eventSource": "aws:sqs", "messageId": "m1", "body": "{}"}]});
        assert_eq!(
            sqs_messages(&sqs),
            Some(vec![Message {
                id: "m1".into(),
                body: "{}".into()
            }])
        );
        // A CloudTrail log file's own `Records` are events, not messages.
        let trail = json!({"Records": [{"eventSource": "ec2.amazonaws.com"}]});
        assert_eq!(sqs_messages(&trail), None);
    }

    #[test]
    fn the_delay_is_from_the_event_time() {
        let received = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(
            delay_ms(Some("1970-01-01T00:15:00Z"), received),
            Some(100_000)
        );
        assert_eq!(delay_ms(Some("soon"), received), None);
    }
}
