//! Keeping reverts safe when AWS or snapback misbehaves: retries with capped, fully jittered
//! exponential backoff under one deadline; circuit breakers per (account, region, service);
//! dead letters so that no event is ever dropped; a flap limit so that two automations cannot
//! fight forever; and duplicate detection for redelivered events.

mod breaker;
mod dead_letter;
mod flap;
mod retry;
mod seen;

pub use breaker::{BreakerConfig, BreakerKey, Breakers, Transition};
pub use dead_letter::{SpoolDir, SpoolError};
pub use flap::FlapLimiter;
pub use retry::{Jitter, RetryPolicy, Retryable, retry};
pub use seen::Seen;
