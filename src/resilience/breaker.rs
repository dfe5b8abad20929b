//! Circuit breakers, one per (account, region, service). A breaker opens after `consecutive`
//! failures in a row, or when at least `min_calls` of the last `window` calls include more than
//! `failure_ratio` failures; while open, nothing is attempted; after `cool_down` it half-opens
//! and lets one call through, which closes it on success or reopens it on failure. Every
//! transition is logged and counted.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BreakerKey {
    pub account: String,
    pub region: String,
    pub service: String,
}

impl std::fmt::Display for BreakerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.account, self.region, self.service)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerConfig {
    pub consecutive: u32,
    pub window: usize,
    pub min_calls: usize,
    pub failure_ratio: f64,
    pub cool_down: Duration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            consecutive: 5,
            window: 20,
            min_calls: 10,
            failure_ratio: 0.5,
            cool_down: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed,
    Open { since: Instant },
    HalfOpen { trial_out: bool },
}

/// A state change, as logged and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Opened,
    HalfOpened,
    Closed,
}

#[derive(Debug)]
struct Breaker {
    state: State,
    consecutive: u32,
    recent: VecDeque<bool>,
}

/// All breakers of one process.
#[derive(Debug, Default)]
pub struct Breakers {
    config: BreakerConfig,
    breakers: Mutex<HashMap<BreakerKey, Breaker>>,
    pub opened: AtomicU64,
    pub half_opened: AtomicU64,
    pub closed: AtomicU64,
}

impl Breakers {
    pub fn new(config: BreakerConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    fn transition(&self, key: &BreakerKey, t: Transition) {
        let counter = match t {
            Transition::Opened => &self.opened,
            Transition::HalfOpened => &self.half_opened,
            Transition::Closed => &self.closed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(breaker = %key, transition = ?t, "circuit breaker");
    }

    /// Whether a call may go ahead now. A half-open breaker lets one trial through at a time.
    pub fn allow(&self, key: &BreakerKey, now: Instant) -> bool {
        let Ok(mut map) = self.breakers.lock() else {
            return true;
        };
        let breaker = map.entry(key.clone()).or_insert_with(|| Breaker {
            state: State::Closed,
            consecutive: 0,
            recent: VecDeque::new(),
        });
        match breaker.state {
            State::Closed => true,
            State::Open { since } if now.duration_since(since) >= self.config.cool_down => {
                breaker.state = State::HalfOpen { trial_out: true };
                self.transition(key, Transition::HalfOpened);
                true
            }
            State::Open { .. } => false,
            State::HalfOpen { trial_out: false } => {
                breaker.state = State::HalfOpen { trial_out: true };
                true
            }
            State::HalfOpen { trial_out: true } => false,
        }
    }

    /// Record the outcome of a call that `allow` let through.
    pub fn record(&self, key: &BreakerKey, success: bool, now: Instant) {
        let Ok(mut map) = self.breakers.lock() else {
            return;
        };
        let Some(breaker) = map.get_mut(key) else {
            return;
        };
        breaker.recent.push_back(success);
        while breaker.recent.len() > self.config.window {
            breaker.recent.pop_front();
        }
        breaker.consecutive = if success { 0 } else { breaker.consecutive + 1 };
        match (breaker.state, success) {
            (State::HalfOpen { .. }, true) => {
                breaker.state = State::Closed;
                breaker.recent.clear();
                self.transition(key, Transition::Closed);
            }
            (State::HalfOpen { .. }, false) => {
                breaker.state = State::Open { since: now };
                self.transition(key, Transition::Opened);
            }
            (State::Closed, false) => {
                let failures = breaker.recent.iter().filter(|ok| !**ok).count();
                let ratio_trips = breaker.recent.len() >= self.config.min_calls
                    && failures as f64 / breaker.recent.len() as f64 > self.config.failure_ratio;
                if breaker.consecutive >= self.config.consecutive || ratio_trips {
                    breaker.state = State::Open { since: now };
                    self.transition(key, Transition::Opened);
                }
            }
            _ => {}
        }
    }

    pub fn is_open(&self, key: &BreakerKey) -> bool {
        self.breakers
            .lock()
            .ok()
            .and_then(|m| m.get(key).map(|b| matches!(b.state, State::Open { .. })))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> BreakerKey {
        BreakerKey {
            account: "1".into(),
            region: "r".into(),
            service: "ec2".into(),
        }
    }

    /// Breakers that open after `consecutive` failures in a row and stay open `cool_down`.
    fn after_failures(consecutive: u32, cool_down: Duration) -> Breakers {
        Breakers::new(BreakerConfig {
            consecutive,
            cool_down,
            ..BreakerConfig::default()
        })
    }

    /// One call at `at`, which the breaker must let through, that succeeds when `ok`.
    fn call(b: &Breakers, ok: bool, at: Instant) {
        assert!(b.allow(&key(), at));
        b.record(&key(), ok, at);
    }

    #[test]
    fn opens_after_consecutive_failures_then_half_opens_and_closes() {
        let b = after_failures(3, Duration::from_secs(10));
        let t0 = Instant::now();
        for _ in 0..3 {
            call(&b, false, t0);
        }
        assert!(b.is_open(&key()));
        assert!(!b.allow(&key(), t0 + Duration::from_secs(5)));
        let later = t0 + Duration::from_secs(11);
        assert!(b.allow(&key(), later), "half-open lets one trial through");
        assert!(!b.allow(&key(), later), "but only one");
        b.record(&key(), true, later);
        assert!(b.allow(&key(), later));
        assert_eq!(b.opened.load(Ordering::Relaxed), 1);
        assert_eq!(b.half_opened.load(Ordering::Relaxed), 1);
        assert_eq!(b.closed.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn opens_on_failure_ratio() {
        let b = Breakers::new(BreakerConfig {
            consecutive: 100,
            window: 10,
            min_calls: 10,
            failure_ratio: 0.5,
            ..BreakerConfig::default()
        });
        let t = Instant::now();
        for i in 0..10 {
            call(&b, i % 3 == 2, t);
        }
        assert!(b.is_open(&key()));
    }

    #[test]
    fn a_failed_trial_reopens() {
        let b = after_failures(1, Duration::from_secs(1));
        let t = Instant::now();
        call(&b, false, t);
        call(&b, false, t + Duration::from_secs(2));
        assert!(b.is_open(&key()));
        assert_eq!(b.opened.load(Ordering::Relaxed), 2);
    }
}
