//! `snapback slo`: read decision logs as a stream, keep a compact sample per record, and print
//! the SLIs, error budgets, burn rates, alerts and cost estimate of
//! [`crate::decision_log::slo`] as a table, one JSON object, or Prometheus text exposition. A
//! line that cannot be read as a record is an error naming its file and line, counted as
//! `unreadable` in the report, and makes the exit code 1: an SLO computed over a log with
//! holes must not look like one computed over the whole log.

mod prometheus;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

pub use prometheus::prometheus;

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
