//! The SLO report in the Prometheus text exposition format: per-SLO gauges, burn rates and
//! alert states, latency summaries and the cost estimate.

use std::fmt::Write as _;

use crate::decision_log::slo::{self, Report};

/// A sample value as the exposition format spells it.
fn value(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{v}")
    }
}

struct Exposition(String);

impl Exposition {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], v: f64) {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
        let labels = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", labels.join(","))
        };
        let _ = writeln!(self.0, "{name}{labels} {}", value(v));
    }

    /// A summary in seconds of integer values, `per_second` of which make a second.
    fn summary(&mut self, name: &str, help: &str, p: &slo::Percentiles, per_second: f64) {
        self.family(name, "summary", help);
        for (q, v) in [("0.5", p.p50), ("0.95", p.p95), ("0.99", p.p99)] {
            self.sample(
                name,
                &[("quantile", q)],
                v.map_or(f64::NAN, |v| v as f64 / per_second),
            );
        }
        self.sample(&format!("{name}_sum"), &[], p.sum as f64 / per_second);
        self.sample(&format!("{name}_count"), &[], p.count as f64);
    }
}

/// A per-SLO gauge: name, help, and its value in an SLO's report.
type SloGauge = (&'static str, &'static str, fn(&slo::SloReport) -> f64);

/// The report in the Prometheus text exposition format, for a textfile collector or pushgateway.
pub fn prometheus(r: &Report) -> String {
    let mut e = Exposition(String::new());
    let per_slo: [SloGauge; 5] = [
        (
            "snapback_slo_sli_ratio",
            "Good events over valid events in the SLO window (NaN with none).",
            |s| s.sli.unwrap_or(f64::NAN),
        ),
        (
            "snapback_slo_target_ratio",
            "The SLO's target ratio.",
            |s| s.target,
        ),
        (
            "snapback_slo_error_budget_remaining_ratio",
            "1 - bad fraction / (1 - target) over the SLO window; negative when overspent.",
            |s| s.error_budget_remaining,
        ),
        (
            "snapback_slo_valid_events",
            "Events that count for the SLO in the SLO window.",
            |s| s.total as f64,
        ),
        (
            "snapback_slo_bad_events",
            "Bad events for the SLO in the SLO window.",
            |s| s.bad as f64,
        ),
    ];
    for (name, help, get) in per_slo {
        e.family(name, "gauge", help);
        for s in &r.slos {
            e.sample(name, &[("slo", s.slo.name())], get(s));
        }
    }
    e.family(
        "snapback_slo_burn_rate",
        "gauge",
        "Bad fraction over (1 - target) in a window ending at the report time.",
    );
    for s in &r.slos {
        for b in &s.burn_rates {
            e.sample(
                "snapback_slo_burn_rate",
                &[("slo", s.slo.name()), ("window", b.window)],
                b.burn_rate,
            );
        }
    }
    e.family(
        "snapback_slo_alert",
        "gauge",
        "1 when a multi-window multi-burn-rate alert rule fires.",
    );
    for s in &r.slos {
        for (severity, firing) in [("page", s.page), ("ticket", s.ticket)] {
            e.sample(
                "snapback_slo_alert",
                &[("slo", s.slo.name()), ("severity", severity)],
                f64::from(u8::from(firing)),
            );
        }
    }
    e.summary(
        "snapback_decision_latency_seconds",
        "Decision latency (decide_us), nearest-rank quantiles over the SLO window.",
        &r.decision_latency_us,
        1e6,
    );
    e.summary(
        "snapback_time_to_remediate_seconds",
        "remediated_at - event_time of successful remediations, nearest-rank quantiles over the SLO window.",
        &r.time_to_remediate_ms,
        1e3,
    );
    e.family(
        "snapback_cold_start_ratio",
        "gauge",
        "Cold-start records over all records in the SLO window.",
    );
    e.sample(
        "snapback_cold_start_ratio",
        &[],
        r.cold_start_ratio.unwrap_or(f64::NAN),
    );
    e.family(
        "snapback_events_total",
        "gauge",
        "Decision records in the SLO window.",
    );
    e.sample("snapback_events_total", &[], r.events as f64);
    e.family(
        "snapback_unreadable_records",
        "gauge",
        "Log lines (or files) that could not be read as decision records; the report left them out.",
    );
    e.sample("snapback_unreadable_records", &[], r.unreadable as f64);
    e.family(
        "snapback_cost_per_million_events_usd",
        "gauge",
        "Estimated Lambda cost per million events: requests plus mean billed duration x memory x GB-second price.",
    );
    let memory = r.cost.memory_mb.to_string();
    e.sample(
        "snapback_cost_per_million_events_usd",
        &[("arch", r.cost.arch.name()), ("memory_mb", &memory)],
        r.cost.per_million_events_usd,
    );
    e.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision_log::slo::{Arch, Config, Targets, Window};

    #[test]
    fn values_use_the_exposition_spellings() {
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(f64::INFINITY), "+Inf");
        assert_eq!(value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(value(1.0), "1");
        assert_eq!(value(0.998), "0.998");
        assert_eq!(value(0.000_000_1), "0.0000001");
    }

    #[test]
    fn empty_report_is_valid_exposition() {
        let config = Config {
            window: Window { millis: 1000 },
            targets: Targets::default(),
            arch: Arch::Arm64,
            memory_mb: 128,
        };
        let text = prometheus(&slo::report(&[], 0, &config));
        assert!(text.contains("snapback_slo_sli_ratio{slo=\"availability\"} NaN\n"));
        assert!(text.contains("snapback_decision_latency_seconds_count 0\n"));
        assert!(text.contains("snapback_slo_burn_rate{slo=\"latency\",window=\"3d\"} 0\n"));
    }
}
