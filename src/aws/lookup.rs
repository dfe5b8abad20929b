//! Reading history from the CloudTrail API: LookupEvents over a time window, page by page.
//!
//! LookupEvents allows about two requests per second per account and region, so calls are
//! paced (at least [`Pacing::interval`] apart) and a throttled or transient failure is retried
//! with capped, fully jittered exponential backoff; only after [`Pacing::max_attempts`]
//! attempts at one page does the lookup give up; what was read until then is kept.

use std::time::{Duration, Instant, SystemTime};

use aws_config::{Region, SdkConfig};
use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};

use super::{ApiError, ErrorKind, classify};
use crate::resilience::{Jitter, RetryPolicy};

/// How fast LookupEvents may be called, and how hard to retry.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// The least time between two calls (500 ms: two per second).
    pub interval: Duration,
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
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
    jitter: Jitter,
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
            jitter: Jitter::from_clock(),
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
        let policy = RetryPolicy {
            max_attempts: self.pacing.max_attempts.max(1),
            base: self.pacing.backoff_base,
            cap: self.pacing.backoff_cap,
        };
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
                    if !err.retryable() || attempt >= policy.max_attempts {
                        self.finished = true;
                        return Some(Err(err));
                    }
                    // Wait out at least the pacing interval, plus jittered backoff.
                    let pause = self
                        .jitter
                        .below(policy.ceiling(attempt))
                        .max(self.pacing.interval);
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
