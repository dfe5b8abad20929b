//! The reactor's state store: which events were decided (so that a duplicate delivery is
//! skipped and exactly one process acts on an event) and how often each resource was reverted
//! (the flap limit). [`StateStore::Local`] keeps both in this process, as `snapback react`
//! with one process needs; [`StateStore::Shared`] keeps them in a DynamoDB table that every
//! Lambda container and every `react` process shares (`--state dynamodb://TABLE`).
//!
//! The store fails open for the event and closed for the account: when the table cannot be
//! reached, the event is still decided and a violation still reverted (reverts are idempotent,
//! so a second one finds nothing to do), and the record says the duplicate check was not made.

use std::time::{Duration, Instant, SystemTime};

use crate::aws::{ApiError, Claim, StateTable};
use crate::resilience::{FlapLimiter, Seen};

use super::Config;
use crate::config::StateLocation;

/// How long a decided event's id is kept: longer than any redelivery (EventBridge retries for
/// up to a day) and than CloudTrail takes to write its log file.
pub const DECIDED_RETENTION: Duration = Duration::from_secs(7 * 86_400);

/// Where the reactor keeps what must outlive one event.
#[derive(Debug)]
pub enum StateStore {
    /// In this process: the last `seen_capacity` event ids and an in-memory flap count.
    Local {
        seen: Option<Seen>,
        flaps: FlapLimiter,
    },
    /// In the shared state table.
    Shared(StateTable),
}

/// A revert taken from the flap limit, to give back if it does not happen.
#[derive(Debug, Clone, Copy)]
pub enum Reserved {
    Local(Instant),
    Shared(u64),
}

impl StateStore {
    /// The in-process store `config` describes.
    pub fn local(config: &Config) -> Self {
        StateStore::Local {
            seen: (config.seen_capacity > 0).then(|| Seen::new(config.seen_capacity)),
            flaps: FlapLimiter::new(config.flap_max, config.flap_window),
        }
    }

    /// The store `config.state` names: the shared table is reached with `sdk`'s credentials,
    /// region and endpoint, and this process is told apart from others by a fresh id.
    pub fn for_config(config: &Config, sdk: &aws_config::SdkConfig) -> Self {
        match &config.state {
            StateLocation::Process => Self::local(config),
            StateLocation::DynamoDb(table) => StateStore::Shared(StateTable::new(
                sdk,
                table,
                &crate::decision_log::recorder::decision_id(),
            )),
        }
    }

    /// Claim an event for this process, for `lease`.
    pub async fn claim(&self, event_id: &str, lease: Duration) -> Result<Claim, ApiError> {
        match self {
            StateStore::Local { seen: None, .. } => Ok(Claim::Won),
            StateStore::Local {
                seen: Some(seen), ..
            } => Ok(if seen.first(event_id) {
                Claim::Won
            } else {
                Claim::Decided
            }),
            StateStore::Shared(table) => table.claim(event_id, lease, SystemTime::now()).await,
        }
    }

    /// The event this process claimed is done.
    pub async fn decided(&self, event_id: &str) -> Result<(), ApiError> {
        match self {
            StateStore::Local { .. } => Ok(()),
            StateStore::Shared(table) => {
                table
                    .decided(event_id, DECIDED_RETENTION, SystemTime::now())
                    .await
            }
        }
    }

    /// Give up a claim, so that the event's redelivery is handled.
    pub async fn release(&self, event_id: &str) -> Result<(), ApiError> {
        match self {
            StateStore::Local { seen, .. } => {
                if let Some(seen) = seen {
                    seen.forget(event_id);
                }
                Ok(())
            }
            StateStore::Shared(table) => table.release(event_id).await,
        }
    }

    /// Which of `event_ids` were already decided (by any process sharing the store).
    pub async fn decided_among(
        &self,
        event_ids: &[String],
    ) -> Result<std::collections::HashSet<String>, ApiError> {
        match self {
            // One process: an id it saw is one it decided (or is deciding).
            StateStore::Local { seen: None, .. } => Ok(Default::default()),
            StateStore::Local {
                seen: Some(seen), ..
            } => Ok(event_ids
                .iter()
                .filter(|id| seen.contains(id))
                .cloned()
                .collect()),
            StateStore::Shared(table) => table.decided_among(event_ids).await,
        }
    }

    /// Take one revert of `key` from the flap limit; `None` when the limit is reached.
    pub async fn reserve_revert(
        &self,
        key: &str,
        max: usize,
        window: Duration,
    ) -> Result<Option<Reserved>, ApiError> {
        match self {
            StateStore::Local { flaps, .. } => {
                let now = Instant::now();
                Ok(flaps.reserve(key, now).then_some(Reserved::Local(now)))
            }
            StateStore::Shared(table) => Ok(table
                .reserve_revert(key, max, window, SystemTime::now())
                .await?
                .map(Reserved::Shared)),
        }
    }

    /// Give back a revert that did not happen.
    pub async fn unreserve_revert(
        &self,
        key: &str,
        reserved: Reserved,
        window: Duration,
    ) -> Result<(), ApiError> {
        match (self, reserved) {
            (StateStore::Local { flaps, .. }, Reserved::Local(at)) => {
                flaps.unreserve(key, at);
                Ok(())
            }
            (StateStore::Shared(table), Reserved::Shared(stamp)) => {
                table.unreserve_revert(key, stamp, window).await
            }
            _ => Ok(()),
        }
    }
}
