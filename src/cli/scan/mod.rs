//! `snapback scan`: find non-compliant changes that already happened, in a CloudTrail archive
//! on disk or in S3, or through the CloudTrail API, on every core, with a progress bar on a
//! terminal and a summary at the end. `--remediate` hands what it finds to the reactor, which
//! reverts only what is still non-compliant.

mod api;
mod s3;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Exit;
use super::check::{Format, Records};
use super::react::{ReactorArgs, SpoolArgs};
use crate::archive::{self, Filter, Shard};
use crate::aws::Factory;
use crate::config::Config;
use crate::decision_log::DecisionSink;
use crate::reactor::Decider;
use crate::scan::s3::Root;
use crate::scan::{Found, Options, Source, Summary};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub reactor: ReactorArgs,
    /// Read events from the CloudTrail API (LookupEvents) instead of an archive
    #[arg(long)]
    pub api: bool,
    /// Only these accounts (repeatable, comma-separated)
    #[arg(long = "account", value_delimiter = ',', value_name = "ID")]
    pub accounts: Vec<String>,
    /// Only these regions (repeatable, comma-separated); with --api, the regions to look up
    #[arg(long = "region", value_delimiter = ',', value_name = "REGION")]
    pub regions: Vec<String>,
    /// Events at or after this date (YYYY-MM-DD, UTC) or RFC 3339 time
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Events before this date (YYYY-MM-DD: up to the end of that day) or RFC 3339 time
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Print only non-compliant and error records (the summary still counts every event)
    #[arg(long)]
    pub violations_only: bool,
    /// Revert violations that are still non-compliant, through the reactor (as `react` does)
    #[arg(long)]
    pub remediate: bool,
    /// With --api: also fetch read-only events (they are always compliant: skipped)
    #[arg(long)]
    pub include_read_only: bool,
    /// Worker threads; defaults to every core
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Never show the progress bar (it is shown only when stderr is a terminal)
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub spool: SpoolArgs,
    #[command(flatten)]
    pub input: super::InputArgs,
    /// Before scanning, check CloudTrail's digest files under the archive roots (the SHA-256 of
    /// every log file listed and the chain of digests); stop with exit 1 if any fails
    #[arg(long)]
    pub verify_digests: bool,
    /// Scan only shard I of N (0 <= I < N): the log files whose name hashes (FNV-1a 64) to I
    /// modulo N, so that N machines can share one archive
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// With s3:// roots: log files fetched at a time
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub fetch_concurrency: usize,
    /// Archive roots: an `AWSLogs` tree (or any directory under it) or log files, or
    /// s3://BUCKET/PREFIX (the same layout in S3)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

impl Args {
    pub fn raw(&self, raw: &mut crate::config::Raw) {
        self.reactor.raw(raw);
        self.spool.raw(raw);
        self.input.raw(raw);
    }

    fn filter(&self) -> Result<Filter, String> {
        let since = self
            .since
            .as_deref()
            .map(archive::parse_time)
            .transpose()
            .map_err(|e| e.to_string())?;
        let until = match self.until.as_deref() {
            None => None,
            // A bare date means the whole of that day.
            Some(d) if d.trim().len() == 10 => {
                let mut t = archive::parse_time(d).map_err(|e| e.to_string())?;
                t.epoch_millis += 86_400_000;
                Some(t)
            }
            Some(t) => Some(archive::parse_time(t).map_err(|e| e.to_string())?),
        };
        Ok(Filter {
            accounts: self.accounts.clone(),
            regions: self.regions.clone(),
            since,
            until,
        })
    }
}

/// The archive roots: all on disk, or all in S3 (`s3://`).
enum Roots {
    Local,
    S3(Vec<Root>),
}

impl Args {
    fn roots(&self) -> Result<Roots, String> {
        let mut s3 = Vec::new();
        for path in &self.paths {
            if let Some(root) = path.to_str().and_then(Root::parse) {
                s3.push(root.map_err(|e| e.to_string())?);
            }
        }
        if s3.is_empty() {
            return Ok(Roots::Local);
        }
        if s3.len() != self.paths.len() {
            return Err(
                "give archive roots all on disk or all in S3 (s3://...), not both\n  \
                        help: run one scan per kind of root"
                    .to_owned(),
            );
        }
        if self.verify_digests {
            return Err("--verify-digests reads archives on disk only\n  \
                        help: copy the digests down (aws s3 sync) and verify them there"
                .to_owned());
        }
        if self.fetch_concurrency == 0 {
            return Err("--fetch-concurrency must be at least 1".to_owned());
        }
        Ok(Roots::S3(s3))
    }

    fn shard(&self) -> Result<Option<Shard>, String> {
        if self.api && self.shard.is_some() {
            return Err("--shard splits archive files; it cannot split --api lookups".to_owned());
        }
        self.shard
            .as_deref()
            .map(Shard::parse)
            .transpose()
            .map_err(|e| e.to_string())
    }
}

/// Where records go (the decision log, stdout), the progress bar, and the tallies of reverts.
struct Sink<'a> {
    records: Records<std::io::BufWriter<std::io::StdoutLock<'a>>>,
    bar: ProgressBar,
    reverts: super::react::Summary,
}

/// Reverts found violations through the reactor, on a runtime of its own.
struct Remediator {
    runtime: tokio::runtime::Runtime,
    reactor: crate::reactor::Reactor<Factory, crate::resilience::SpoolDir>,
}

pub fn run(args: &Args, config: &Config) -> Exit {
    let (filter, shard, roots) = match (args.filter(), args.shard(), args.roots()) {
        (Ok(filter), Ok(shard), Ok(roots)) => (filter, shard, roots),
        (Err(message), _, _) | (_, Err(message), _) | (_, _, Err(message)) => {
            eprintln!("error: {message}");
            return Exit::Error;
        }
    };
    if args.api != args.paths.is_empty() {
        eprintln!(
            "error: give archive paths, or --api to read the CloudTrail API (not both)\n  \
             help: snapback scan AWSLogs/ --since 2026-11-01, or snapback scan --api --region us-east-1"
        );
        return Exit::Error;
    }
    if matches!(roots, Roots::Local)
        && args.verify_digests
        && !crate::archive_digest::verify(&args.paths).print()
    {
        return Exit::Error;
    }
    // With --remediate, the reactor owns the decider; without, a decider that only decides.
    // Workers decide in parallel, so the reactor does not look for duplicates: which copy of
    // an event a worker meets first is a race, and reverts are idempotent anyway.
    let (remediator, own, log) = if args.remediate {
        let spool = match super::react::spool(&config.dead_letter_spool) {
            Ok(spool) => spool,
            Err(exit) => return exit,
        };
        let config = Config {
            reactor: crate::config::ReactorConfig {
                seen_capacity: 0,
                state: crate::config::StateLocation::Process,
                ..config.reactor.clone()
            },
            ..config.clone()
        };
        match super::react::build(&config, spool) {
            Ok((runtime, reactor, log)) => (Some(Remediator { runtime, reactor }), None, log),
            Err(exit) => return exit,
        }
    } else {
        let engine = match super::engine(&config.policies) {
            Ok(engine) => engine,
            Err(exit) => return exit,
        };
        match super::log(config, &engine) {
            Ok((recorder, log)) => (None, Some(Decider::check(engine, recorder)), log),
            Err(exit) => return exit,
        }
    };
    let decider = match (&remediator, &own) {
        (Some(r), _) => &r.reactor.decider,
        (None, Some(decider)) => decider,
        (None, None) => return Exit::Error,
    };
    let options = Options {
        threads: args.threads.unwrap_or(Options::default().threads).max(1),
        violations_only: args.violations_only,
        serialize: !args.remediate && config.decision_log.is_none(),
        max_event_bytes: config.max_event_bytes,
        ..Options::default()
    };
    let show_bar = !args.no_progress && std::io::stderr().is_terminal();
    let out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut sink = Sink {
        records: Records::new(log, Format::Json, out, false),
        bar: ProgressBar::hidden(),
        reverts: super::react::Summary::default(),
    };
    let started = Instant::now();
    let summary = if args.api {
        match api::scan_api(
            args,
            config,
            &filter,
            decider,
            &options,
            remediator.as_ref(),
            &mut sink,
        ) {
            Ok(summary) => summary,
            Err(exit) => return exit,
        }
    } else {
        // The files on disk, or the objects in S3 being fetched.
        let (local, prepared);
        let (files, total): (&dyn Source, u64) = match &roots {
            Roots::Local => {
                let mut found = super::warned(archive::files(&args.paths, &filter));
                if found.is_empty() {
                    eprintln!(
                        "error: no CloudTrail log files (*.json.gz, *.json) under {} match the filters",
                        args.paths
                            .iter()
                            .map(|p| format!("`{}`", p.display()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    return Exit::Error;
                }
                if let Some(shard) = shard {
                    found.retain(|f| shard.holds(f));
                }
                let total = found.iter().map(|f| crate::scan::file_size(f)).sum();
                local = found;
                (&local.as_slice(), total)
            }
            Roots::S3(roots) => {
                // Every fetch in flight holds a place in the window.
                let window = options.window.max(args.fetch_concurrency);
                prepared = match s3::prepare(
                    roots,
                    config,
                    &filter,
                    shard,
                    args.fetch_concurrency,
                    window,
                ) {
                    Ok(prepared) => prepared,
                    Err(exit) => return exit,
                };
                (&prepared.files, prepared.bytes)
            }
        };
        if show_bar {
            sink.show(bar(
                Some(total),
                "{spinner} {elapsed_precise} [{wide_bar}] {binary_bytes}/{binary_total_bytes} {msg}",
            ));
        }
        let mut seen = Summary::default();
        let bar = sink.bar.clone();
        crate::scan::scan_source(
            decider,
            &filter,
            files,
            &options,
            &mut |found| handle(found, remediator.as_ref(), &mut sink),
            &mut |file| {
                seen.merge(file);
                bar.set_position(seen.bytes);
                bar.set_message(progress_message(&seen));
            },
        )
    };
    sink.bar.finish_and_clear();
    let _ = sink.records.flush();
    report(
        &summary,
        started,
        remediator.is_some().then_some(&sink.reverts),
    );
    let failed = sink.records.log_failed()
        || summary.errors > 0
        || sink.reverts.dead_lettered > 0
        || sink.reverts.lost > 0;
    let violations = if remediator.is_some() {
        sink.reverts.not_reverted > 0
    } else {
        summary.non_compliant > 0
    };
    Exit::of(failed, violations)
}

fn bar(total: Option<u64>, template: &str) -> ProgressBar {
    let bar = match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

fn progress_message(seen: &Summary) -> String {
    format!(
        "{} files, {} events, {} violations",
        seen.files, seen.events, seen.non_compliant
    )
}

impl Sink<'_> {
    /// Show `bar`; records are written under it when stdout is the same terminal.
    fn show(&mut self, bar: ProgressBar) {
        if std::io::stdout().is_terminal() {
            self.records.write_under(bar.clone());
        }
        self.bar = bar;
    }
}

/// One found record: acted on first when --remediate is on, then written.
fn handle(found: Found, remediator: Option<&Remediator>, sink: &mut Sink<'_>) {
    match remediator {
        Some(r) => {
            let handled = r.runtime.block_on(r.reactor.act(found.decided));
            let done = handled.write(&mut sink.records);
            sink.reverts.add(&done);
        }
        None => {
            found
                .decided
                .record_only()
                .write_with(found.line, &mut sink.records);
        }
    }
}

/// The summary on stderr: what was read, and the violations by severity and by policy.
fn report(summary: &Summary, started: Instant, reverts: Option<&super::react::Summary>) {
    let secs = started.elapsed().as_secs_f64();
    let mut err = std::io::stderr().lock();
    let rate = if secs > 0.0 {
        summary.events as f64 / secs
    } else {
        0.0
    };
    if summary.files > 0 {
        let _ = writeln!(
            err,
            "scanned {} files ({:.1} MiB) in {secs:.1} s: {} events ({rate:.0} events/s)",
            summary.files,
            summary.bytes as f64 / (1024.0 * 1024.0),
            summary.events
        );
    } else {
        let _ = writeln!(err, "read {} events in {secs:.1} s", summary.events);
    }
    let _ = writeln!(
        err,
        "{} events: {} non-compliant, {} compliant, {} skipped, {} errors",
        summary.events, summary.non_compliant, summary.compliant, summary.skipped, summary.errors
    );
    if !summary.by_severity.is_empty() {
        let by: Vec<String> = summary
            .by_severity
            .iter()
            .rev()
            .map(|(s, n)| format!("{} {n}", s.as_str()))
            .collect();
        let _ = writeln!(err, "violations by severity: {}", by.join(", "));
        let _ = writeln!(err, "violations by policy:");
        let mut rows: Vec<_> = summary.by_policy.iter().collect();
        rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(b.1.1.cmp(&a.1.1)).then(a.0.cmp(b.0)));
        for (id, (severity, n)) in rows {
            let _ = writeln!(err, "  {:<8} {id:<45} {n}", severity.as_str());
        }
    }
    if let Some(r) = reverts {
        let _ = writeln!(
            err,
            "remediation: {} reverted or already compliant, {} left in place, {} dead-lettered{}",
            r.reverted,
            r.not_reverted,
            r.dead_lettered,
            if r.lost > 0 {
                format!(", {} LOST (dead-letter sink failed)", r.lost)
            } else {
                String::new()
            }
        );
    }
}
