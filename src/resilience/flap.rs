//! The flap limit: a resource reverted more than `max` times within `window` is no longer
//! auto-reverted but reported as flapping, so that snapback and another automation (or a
//! persistent human) can never fight forever. State is per process: in the Lambda, per warm
//! container.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct FlapLimiter {
    max: usize,
    window: Duration,
    history: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl FlapLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            history: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `key` may be reverted again at `now`.
    pub fn allow(&self, key: &str, now: Instant) -> bool {
        let Ok(mut history) = self.history.lock() else {
            return true;
        };
        let reverts = history.entry(key.to_owned()).or_default();
        while reverts
            .front()
            .is_some_and(|t| now.duration_since(*t) > self.window)
        {
            reverts.pop_front();
        }
        reverts.len() < self.max
    }

    /// Count a revert of `key`.
    pub fn record(&self, key: &str, now: Instant) {
        if let Ok(mut history) = self.history.lock() {
            history.entry(key.to_owned()).or_default().push_back(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_the_window_only() {
        let f = FlapLimiter::new(2, Duration::from_secs(60));
        let t = Instant::now();
        assert!(f.allow("sg-1", t));
        f.record("sg-1", t);
        f.record("sg-1", t + Duration::from_secs(1));
        assert!(!f.allow("sg-1", t + Duration::from_secs(2)));
        assert!(f.allow("sg-2", t + Duration::from_secs(2)));
        assert!(f.allow("sg-1", t + Duration::from_secs(62)));
    }
}
