//! `snapback check`: decide events and print a decision record for each, as it is decided,
//! appending it to the decision log when one is given.

use std::io::Write;
use std::path::PathBuf;
use std::time::SystemTime;

use super::{Exit, LogArgs, PolicyArgs, table};
use crate::decision_log::{DecisionSink, Entry, JsonLines, LogWriter, SinkError};
use crate::engine::Outcome;
use crate::reactor::Decider;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON decision record per line
    Json,
    /// A table for people at a terminal
    Table,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub policies: PolicyArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub input: super::InputArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Event files or directories (.json, .jsonl, .gz); `-` or nothing reads stdin
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

impl Args {
    pub fn raw(&self, raw: &mut crate::config::Raw) {
        self.policies.raw(raw);
        self.log.raw(raw);
        self.input.raw(raw);
    }
}

/// Counts of outcomes, for the summary and the exit code.
#[derive(Debug, Default)]
pub struct Tally {
    pub compliant: usize,
    pub non_compliant: usize,
    pub skipped: usize,
    pub errors: usize,
}

impl Tally {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Compliant => self.compliant += 1,
            Outcome::NonCompliant => self.non_compliant += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Error => self.errors += 1,
        }
    }

    pub fn exit(&self) -> Exit {
        Exit::of(self.errors > 0, self.non_compliant > 0)
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total = self.compliant + self.non_compliant + self.skipped + self.errors;
        write!(
            f,
            "{total} events: {} non-compliant, {} compliant, {} skipped, {} errors",
            self.non_compliant, self.compliant, self.skipped, self.errors
        )
    }
}

/// Where a command's records go: the decision log when one is given, then stdout as JSON
/// Lines or a table. A log that fails is reported once (and fails the command); stdout that
/// goes away (a closed pipe) is written no more, and deciding goes on.
pub struct Records<W: Write> {
    log: Option<LogWriter>,
    log_failed: bool,
    out: Output<W>,
    /// The progress bar to hide while writing, when it shares the terminal with stdout.
    bar: Option<indicatif::ProgressBar>,
}

enum Output<W: Write> {
    Json(JsonLines<W>),
    Table(table::Rows<W>),
}

impl<W: Write> Records<W> {
    /// `flush_each`: write each record out as soon as it is made (a stream is being read).
    pub fn new(log: Option<LogWriter>, format: Format, mut out: W, flush_each: bool) -> Self {
        let out = match format {
            Format::Json => Output::Json(JsonLines::new(out, flush_each)),
            Format::Table => {
                let _ = writeln!(out, "{}", table::header());
                Output::Table(table::Rows::new(out, flush_each))
            }
        };
        Self {
            log,
            log_failed: false,
            out,
            bar: None,
        }
    }

    /// Hide `bar` while each record is written (and flush each).
    pub fn write_under(&mut self, bar: indicatif::ProgressBar) {
        self.bar = Some(bar);
    }

    /// Whether appending to the decision log failed.
    pub fn log_failed(&self) -> bool {
        self.log_failed
    }

    fn write_out(&mut self, entry: &mut Entry) {
        let out = &mut self.out;
        // A closed stdout is not an error of the command: it stops being written.
        let _ = match &self.bar {
            Some(bar) => bar.suspend(|| out.write(entry).and_then(|()| out.flush())),
            None => out.write(entry),
        };
    }
}

impl<W: Write> DecisionSink for Output<W> {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        match self {
            Self::Json(sink) => sink.write(entry),
            Self::Table(sink) => sink.write(entry),
        }
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        match self {
            Self::Json(sink) => sink.flush(),
            Self::Table(sink) => sink.flush(),
        }
    }
}

impl<W: Write> DecisionSink for Records<W> {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        if let Some(log) = self.log.as_mut()
            && let Err(err) = log.write(entry)
        {
            if !self.log_failed {
                match &self.bar {
                    Some(bar) => bar.suspend(|| eprintln!("error: {err}")),
                    None => eprintln!("error: {err}"),
                }
            }
            self.log_failed = true;
        }
        self.write_out(entry);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        let _ = self.out.flush();
        Ok(())
    }
}

/// Whether `paths` read stdin: its records are written as they come.
pub fn reads_stdin(paths: &[PathBuf]) -> bool {
    paths.is_empty() || paths.iter().any(|p| p.as_os_str() == "-")
}

pub fn run(args: &Args, config: &crate::config::Config) -> Exit {
    let engine = match super::engine(&config.policies) {
        Ok(engine) => engine,
        Err(exit) => return exit,
    };
    let (recorder, log) = match super::log(config, &engine) {
        Ok(opened) => opened,
        Err(exit) => return exit,
    };
    let decider = Decider::check(engine, recorder);
    let out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut records = Records::new(log, args.format, out, reads_stdin(&args.paths));
    let mut tally = Tally::default();
    for path in super::inputs(&args.paths) {
        crate::input::read_path_limited(&path, config.max_event_bytes, &mut |item| {
            if let Err(err) = &item {
                tracing::debug!(source = %err.origin, "{}", err.message);
            }
            let done = decider.run(item, SystemTime::now(), &mut records);
            tally.add(done.decision);
        });
    }
    let _ = records.flush();
    eprintln!("{tally}");
    if records.log_failed() {
        Exit::Error
    } else {
        tally.exit()
    }
}
