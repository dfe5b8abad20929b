//! The flap limit: a resource reverted more than `max` times within `window` is no longer
//! auto-reverted but reported as flapping, so that snapback and another automation (or a
//! persistent human) can never fight forever. This count is per process; across processes
//! (Lambda containers) the shared state table keeps it (`crate::aws::StateTable`).

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

    /// Take a revert of `key` at `now`, if fewer than `max` were taken within the window: the
    /// check and the count at once, so that two threads cannot both take the last one.
    pub fn reserve(&self, key: &str, now: Instant) -> bool {
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
        if reverts.len() >= self.max {
            return false;
        }
        reverts.push_back(now);
        true
    }

    /// Give back a revert taken at `at` that did not happen.
    pub fn unreserve(&self, key: &str, at: Instant) {
        if let Ok(mut history) = self.history.lock()
            && let Some(reverts) = history.get_mut(key)
            && let Some(i) = reverts.iter().rposition(|t| *t == at)
        {
            reverts.remove(i);
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
        assert!(f.reserve("sg-1", t));
        assert!(f.reserve("sg-1", t + Duration::from_secs(1)));
        assert!(!f.reserve("sg-1", t + Duration::from_secs(2)));
        assert!(f.reserve("sg-2", t + Duration::from_secs(2)));
        assert!(f.reserve("sg-1", t + Duration::from_secs(62)));
    }

    #[test]
    fn a_reserved_revert_given_back_does_not_count() {
        let f = FlapLimiter::new(1, Duration::from_secs(60));
        let t = Instant::now();
        assert!(f.reserve("sg-1", t));
        assert!(!f.reserve("sg-1", t));
        f.unreserve("sg-1", t);
        assert!(f.reserve("sg-1", t));
    }
}
