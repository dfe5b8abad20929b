//! Reading history from the CloudTrail API: LookupEvents over a time window, page by page.
//!
//! LookupEvents allows about two requests per second per account and region, so calls are
//! paced (at least [`Pacing::interval`] apart) and a throttled or transient failure is retried
//! with capped, fully jittered exponential backoff; only after [`Pacing::max_attempts`]
//! attempts at one page does the lookup give up; what was read until then is kept.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant, SystemTime};

use aws_config::{Region, SdkConfig};
use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};

use super::{ApiError, ErrorKind, classify};

/// How fast LookupEvents may be called, and how hard to retry.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// The least time between two calls (500 ms: two per second).
    pub interval: Duration,
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

impl Pacing {
    /// A random pause below `min(backoff_cap, backoff_base * 2^(attempt - 1))` (full jitter),
    /// never shorter than the pacing interval.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let ceiling = self
            .backoff_base
            .saturating_mul(factor)
            .min(self.backoff_cap);
        // A fresh RandomState is randomly keyed: its hash of anything is a random number.
        let random = RandomState::new().hash_one(attempt) >> 11;
        let fraction = random as f64 / (1u64 << 53) as f64;
        ceiling.mul_f64(fraction).max(self.interval)
    }
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            interval: Duration::from_millis(500),
            max_attempts: 8,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(20),
        }
    }
}

/// Which events to look up in one region.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub region: String,
    pub start: Option<SystemTime>,
    pub end: Option<SystemTime>,
    /// Only write (not read-only) events: the only ones a policy can find non-compliant.
    pub writes_only: bool,
}

/// One page of events: each is the CloudTrail record as the JSON text LookupEvents returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub number: usize,
    pub records: Vec<String>,
}

/// What a lookup did: pages read, calls made (retries included), throttles met.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LookupStats {
    pub pages: usize,
    pub calls: usize,
    pub throttled: usize,
}

/// Pages through LookupEvents in one region, pacing and retrying its calls.
#[derive(Debug)]
pub struct Pager {
    client: aws_sdk_cloudtrail::Client,
    lookup: Lookup,
    pacing: Pacing,
    writes_only: Option<LookupAttribute>,
    token: Option<String>,
    last_call: Option<Instant>,
    finished: bool,
    pub stats: LookupStats,
}

const CALL: &str = "cloudtrail:LookupEvents";

impl Pager {
    pub fn new(config: &SdkConfig, lookup: Lookup, pacing: Pacing) -> Self {
        let client = aws_sdk_cloudtrail::Client::from_conf(
            aws_sdk_cloudtrail::config::Builder::from(config)
                .region(Region::new(lookup.region.clone()))
                .build(),
        );
        // Both fields are set, so building cannot fail.
        let writes_only = lookup
            .writes_only
            .then(|| {
                LookupAttribute::builder()
                    .attribute_key(LookupAttributeKey::ReadOnly)
                    .attribute_value("false")
                    .build()
                    .ok()
            })
            .flatten();
        Self {
            client,
            lookup,
            pacing,
            writes_only,
            token: None,
            last_call: None,
            finished: false,
            stats: LookupStats::default(),
        }
    }

    pub fn region(&self) -> &str {
        &self.lookup.region
    }

    /// The next page, None after the last one. After an error that retries could not fix,
    /// the pager is finished.
    pub async fn next_page(&mut self) -> Option<Result<Page, ApiError>> {
        if self.finished {
            return None;
        }
        let max_attempts = self.pacing.max_attempts.max(1);
        let mut attempt = 0;
        let output = loop {
            attempt += 1;
            if let Some(at) = self.last_call {
                let since = at.elapsed();
                if since < self.pacing.interval {
                    tokio::time::sleep(self.pacing.interval - since).await;
                }
            }
            self.last_call = Some(Instant::now());
            self.stats.calls += 1;
            let mut call = self
                .client
                .lookup_events()
                .max_results(50)
                .set_next_token(self.token.clone());
            if let Some(start) = self.lookup.start {
                call = call.start_time(DateTime::from(start));
            }
            if let Some(end) = self.lookup.end {
                call = call.end_time(DateTime::from(end));
            }
            if let Some(attribute) = &self.writes_only {
                call = call.lookup_attributes(attribute.clone());
            }
            match call.send().await {
                Ok(output) => break output,
                Err(e) => {
                    let err = classify(CALL, &e);
                    if err.kind == ErrorKind::Throttled {
                        self.stats.throttled += 1;
                    }
                    if !err.retryable() || attempt >= max_attempts {
                        self.finished = true;
                        return Some(Err(err));
                    }
                    let pause = self.pacing.backoff(attempt);
                    tracing::debug!(?pause, attempt, "{err}");
                    tokio::time::sleep(pause).await;
                }
            }
        };
        self.stats.pages += 1;
        self.token = output.next_token().map(str::to_owned);
        self.finished = self.token.is_none();
        Some(Ok(Page {
            number: self.stats.pages,
            records: output
                .events()
                .iter()
                .filter_map(|e| e.cloud_trail_event().map(str::to_owned))
                .collect(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_between_the_interval_and_the_capped_ceiling() {
        let pacing = Pacing {
            interval: Duration::from_millis(10),
            max_attempts: 8,
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_millis(300),
        };
        for attempt in 1..40 {
            let pause = pacing.backoff(attempt);
            assert!(pause >= pacing.interval, "{pause:?}");
            assert!(pause < Duration::from_millis(300), "{pause:?}");
        }
        assert!(pacing.backoff(1) < Duration::from_millis(100));
        let pauses: std::collections::BTreeSet<Duration> =
            (0..20).map(|_| pacing.backoff(5)).collect();
        assert!(pauses.len() > 1, "the pause is jittered");
    }
}
