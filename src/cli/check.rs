//! `snapback check`: decide events and print a decision record for each, as it is decided,
//! appending it to the decision log when one is given.

use std::io::Write;
use std::path::PathBuf;
use std::time::SystemTime;

use super::{Exit, LogArgs, PolicyArgs, table};
use crate::engine::Outcome;

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
        if self.errors > 0 {
            Exit::Error
        } else if self.non_compliant > 0 {
            Exit::NonCompliant
        } else {
            Exit::Ok
        }
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

pub fn run(args: &Args, config: &crate::config::Config) -> Exit {
    let engine = match super::engine(&config.policies) {
        Ok(engine) => engine,
        Err(exit) => return exit,
    };
    let (recorder, mut log) = match super::log(config, &engine) {
        Ok(opened) => opened,
        Err(exit) => return exit,
    };
    let mut tally = Tally::default();
    let mut stdout = std::io::stdout().lock();
    let mut broken_pipe = false;
    let mut log_failed = false;
    if args.format == Format::Table {
        let _ = writeln!(stdout, "{}", table::header());
    }
    for path in super::inputs(&args.paths) {
        crate::input::read_path_limited(&path, config.max_event_bytes, &mut |item| {
            let received = SystemTime::now();
            let mut record = match item {
                Ok(event) => recorder.record(&event, &engine.decide(&event), received),
                Err(err) => {
                    tracing::debug!(source = %err.origin, "{}", err.message);
                    recorder.unreadable(&err, received)
                }
            };
            tally.add(record.decision);
            if let Some(writer) = log.as_mut()
                && let Err(err) = writer.append(&mut record)
                && !log_failed
            {
                log_failed = true;
                eprintln!("error: {err}");
            }
            if broken_pipe {
                return;
            }
            let line = match args.format {
                Format::Json => serde_json::to_string(&record).unwrap_or_default(),
                Format::Table => table::row(&record),
            };
            broken_pipe = writeln!(stdout, "{line}")
                .and_then(|()| stdout.flush())
                .is_err();
        });
    }
    eprintln!("{tally}");
    if log_failed {
        Exit::Error
    } else {
        tally.exit()
    }
}
