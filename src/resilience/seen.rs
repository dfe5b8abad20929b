//! Duplicate deliveries: EventBridge and Lambda deliver at least once, so the same eventID can
//! arrive twice. The last `capacity` event ids are remembered; state-based reverts make any
//! duplicate that slips past harmless anyway.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

#[derive(Debug)]
pub struct Seen {
    capacity: usize,
    ids: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl Seen {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            ids: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }

    /// True the first time an id is offered, false on every repeat while it is remembered.
    pub fn first(&self, id: &str) -> bool {
        let Ok(mut guard) = self.ids.lock() else {
            return true;
        };
        let (set, order) = &mut *guard;
        if set.contains(id) {
            return false;
        }
        set.insert(id.to_owned());
        order.push_back(id.to_owned());
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        true
    }

    /// Whether an id is remembered.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.lock().is_ok_and(|guard| guard.0.contains(id))
    }

    /// Forget an id, so that its next delivery is handled (after a failure handed back).
    pub fn forget(&self, id: &str) {
        if let Ok(mut guard) = self.ids.lock() {
            let (set, order) = &mut *guard;
            if set.remove(id) {
                order.retain(|o| o != id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_seen_until_forgotten() {
        let s = Seen::new(2);
        assert!(s.first("a"));
        assert!(!s.first("a"));
        assert!(s.first("b"));
        assert!(s.first("c"));
        assert!(s.first("a"), "a was forgotten after two newer ids");
    }

    #[test]
    fn a_forgotten_id_is_new_again() {
        let s = Seen::new(4);
        assert!(s.first("a"));
        s.forget("a");
        assert!(s.first("a"));
        assert!(!s.first("a"));
    }
}
