//! Retries: exponential backoff with full jitter (sleep a random time in
//! `[0, min(cap, base * 2^attempt))`), only for retryable errors, never past the deadline.
//! Generic over the error: [`Retryable`] says which errors are worth another attempt, so this
//! module knows nothing of AWS.

use std::future::Future;
use std::time::{Duration, Instant};

/// What [`retry`] needs to know about an error.
pub trait Retryable {
    /// Worth another attempt (throttling, a transient failure).
    fn retryable(&self) -> bool;
    /// The error to end with when the deadline passes, before an attempt or (`mid_call`)
    /// during one.
    fn deadline_passed(mid_call: bool) -> Self;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(3),
        }
    }
}

impl RetryPolicy {
    /// The longest the sleep before attempt `attempt` (1-based, so 1 is the first retry) may be.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }
}

/// A small, seedable source of jitter (xorshift64*); no cryptographic use.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    /// Seeded from the clock and an address, different per process and call site.
    pub fn from_clock() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let local = 0u8;
        Self::new(nanos ^ (&raw const local as u64).rotate_left(32))
    }

    /// A uniform fraction in [0, 1).
    pub fn fraction(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, ceiling: Duration) -> Duration {
        ceiling.mul_f64(self.fraction())
    }
}

/// Run `op` until it succeeds, fails with a non-retryable error, runs out of attempts, or
/// would pass `deadline`. Returns the last result and the number of attempts made.
pub async fn retry<T, E, F, Fut>(
    policy: &RetryPolicy,
    deadline: Instant,
    jitter: &mut Jitter,
    mut op: F,
) -> (Result<T, E>, u32)
where
    E: Retryable + std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return (Err(E::deadline_passed(false)), attempt - 1);
        }
        let result = match tokio::time::timeout(remaining, op()).await {
            Ok(result) => result,
            Err(_) => Err(E::deadline_passed(true)),
        };
        match result {
            Ok(value) => return (Ok(value), attempt),
            Err(err) if !err.retryable() || attempt >= policy.max_attempts => {
                return (Err(err), attempt);
            }
            Err(err) => {
                let pause = jitter.below(policy.ceiling(attempt));
                if Instant::now() + pause >= deadline {
                    return (Err(err), attempt);
                }
                tracing::debug!(attempt, ?pause, error = %err, "retrying");
                tokio::time::sleep(pause).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A test error: retryable or not, or the deadline's.
    #[derive(Debug, PartialEq)]
    enum Fail {
        Retryable,
        Permanent,
        Deadline(bool),
    }

    impl std::fmt::Display for Fail {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{self:?}")
        }
    }

    impl Retryable for Fail {
        fn retryable(&self) -> bool {
            *self == Self::Retryable
        }

        fn deadline_passed(mid_call: bool) -> Self {
            Self::Deadline(mid_call)
        }
    }

    #[test]
    fn ceilings_grow_and_cap() {
        let p = RetryPolicy {
            max_attempts: 10,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        };
        assert_eq!(p.ceiling(1), Duration::from_millis(100));
        assert_eq!(p.ceiling(2), Duration::from_millis(200));
        assert_eq!(p.ceiling(4), Duration::from_millis(800));
        assert_eq!(p.ceiling(5), Duration::from_secs(1));
        assert_eq!(p.ceiling(64), Duration::from_secs(1));
    }

    #[test]
    fn jitter_stays_below_the_ceiling() {
        let mut j = Jitter::new(42);
        for _ in 0..1000 {
            let d = j.below(Duration::from_millis(50));
            assert!(d < Duration::from_millis(50));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retries_only_retryable_errors() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        let calls = Cell::new(0);
        let (result, attempts) = retry(&policy, deadline, &mut Jitter::new(1), || {
            calls.set(calls.get() + 1);
            async { Err::<(), _>(Fail::Permanent) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!((attempts, calls.get()), (1, 1));

        let calls = Cell::new(0);
        let (result, attempts) = retry(&policy, deadline, &mut Jitter::new(1), || {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move { if n < 3 { Err(Fail::Retryable) } else { Ok(n) } }
        })
        .await;
        assert_eq!(result.ok(), Some(3));
        assert_eq!(attempts, 3);

        let (result, attempts) = retry(&policy, deadline, &mut Jitter::new(1), || async {
            Err::<(), _>(Fail::Retryable)
        })
        .await;
        assert!(result.is_err());
        assert_eq!(attempts, 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_passed_deadline_ends_with_the_errors_own_deadline_value() {
        let policy = RetryPolicy::default();
        let (result, attempts) = retry(&policy, Instant::now(), &mut Jitter::new(1), || async {
            Ok::<(), Fail>(())
        })
        .await;
        assert_eq!((result, attempts), (Err(Fail::Deadline(false)), 0));
    }
}
