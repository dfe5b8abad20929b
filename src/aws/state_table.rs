//! The shared state table: what every Lambda container (and every `snapback react`) must agree
//! on, kept in one DynamoDB table with conditional writes and a TTL on every item.
//!
//! - `event#<eventID>`: a claim. The first process to claim an event decides and acts on it;
//!   the claim carries a lease, so that if that process dies mid-way, a redelivery after the
//!   lease takes over. Once done, the item says `decided` and stays until its TTL, so that a
//!   redelivery, another container, or the log-file backstop skips it.
//! - `flap#<account>/<region>/<remediation>/<resource>`: the times of a resource's recent
//!   reverts, for the flap limit, written under an optimistic version check so that two
//!   processes cannot both take the last revert the limit allows.
//!
//! The table has one string partition key, `pk`, and TTL on the number attribute `expires`
//! (epoch seconds); template.yaml creates it.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};

use super::{ApiError, ErrorKind, classify};

/// How a claim on an event came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This process holds the event: decide and act, then mark it decided (or release it).
    Won,
    /// Some process already decided it: a duplicate.
    Decided,
    /// Another process holds it, until this time (epoch milliseconds).
    Held { until_ms: u64 },
}

/// The attempts at a flap-count write that lost a race before giving up.
const VERSION_RACES: usize = 8;

/// BatchGetItem takes at most 100 keys.
const BATCH_KEYS: usize = 100;

/// The shared state table, for one process (`owner` names it in claims).
#[derive(Debug, Clone)]
pub struct StateTable {
    client: Client,
    table: String,
    owner: String,
}

/// Milliseconds since the epoch.
pub fn epoch_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn n(number: u64) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> Option<u64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

fn event_key(event_id: &str) -> String {
    format!("event#{event_id}")
}

fn is_condition_failure<E>(err: &SdkError<E, aws_smithy_runtime_api::http::Response>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(aws_sdk_dynamodb::error::ProvideErrorMetadata::code)
        == Some("ConditionalCheckFailedException")
}

impl StateTable {
    /// The table `table`, reached with `config`'s credentials, region and endpoint. `owner`
    /// must be unique to this process.
    pub fn new(config: &SdkConfig, table: &str, owner: &str) -> Self {
        Self::with_client(Client::new(config), table, owner)
    }

    pub fn with_client(client: Client, table: &str, owner: &str) -> Self {
        Self {
            client,
            table: table.to_owned(),
            owner: owner.to_owned(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Claim `event_id` for `lease`, at `now`. A claim whose lease ran out can be taken over.
    pub async fn claim(
        &self,
        event_id: &str,
        lease: Duration,
        now: SystemTime,
    ) -> Result<Claim, ApiError> {
        let now_ms = epoch_ms(now);
        let until = now_ms + u64::try_from(lease.as_millis()).unwrap_or(u64::MAX);
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(&event_key(event_id)))
            .item("state", s("claimed"))
            .item("owner", s(&self.owner))
            .item("lease", n(until))
            .item("expires", n(until / 1000 + 86_400))
            .condition_expression(
                "attribute_not_exists(pk) OR (#state = :claimed AND #lease < :now)",
            )
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#lease", "lease")
            .expression_attribute_values(":claimed", s("claimed"))
            .expression_attribute_values(":now", n(now_ms))
            .send()
            .await;
        match put {
            Ok(_) => Ok(Claim::Won),
            Err(err) if is_condition_failure(&err) => {
                let item = self.get(&event_key(event_id)).await?;
                Ok(match item {
                    // Gone since (its TTL): the next claim will win.
                    None => Claim::Held { until_ms: now_ms },
                    Some(item)
                        if item
                            .get("state")
                            .and_then(|v| v.as_s().ok())
                            .map(String::as_str)
                            == Some("decided") =>
                    {
                        Claim::Decided
                    }
                    Some(item) => Claim::Held {
                        until_ms: number(&item, "lease").unwrap_or(now_ms),
                    },
                })
            }
            Err(err) => Err(classify("dynamodb:PutItem", &err)),
        }
    }

    /// Mark a claimed event decided, kept for `retention`. A claim another process took over
    /// (this one's lease ran out) is left to that process.
    pub async fn decided(
        &self,
        event_id: &str,
        retention: Duration,
        now: SystemTime,
    ) -> Result<(), ApiError> {
        let expires = epoch_ms(now) / 1000 + retention.as_secs();
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&event_key(event_id)))
            .update_expression("SET #state = :decided, expires = :expires")
            .condition_expression("#owner = :me")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":decided", s("decided"))
            .expression_attribute_values(":expires", n(expires))
            .expression_attribute_values(":me", s(&self.owner))
            .send()
            .await;
        match update {
            Ok(_) => Ok(()),
            Err(err) if is_condition_failure(&err) => {
                tracing::warn!(
                    event_id,
                    "the claim was taken over before the event was done"
                );
                Ok(())
            }
            Err(err) => Err(classify("dynamodb:UpdateItem", &err)),
        }
    }

    /// Give a claim up (a failure handed back for redelivery), so that the redelivery wins.
    pub async fn release(&self, event_id: &str) -> Result<(), ApiError> {
        let delete = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(&event_key(event_id)))
            .condition_expression("#owner = :me AND #state = :claimed")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":me", s(&self.owner))
            .expression_attribute_values(":claimed", s("claimed"))
            .send()
            .await;
        match delete {
            Ok(_) => Ok(()),
            Err(err) if is_condition_failure(&err) => Ok(()),
            Err(err) => Err(classify("dynamodb:DeleteItem", &err)),
        }
    }

    /// Which of `event_ids` some process has already decided (claims still held are not).
    pub async fn decided_among(&self, event_ids: &[String]) -> Result<HashSet<String>, ApiError> {
        let mut decided = HashSet::new();
        let unique: Vec<&String> = {
            let mut seen = HashSet::new();
            event_ids.iter().filter(|id| seen.insert(*id)).collect()
        };
        for chunk in unique.chunks(BATCH_KEYS) {
            let keys: Vec<HashMap<String, AttributeValue>> = chunk
                .iter()
                .map(|id| HashMap::from([("pk".to_owned(), s(&event_key(id)))]))
                .collect();
            let mut request = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(true)
                .projection_expression("pk, #state")
                .expression_attribute_names("#state", "state")
                .build()
                .map_err(|e| {
                    ApiError::new("dynamodb:BatchGetItem", ErrorKind::Rejected, e.to_string())
                })?;
            // Unprocessed keys (throttling) are asked for again, a bounded number of times.
            for _ in 0..VERSION_RACES {
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request.clone())
                    .send()
                    .await
                    .map_err(|e| classify("dynamodb:BatchGetItem", &e))?;
                for item in out
                    .responses()
                    .and_then(|r| r.get(&self.table))
                    .into_iter()
                    .flatten()
                {
                    let state = item.get("state").and_then(|v| v.as_s().ok());
                    let pk = item.get("pk").and_then(|v| v.as_s().ok());
                    if let (Some("decided"), Some(pk)) = (state.map(String::as_str), pk)
                        && let Some(id) = pk.strip_prefix("event#")
                    {
                        decided.insert(id.to_owned());
                    }
                }
                match out.unprocessed_keys().and_then(|u| u.get(&self.table)) {
                    Some(rest) if !rest.keys().is_empty() => request = rest.clone(),
                    _ => break,
                }
            }
        }
        Ok(decided)
    }

    /// Take one of the `max` reverts `key` may have within `window`, at `now`: the stamp taken,
    /// or `None` when the limit is reached.
    pub async fn reserve_revert(
        &self,
        key: &str,
        max: usize,
        window: Duration,
        now: SystemTime,
    ) -> Result<Option<u64>, ApiError> {
        let now_ms = epoch_ms(now);
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let pk = format!("flap#{key}");
        for _ in 0..VERSION_RACES {
            let (mut stamps, version) = self.stamps(&pk).await?;
            stamps.retain(|t| now_ms.saturating_sub(*t) <= window_ms);
            if stamps.len() >= max {
                return Ok(None);
            }
            stamps.push(now_ms);
            if self
                .put_stamps(&pk, &stamps, version, now_ms, window_ms)
                .await?
            {
                return Ok(Some(now_ms));
            }
        }
        Err(ApiError::new(
            "dynamodb:PutItem",
            ErrorKind::Throttled,
            format!("the flap count of `{key}` kept changing under {VERSION_RACES} writes"),
        ))
    }

    /// Give back a revert taken with [`StateTable::reserve_revert`] that did not happen.
    pub async fn unreserve_revert(
        &self,
        key: &str,
        stamp: u64,
        window: Duration,
    ) -> Result<(), ApiError> {
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let pk = format!("flap#{key}");
        for _ in 0..VERSION_RACES {
            let (mut stamps, version) = self.stamps(&pk).await?;
            let Some(at) = stamps.iter().position(|t| *t == stamp) else {
                return Ok(());
            };
            stamps.remove(at);
            if self
                .put_stamps(&pk, &stamps, version, stamp, window_ms)
                .await?
            {
                return Ok(());
            }
        }
        Ok(())
    }

    async fn stamps(&self, pk: &str) -> Result<(Vec<u64>, u64), ApiError> {
        let Some(item) = self.get(pk).await? else {
            return Ok((Vec::new(), 0));
        };
        let stamps = item
            .get("reverts")
            .and_then(|v| v.as_l().ok())
            .map(|list| {
                list.iter()
                    .filter_map(|v| v.as_n().ok()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        Ok((stamps, number(&item, "version").unwrap_or(0)))
    }

    /// Write a flap count if nobody wrote since `version` was read; false when somebody did.
    async fn put_stamps(
        &self,
        pk: &str,
        stamps: &[u64],
        version: u64,
        now_ms: u64,
        window_ms: u64,
    ) -> Result<bool, ApiError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pk))
            .item(
                "reverts",
                AttributeValue::L(stamps.iter().map(|t| n(*t)).collect()),
            )
            .item("version", n(version + 1))
            .item("expires", n(now_ms.saturating_add(window_ms) / 1000 + 60))
            .condition_expression("attribute_not_exists(pk) OR version = :v")
            .expression_attribute_values(":v", n(version))
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(classify("dynamodb:PutItem", &err)),
        }
    }

    async fn get(&self, pk: &str) -> Result<Option<HashMap<String, AttributeValue>>, ApiError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("dynamodb:GetItem", &e))?;
        Ok(out.item)
    }
}
