//! The SLO report: SLIs, error budgets and percentiles over the window, burn rates over each
//! of [`BURN_WINDOWS`] and the alert rules that fire.

use serde::Serialize;

use super::{
    ALERT_RULES, BURN_WINDOWS, COST_ASSUMPTION, Config, Cost, DecisionRecord, Sample, Severity,
    Slo, Targets, budget, budget_remaining, burn_rate, cost_per_million, percentile, reaches,
};
use crate::event::EventTime;

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
