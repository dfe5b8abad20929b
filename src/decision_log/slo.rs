//! Service level objectives over the decision log: the SLIs (availability, remediation success,
//! decision latency, time to remediate, cold starts), error budgets, multi-window burn rates
//! with the SRE workbook's alert rules, and a Lambda cost estimate. Pure arithmetic: records
//! become compact [`Sample`]s, and [`report`] turns samples, `now` and [`Config`] into a
//! [`Report`], so every number can be computed by hand in a test (docs/slo.md).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::DecisionRecord;
use crate::engine::Outcome;
use crate::event::EventTime;

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

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

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

/// A length of time written `<n><unit>`, unit `s`, `m`, `h`, `d` or `w`; printed in the largest of
/// `d`, `h`, `m`, `s` that divides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub millis: i64,
}

impl std::str::FromStr for Window {
    type Err = SloError;
    fn from_str(text: &str) -> Result<Self, SloError> {
        let bad = || SloError::Window(text.to_owned());
        let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (digits, unit) = text.split_at(split);
        let n: i64 = digits.parse().map_err(|_| bad())?;
        let unit_ms = match unit {
            "s" => 1000,
            "m" => MINUTE,
            "h" => HOUR,
            "d" => DAY,
            "w" => 7 * DAY,
            _ => return Err(bad()),
        };
        match n.checked_mul(unit_ms) {
            Some(millis) if millis > 0 => Ok(Self { millis }),
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let units = [("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", 1000)];
        match units.iter().find(|(_, ms)| self.millis % ms == 0) {
            Some((unit, ms)) => write!(f, "{}{unit}", self.millis / ms),
            None => write!(f, "{}ms", self.millis),
        }
    }
}

/// The objectives: the JSON targets file, every key optional, unknown keys rejected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Targets {
    /// Fraction of events decided without error.
    pub availability: f64,
    /// Fraction of counted remediations that succeeded.
    pub remediation_success: f64,
    pub latency: LatencyTarget,
    pub time_to_remediate: TimeToRemediateTarget,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LatencyTarget {
    /// Fraction of decisions with `decide_us` at most `threshold_ms` × 1000.
    pub target: f64,
    pub threshold_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeToRemediateTarget {
    /// Fraction of successful remediations confirmed at most `threshold_s` after the event.
    pub target: f64,
    pub threshold_s: u64,
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            availability: 0.999,
            remediation_success: 0.99,
            latency: LatencyTarget::default(),
            time_to_remediate: TimeToRemediateTarget::default(),
        }
    }
}

impl Default for LatencyTarget {
    fn default() -> Self {
        Self {
            target: 0.99,
            threshold_ms: 100,
        }
    }
}

impl Default for TimeToRemediateTarget {
    fn default() -> Self {
        Self {
            target: 0.99,
            threshold_s: 60,
        }
    }
}

impl Targets {
    /// Read and check a targets file; errors name the file.
    pub fn load(path: &Path) -> Result<Self, SloError> {
        let file = path.display().to_string();
        let text = super::reader::read_small(path).map_err(|e| SloError::ReadTargets {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Self::parse(&text).map_err(|source| SloError::Targets { file, source })
    }

    /// Parse and check the JSON of a targets file.
    pub fn parse(text: &str) -> Result<Self, TargetsError> {
        let targets: Self =
            serde_json::from_str(text).map_err(|e| TargetsError::Json(e.to_string()))?;
        for slo in Slo::ALL {
            let t = targets.target(slo);
            if !(t > 0.0 && t < 1.0) {
                return Err(TargetsError::Target {
                    slo: slo.name(),
                    target: t.to_string(),
                });
            }
        }
        if targets.latency.threshold_ms == 0 || targets.time_to_remediate.threshold_s == 0 {
            return Err(TargetsError::ZeroThreshold);
        }
        Ok(targets)
    }

    pub fn target(&self, slo: Slo) -> f64 {
        match slo {
            Slo::Availability => self.availability,
            Slo::RemediationSuccess => self.remediation_success,
            Slo::Latency => self.latency.target,
            Slo::TimeToRemediate => self.time_to_remediate.target,
        }
    }

    /// The SLO's latency threshold in milliseconds, for the threshold SLOs.
    pub fn threshold_ms(&self, slo: Slo) -> Option<u64> {
        match slo {
            Slo::Latency => Some(self.latency.threshold_ms),
            Slo::TimeToRemediate => Some(self.time_to_remediate.threshold_s.saturating_mul(1000)),
            Slo::Availability | Slo::RemediationSuccess => None,
        }
    }
}

/// Why a targets file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetsError {
    /// serde_json's message (its error is not `Clone`).
    #[error("{0}")]
    Json(String),
    /// A target outside (0, 1), as written.
    #[error("target for `{slo}` is {target}: it must be above 0 and below 1")]
    Target { slo: &'static str, target: String },
    #[error("thresholds must be above 0")]
    ZeroThreshold,
}

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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The end of every window, RFC 3339 UTC.
    pub now: String,
    pub window: String,
    /// Records in the window, (now − window, now].
    pub events: u64,
    /// Records outside the window (older, or decided after `now`).
    pub outside_window: u64,
    /// Records whose `decided_at` does not parse, left out of everything.
    pub undated: u64,
    /// Lines (or whole files) that could not be read as records, left out of everything.
    pub unreadable: u64,
    pub slos: Vec<SloReport>,
    pub decision_latency_us: Percentiles,
    pub time_to_remediate_ms: Percentiles,
    pub cold_starts: u64,
    pub cold_start_ratio: Option<f64>,
    pub cost: Cost,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SloReport {
    pub slo: Slo,
    pub target: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_ms: Option<u64>,
    /// Events in the window that count for this SLO, and the bad ones among them.
    pub total: u64,
    pub bad: u64,
    /// good / total; None with no events.
    pub sli: Option<f64>,
    pub error_budget: f64,
    pub error_budget_remaining: f64,
    pub burn_rates: Vec<Burn>,
    pub page: bool,
    pub ticket: bool,
    /// The alert rules that fired, like `page: burn(1h) >= 14.4 and burn(5m) >= 14.4`.
    pub alerts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Burn {
    pub window: &'static str,
    pub total: u64,
    pub bad: u64,
    pub burn_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Percentiles {
    pub count: u64,
    pub sum: u64,
    pub p50: Option<u64>,
    pub p95: Option<u64>,
    pub p99: Option<u64>,
}

impl Percentiles {
    pub fn of(mut values: Vec<u64>) -> Self {
        values.sort_unstable();
        Self {
            count: values.len() as u64,
            sum: values.iter().fold(0, |a, v| a.saturating_add(*v)),
            p50: percentile(&values, 5000),
            p95: percentile(&values, 9500),
            p99: percentile(&values, 9900),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub arch: Arch,
    pub memory_mb: u32,
    pub mean_billed_ms: f64,
    pub per_million_events_usd: f64,
    pub assumption: &'static str,
}

/// The latest `decided_at` among samples: the default `now`.
pub fn latest(samples: &[Sample]) -> Option<i64> {
    samples.iter().map(|s| s.at_ms).max()
}

/// The report over records; records whose `decided_at` does not parse count as undated.
pub fn compute<'a>(
    records: impl IntoIterator<Item = &'a DecisionRecord>,
    now_ms: i64,
    config: &Config,
) -> Report {
    let mut undated = 0;
    let mut samples = Vec::new();
    for record in records {
        match Sample::from_record(record) {
            Some(sample) => samples.push(sample),
            None => undated += 1,
        }
    }
    Report {
        undated,
        ..report(&samples, now_ms, config)
    }
}

/// The report over samples: SLIs, budgets and percentiles over (now − window, now], burn rates
/// over each of [`BURN_WINDOWS`] ending at `now`.
pub fn report(samples: &[Sample], now_ms: i64, config: &Config) -> Report {
    let targets = &config.targets;
    let start = now_ms.saturating_sub(config.window.millis);
    let in_window = |s: &&Sample| s.at_ms > start && s.at_ms <= now_ms;
    let windowed: Vec<&Sample> = samples.iter().filter(in_window).collect();
    let events = windowed.len() as u64;
    let slos = Slo::ALL
        .iter()
        .map(|&slo| slo_report(slo, samples, &windowed, now_ms, targets))
        .collect();
    let billed: u64 = windowed
        .iter()
        .fold(0, |a, s| a.saturating_add(s.billed_ms));
    let mean_billed_ms = if events == 0 {
        0.0
    } else {
        billed as f64 / events as f64
    };
    let cold_starts = windowed.iter().filter(|s| s.cold_start).count() as u64;
    Report {
        now: EventTime {
            epoch_millis: now_ms,
        }
        .to_rfc3339(),
        window: config.window.to_string(),
        events,
        outside_window: samples.len() as u64 - events,
        undated: 0,
        unreadable: 0,
        slos,
        decision_latency_us: Percentiles::of(windowed.iter().map(|s| s.decide_us).collect()),
        time_to_remediate_ms: Percentiles::of(windowed.iter().filter_map(|s| s.ttr_ms).collect()),
        cold_starts,
        cold_start_ratio: (events > 0).then(|| cold_starts as f64 / events as f64),
        cost: Cost {
            arch: config.arch,
            memory_mb: config.memory_mb,
            mean_billed_ms,
            per_million_events_usd: cost_per_million(mean_billed_ms, config.arch, config.memory_mb),
            assumption: COST_ASSUMPTION,
        },
    }
}

fn count<'a>(samples: impl Iterator<Item = &'a Sample>, slo: Slo, targets: &Targets) -> (u64, u64) {
    samples
        .filter_map(|s| s.bad(slo, targets))
        .fold((0, 0), |(total, bad), b| (total + 1, bad + u64::from(b)))
}

fn slo_report(
    slo: Slo,
    all: &[Sample],
    windowed: &[&Sample],
    now_ms: i64,
    targets: &Targets,
) -> SloReport {
    let target = targets.target(slo);
    let (total, bad) = count(windowed.iter().copied(), slo, targets);
    let burn_rates: Vec<Burn> = BURN_WINDOWS
        .iter()
        .map(|&(window, ms)| {
            let start = now_ms.saturating_sub(ms);
            let (total, bad) = count(
                all.iter().filter(|s| s.at_ms > start && s.at_ms <= now_ms),
                slo,
                targets,
            );
            Burn {
                window,
                total,
                bad,
                burn_rate: burn_rate(bad, total, target),
            }
        })
        .collect();
    let burn = |w: &str| {
        burn_rates
            .iter()
            .find(|b| b.window == w)
            .map_or(0.0, |b| b.burn_rate)
    };
    let alerts: Vec<(Severity, String)> = ALERT_RULES
        .iter()
        .filter(|(_, long, short, t)| reaches(burn(long), *t) && reaches(burn(short), *t))
        .map(|(sev, long, short, t)| {
            (
                *sev,
                format!(
                    "{}: burn({long}) >= {t} and burn({short}) >= {t}",
                    sev.name()
                ),
            )
        })
        .collect();
    SloReport {
        slo,
        target,
        threshold_ms: targets.threshold_ms(slo),
        total,
        bad,
        sli: (total > 0).then(|| (total - bad) as f64 / total as f64),
        error_budget: budget(target),
        error_budget_remaining: budget_remaining(bad, total, target),
        page: alerts.iter().any(|(s, _)| *s == Severity::Page),
        ticket: alerts.iter().any(|(s, _)| *s == Severity::Ticket),
        alerts: alerts.into_iter().map(|(_, text)| text).collect(),
        burn_rates,
    }
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
    fn windows_parse_and_print() {
        for (text, millis) in [
            ("30d", 30 * DAY),
            ("5m", 5 * MINUTE),
            ("90s", 90_000),
            ("14d", 14 * DAY),
        ] {
            let w: Window = text.parse().unwrap();
            assert_eq!(w.millis, millis);
            assert_eq!(w.to_string(), text);
        }
        assert_eq!("36h".parse::<Window>().unwrap().to_string(), "36h");
        assert_eq!("2w".parse::<Window>().unwrap().to_string(), "14d");
        for bad in [
            "",
            "d",
            "0d",
            "30",
            "30x",
            "-1d",
            "1.5h",
            "99999999999999999999d",
        ] {
            assert!(bad.parse::<Window>().is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_default_merge_and_reject() {
        assert_eq!(Targets::parse("{}").unwrap(), Targets::default());
        let t = Targets::parse(r#"{"latency":{"threshold_ms":250}}"#).unwrap();
        assert_eq!(
            t.latency,
            LatencyTarget {
                target: 0.99,
                threshold_ms: 250
            }
        );
        assert!(
            Targets::parse(r#"{"availabilty":0.9}"#)
                .unwrap_err()
                .to_string()
                .contains("availabilty")
        );
        assert!(
            Targets::parse(r#"{"latency":{"p99":1}}"#)
                .unwrap_err()
                .to_string()
                .contains("p99")
        );
        assert!(Targets::parse(r#"{"availability":1.0}"#).is_err());
        assert!(Targets::parse(r#"{"time_to_remediate":{"threshold_s":0}}"#).is_err());
    }

    #[test]
    fn billing_rounds_up_to_whole_milliseconds() {
        assert_eq!(billed_ms(0, 0), 1);
        assert_eq!(billed_ms(1, 0), 1);
        assert_eq!(billed_ms(1000, 0), 1);
        assert_eq!(billed_ms(1001, 0), 2);
        assert_eq!(billed_ms(2500, 40), 43);
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
