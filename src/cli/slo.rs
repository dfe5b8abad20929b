//! `snapback slo`: read decision logs as a stream, keep a compact sample per record, and print
//! the SLIs, error budgets, burn rates, alerts and cost estimate of
//! [`crate::decision_log::slo`] as a table, one JSON object, or Prometheus text exposition. A
//! line that cannot be read as a record is an error naming its file and line, counted as
//! `unreadable` in the report, and makes the exit code 1: an SLO computed over a log with
//! holes must not look like one computed over the whole log.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use super::Exit;
use crate::decision_log::reader;
use crate::decision_log::slo::{self, Arch, Config, Report, Sample, Targets, Window};
use crate::event::EventTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A report for people at a terminal
    Table,
    /// One JSON object
    Json,
    /// Prometheus text exposition format (version 0.0.4)
    Prometheus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ArchArg {
    Arm64,
    #[value(name = "x86_64")]
    X86_64,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Decision log files or directories (.jsonl, .json, .log, optionally .gz)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// The SLO window, ending at --now: a whole number and s, m, h, d or w
    #[arg(long, default_value = "30d", value_name = "DURATION")]
    pub window: Window,
    /// JSON file of targets; missing keys keep their defaults (docs/slo.md)
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// The end of every window (RFC 3339) [default: the latest decided_at in the log]
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<EventTime>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Lambda memory size, for the cost estimate
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(128..=10240))]
    pub memory_mb: u32,
    /// Lambda architecture, for the cost estimate
    #[arg(long, value_enum, default_value = "arm64")]
    pub arch: ArchArg,
}

fn parse_now(text: &str) -> Result<EventTime, String> {
    EventTime::parse(text).ok_or_else(|| format!("`{text}` is not an RFC 3339 time"))
}

pub fn run(args: &Args) -> Exit {
    let targets = match &args.targets {
        None => Targets::default(),
        Some(path) => match Targets::load(path) {
            Ok(targets) => targets,
            Err(err) => {
                eprintln!("error: {err}");
                return Exit::Error;
            }
        },
    };
    let arch = match args.arch {
        ArchArg::Arm64 => Arch::Arm64,
        ArchArg::X86_64 => Arch::X86_64,
    };
    let config = Config {
        window: args.window,
        targets,
        arch,
        memory_mb: args.memory_mb,
    };
    let mut samples = Vec::new();
    let mut undated = 0;
    let mut unreadable = 0;
    reader::records(&args.paths, &mut |item| {
        match item {
            Ok(read) => match Sample::from_record(&read.record) {
                Some(sample) => samples.push(sample),
                None => {
                    undated += 1;
                    eprintln!(
                        "error: {}:{}: `decided_at` is not an RFC 3339 time",
                        read.file, read.line
                    );
                }
            },
            Err(err) => {
                unreadable += 1;
                eprintln!("error: {err}");
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    let now = args
        .now
        .map(|t| t.epoch_millis)
        .or_else(|| slo::latest(&samples))
        .unwrap_or_else(wall_clock);
    let report = Report {
        undated,
        unreadable,
        ..slo::report(&samples, now, &config)
    };
    let text = match args.format {
        Format::Table => table(&report),
        Format::Json => serde_json::to_string_pretty(&report)
            .map(|j| j + "\n")
            .unwrap_or_default(),
        Format::Prometheus => prometheus(&report),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if undated + unreadable > 0 {
        Exit::Error
    } else {
        Exit::Ok
    }
}

fn wall_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0))
}

fn percent(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "-".to_owned(), |r| format!("{:.3}%", r * 100.0))
}

fn millis(us: Option<u64>) -> String {
    us.map_or_else(
        || "-".to_owned(),
        |us| format!("{:.3} ms", us as f64 / 1000.0),
    )
}

fn seconds(ms: Option<u64>) -> String {
    ms.map_or_else(
        || "-".to_owned(),
        |ms| format!("{:.3} s", ms as f64 / 1000.0),
    )
}

/// The human report.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let unreadable = match r.unreadable {
        0 => String::new(),
        n => format!(", {n} unreadable"),
    };
    let _ = writeln!(
        out,
        "{} events in the {} window ending {} ({} outside it, {} undated{unreadable})\n",
        r.events, r.window, r.now, r.outside_window, r.undated
    );
    let burns: String = slo::BURN_WINDOWS
        .iter()
        .map(|(w, _)| format!(" {:>7}", format!("b{w}")))
        .collect();
    let _ = writeln!(
        out,
        "{:<26} {:>8} {:>9} {:>7} {:>6} {:>11}{burns}  ALERT",
        "SLO", "TARGET", "SLI", "EVENTS", "BAD", "BUDGET LEFT"
    );
    for s in &r.slos {
        let name = match s.threshold_ms {
            Some(ms) if ms % 1000 == 0 && ms >= 1000 => {
                format!("{} <= {} s", s.slo.name(), ms / 1000)
            }
            Some(ms) => format!("{} <= {ms} ms", s.slo.name()),
            None => s.slo.name().to_owned(),
        };
        let burns: String = s
            .burn_rates
            .iter()
            .map(|b| format!(" {:>7.2}", b.burn_rate))
            .collect();
        let alert = match (s.page, s.ticket) {
            (true, true) => "PAGE+TICKET",
            (true, false) => "PAGE",
            (false, true) => "TICKET",
            (false, false) => "-",
        };
        let _ = writeln!(
            out,
            "{name:<26} {:>8} {:>9} {:>7} {:>6} {:>11}{burns}  {alert}",
            percent(Some(s.target)),
            percent(s.sli),
            s.total,
            s.bad,
            format!("{:.1}%", s.error_budget_remaining * 100.0),
        );
    }
    let l = &r.decision_latency_us;
    let t = &r.time_to_remediate_ms;
    let _ = writeln!(
        out,
        "\ndecision latency   p50 {}  p95 {}  p99 {}  ({} decisions)",
        millis(l.p50),
        millis(l.p95),
        millis(l.p99),
        l.count
    );
    let _ = writeln!(
        out,
        "time to remediate  p50 {}  p95 {}  p99 {}  ({} remediations)",
        seconds(t.p50),
        seconds(t.p95),
        seconds(t.p99),
        t.count
    );
    let _ = writeln!(
        out,
        "cold starts        {} of {} ({})",
        r.cold_starts,
        r.events,
        percent(r.cold_start_ratio)
    );
    let c = &r.cost;
    let _ = writeln!(
        out,
        "cost               ${:.4} per million events ({}, {} MB, mean billed duration {:.3} ms)\n                   assumes {}",
        c.per_million_events_usd,
        c.arch.name(),
        c.memory_mb,
        c.mean_billed_ms,
        c.assumption
    );
    let alerts: Vec<String> = r
        .slos
        .iter()
        .flat_map(|s| {
            s.alerts
                .iter()
                .map(move |a| format!("{}: {a}", s.slo.name()))
        })
        .collect();
    if alerts.is_empty() {
        let _ = writeln!(out, "alerts             none");
    }
    for (i, a) in alerts.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}{a}",
            if i == 0 {
                "alerts             "
            } else {
                "                   "
            }
        );
    }
    out
}

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
