//! The Lambda cost estimate of an SLO report: billed duration per event and the price of a
//! million events on each architecture.

use serde::Serialize;

/// The Lambda architecture, which sets the price per GB-second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Arch {
    #[serde(rename = "arm64")]
    Arm64,
    #[serde(rename = "x86_64")]
    X86_64,
}

impl Arch {
    pub fn name(self) -> &'static str {
        match self {
            Self::Arm64 => "arm64",
            Self::X86_64 => "x86_64",
        }
    }

    /// USD per GB-second of billed duration (us-east-1, first pricing tier).
    pub fn price_per_gb_second(self) -> f64 {
        match self {
            Self::Arm64 => 0.000_013_333_4,
            Self::X86_64 => 0.000_016_666_7,
        }
    }
}

/// USD per million requests.
pub const PRICE_PER_MILLION_REQUESTS: f64 = 0.20;

/// What the cost estimate assumes, printed with it.
pub const COST_ASSUMPTION: &str = "one Lambda invocation per event at $0.20 per million requests plus \
     billed duration (decide_us + remediation duration_ms, rounded up to whole ms, at least 1 ms) \
     x memory x price per GB-second; excludes free tier, init duration, and the AWS APIs called";

/// Billed Lambda milliseconds for one event: the decision plus the remediation, rounded up to
/// a whole millisecond, at least 1.
pub fn billed_ms(decide_us: u64, remediation_ms: u64) -> u64 {
    decide_us
        .div_ceil(1000)
        .saturating_add(remediation_ms)
        .max(1)
}

/// USD per million events at a mean billed duration.
pub fn cost_per_million(mean_billed_ms: f64, arch: Arch, memory_mb: u32) -> f64 {
    let gb = f64::from(memory_mb) / 1024.0;
    PRICE_PER_MILLION_REQUESTS + mean_billed_ms / 1000.0 * gb * arch.price_per_gb_second() * 1e6
}

/// The cost estimate over the window, with what it assumes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub arch: Arch,
    pub memory_mb: u32,
    pub mean_billed_ms: f64,
    pub per_million_events_usd: f64,
    pub assumption: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_rounds_up_to_whole_milliseconds() {
        assert_eq!(billed_ms(0, 0), 1);
        assert_eq!(billed_ms(1, 0), 1);
        assert_eq!(billed_ms(1000, 0), 1);
        assert_eq!(billed_ms(1001, 0), 2);
        assert_eq!(billed_ms(2500, 40), 43);
    }
}
