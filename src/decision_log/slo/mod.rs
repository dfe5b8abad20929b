//! Service level objectives over the decision log: the SLIs (availability, remediation success,
//! decision latency, time to remediate, cold starts), error budgets, multi-window burn rates
//! with the SRE workbook's alert rules, and a Lambda cost estimate. Pure arithmetic: records
//! become compact [`Sample`]s, and [`report`] turns samples, `now` and [`Config`] into a
//! [`Report`], so every number can be computed by hand in a test (docs/slo.md).

mod cost;
mod report;
mod targets;
mod window;

use serde::Serialize;

use super::DecisionRecord;
use crate::engine::Outcome;
use crate::event::EventTime;

pub use cost::{
    Arch, COST_ASSUMPTION, Cost, PRICE_PER_MILLION_REQUESTS, billed_ms, cost_per_million,
};
pub use report::{Burn, Percentiles, Report, SloReport, compute, latest, report};
pub use targets::{LatencyTarget, Targets, TargetsError, TimeToRemediateTarget};
pub use window::Window;
use window::{DAY, HOUR, MINUTE};

/// The SLOs, in report order; `name()` is the `slo` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Slo {
    Availability,
    RemediationSuccess,
    Latency,
    TimeToRemediate,
}

impl Slo {
    pub const ALL: [Self; 4] = [
        Self::Availability,
        Self::RemediationSuccess,
        Self::Latency,
        Self::TimeToRemediate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Availability => "availability",
            Self::RemediationSuccess => "remediation_success",
            Self::Latency => "latency",
            Self::TimeToRemediate => "time_to_remediate",
        }
    }
}

/// The burn-rate windows, all ending at `now`: label and length in milliseconds.
pub const BURN_WINDOWS: [(&str, i64); 7] = [
    ("5m", 5 * MINUTE),
    ("30m", 30 * MINUTE),
    ("1h", HOUR),
    ("2h", 2 * HOUR),
    ("6h", 6 * HOUR),
    ("24h", 24 * HOUR),
    ("3d", 3 * DAY),
];

/// The SRE workbook's multi-window, multi-burn-rate rules: severity, long window, short
/// window, burn-rate threshold. A rule fires when both windows burn at least the threshold.
pub const ALERT_RULES: [(Severity, &str, &str, f64); 4] = [
    (Severity::Page, "1h", "5m", 14.4),
    (Severity::Page, "6h", "30m", 6.0),
    (Severity::Ticket, "24h", "2h", 3.0),
    (Severity::Ticket, "3d", "6h", 1.0),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Page,
    Ticket,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Ticket => "ticket",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SloError {
    #[error("cannot read targets file `{file}`: {message}")]
    ReadTargets { file: String, message: String },
    #[error("invalid targets file `{file}`: {source}")]
    Targets { file: String, source: TargetsError },
    #[error(
        "invalid window `{0}`: expected a positive whole number and a unit, like `30d`, `6h`, `5m`"
    )]
    Window(String),
}

/// Everything a report needs besides the records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    pub window: Window,
    pub targets: Targets,
    pub arch: Arch,
    pub memory_mb: u32,
}

/// What one record contributes, kept while the log streams past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// `decided_at`, which places the record in windows.
    pub at_ms: i64,
    pub decide_us: u64,
    /// Billed Lambda duration in whole milliseconds.
    pub billed_ms: u64,
    /// `remediated_at` − `event_time`, for successful remediations with both times.
    pub ttr_ms: Option<u64>,
    pub error: bool,
    /// `RemediationStatus::success()`, when there was a remediation.
    pub remediated: Option<bool>,
    pub cold_start: bool,
}

impl Sample {
    /// None when `decided_at` does not parse (the record cannot be placed in time).
    pub fn from_record(r: &DecisionRecord) -> Option<Self> {
        let at_ms = EventTime::parse(&r.decided_at)?.epoch_millis;
        let remediated = r.remediation.as_ref().and_then(|m| m.status.success());
        let time = |t: &Option<String>| {
            t.as_deref()
                .and_then(EventTime::parse)
                .map(|t| t.epoch_millis)
        };
        let ttr_ms = match (remediated, time(&r.event_time), time(&r.remediated_at)) {
            (Some(true), Some(event), Some(done)) => {
                Some(u64::try_from(done.saturating_sub(event)).unwrap_or(0))
            }
            _ => None,
        };
        let remediation_ms = r.remediation.as_ref().map_or(0, |m| m.duration_ms);
        Some(Self {
            at_ms,
            decide_us: r.decide_us,
            billed_ms: billed_ms(r.decide_us, remediation_ms),
            ttr_ms,
            error: r.decision == Outcome::Error,
            remediated,
            cold_start: r.cold_start,
        })
    }

    /// Whether this sample counts for `slo`, and if so whether it was bad.
    pub fn bad(&self, slo: Slo, targets: &Targets) -> Option<bool> {
        match slo {
            Slo::Availability => Some(self.error),
            Slo::RemediationSuccess => self.remediated.map(|ok| !ok),
            Slo::Latency => {
                Some(self.decide_us > targets.latency.threshold_ms.saturating_mul(1000))
            }
            Slo::TimeToRemediate => {
                let limit = targets.time_to_remediate.threshold_s.saturating_mul(1000);
                self.ttr_ms.map(|ms| ms > limit)
            }
        }
    }
}

/// The nearest-rank percentile of sorted values: the value at 1-based rank
/// ⌈basis_points / 10 000 × n⌉ (at least 1). None when there are no values.
pub fn percentile(sorted: &[u64], basis_points: u64) -> Option<u64> {
    let n = sorted.len() as u64;
    let rank = (basis_points.saturating_mul(n))
        .div_ceil(10_000)
        .clamp(1, n.max(1));
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

/// The error budget, 1 − target, rounded to 12 decimals so that 1 − 0.999 is 0.001.
pub fn budget(target: f64) -> f64 {
    ((1.0 - target) * 1e12).round() / 1e12
}

/// How fast the budget burns: the bad fraction over the budget; 0 with no events.
pub fn burn_rate(bad: u64, total: u64, target: f64) -> f64 {
    if total == 0 {
        0.0
    } else {
        bad as f64 / total as f64 / budget(target)
    }
}

/// The budget left: 1 − bad fraction / budget; negative once it is overspent.
pub fn budget_remaining(bad: u64, total: u64, target: f64) -> f64 {
    1.0 - burn_rate(bad, total, target)
}

/// Whether a burn rate reaches a threshold, allowing for floating-point rounding.
pub fn reaches(burn: f64, threshold: f64) -> bool {
    burn >= threshold * (1.0 - 1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&v, 5000), Some(5));
        assert_eq!(percentile(&v, 9500), Some(10));
        assert_eq!(percentile(&v, 9900), Some(10));
        assert_eq!(percentile(&v, 0), Some(1));
        assert_eq!(percentile(&[7], 9900), Some(7));
        assert_eq!(percentile(&[], 5000), None);
        let hundred: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 9900), Some(99));
        assert_eq!(percentile(&hundred, 9500), Some(95));
    }

    #[test]
    fn budgets_and_burn_rates() {
        assert_eq!(budget(0.999), 0.001);
        assert_eq!(budget_remaining(2, 1000, 0.999), -1.0);
        assert_eq!(burn_rate(0, 0, 0.999), 0.0);
        assert!(reaches(burn_rate(144, 1000, 0.99), 14.4));
        assert!(!reaches(burn_rate(143, 1000, 0.99), 14.4));
    }
}
