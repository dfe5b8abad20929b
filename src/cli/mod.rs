//! The `snapback` command line: one file per subcommand, each an args struct and a `run`.
//!
//! Exit codes carry meaning: 0 ok or compliant, 1 error, 2 non-compliant found, 3 policies
//! failed validation, 4 a keyed decision log verified without its key.

mod audit;
mod check;
mod deploy_plan;
pub mod explain;
mod react;
mod redrive;
mod scan;
mod slo;
mod table;
mod test;
mod validate;
mod verify;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::engine::Engine;

/// What a command's exit code means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Error = 1,
    NonCompliant = 2,
    Invalid = 3,
    /// `audit verify` of a keyed (HMAC) log without `SNAPBACK_DECISION_LOG_KEY`.
    KeyRequired = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "snapback",
    version,
    about = "Evaluate AWS CloudTrail events against Cedar compliance policies",
    long_about = "Evaluate AWS CloudTrail events against Cedar compliance policies.\n\n\
                  Exit codes: 0 ok/compliant, 1 error, 2 non-compliant found, 3 policies failed validation, \
                  4 a keyed decision log verified without its key."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, strictly validate and check the annotations of a policy directory
    Validate(validate::Args),
    /// Decide events and print one JSON decision record per event
    Check(check::Args),
    /// Decide events and revert non-compliant changes through their remediations
    React(react::Args),
    /// Print the EventBridge pattern and IAM policy a deployment of the policies needs
    DeployPlan(deploy_plan::Args),
    /// Find non-compliant changes in a CloudTrail archive or through the CloudTrail API
    Scan(scan::Args),
    /// Replay the dead-letter spool, removing what now succeeds
    Redrive(redrive::Args),
    /// Print the Cedar request (principal, action, resource, context, entities) built for events
    Explain(explain::Args),
    /// Run the policy test cases and report each
    Test(test::Args),
    /// Query, count and verify decision logs
    #[command(subcommand)]
    Audit(audit::Command),
    /// Compute SLIs, error budgets and burn rates from decision logs
    Slo(slo::Args),
}

/// Where the policies are, shared by every command that decides.
#[derive(Debug, Clone, clap::Args)]
pub struct PolicyArgs {
    /// Directory of `*.cedar` policies with `snapback.cedarschema`
    #[arg(
        long,
        env = "SNAPBACK_POLICIES",
        default_value = "policies",
        value_name = "DIR"
    )]
    pub policies: PathBuf,
}

pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::React(args) => react::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Redrive(args) => redrive::run(&args),
        Command::DeployPlan(args) => deploy_plan::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Audit(cmd) => audit::run(cmd),
        Command::Slo(args) => slo::run(&args),
    }
}

/// Load and validate policies, printing every diagnostic on failure.
pub fn engine(dir: &Path) -> Result<Engine, Exit> {
    engine_from(crate::load_policies(dir))
}

/// An engine for a loaded pack, or every diagnostic printed.
pub fn engine_from(
    loaded: Result<crate::policy::PolicyPack, Vec<crate::policy::LoadError>>,
) -> Result<Engine, Exit> {
    match loaded {
        Ok(pack) => Ok(Engine::new(pack)),
        Err(errors) => {
            report(&errors);
            Err(Exit::Invalid)
        }
    }
}

/// Print diagnostics to stderr with miette's graphical handler.
pub fn report(errors: &[crate::policy::LoadError]) {
    let mut stderr = std::io::stderr().lock();
    let _ = write!(
        stderr,
        "{}",
        crate::policy::render(errors, colour(std::io::stderr().is_terminal()))
    );
    let _ = writeln!(stderr, "{} problem(s) found", errors.len());
}

/// Whether to write colours to a stream: only to a terminal, and never when `NO_COLOR` is set
/// to anything non-empty (<https://no-color.org>). Redirected output carries no escape codes.
pub fn colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Where decision records go besides stdout, and what is redacted from them.
#[derive(Debug, Clone, clap::Args)]
pub struct LogArgs {
    /// Append every decision record to this hash-chained JSON Lines log (see `audit verify`)
    #[arg(long, env = "SNAPBACK_DECISION_LOG", value_name = "PATH")]
    pub decision_log: Option<PathBuf>,
    /// Also redact this requestParameters path (dotted, `*` for any segment); repeatable
    #[arg(
        long = "redact",
        env = "SNAPBACK_REDACT",
        value_delimiter = ',',
        value_name = "PATH"
    )]
    pub redact: Vec<String>,
}

impl LogArgs {
    /// The recorder, and the log writer when a log is configured.
    pub fn open(
        &self,
        engine: &Engine,
    ) -> Result<
        (
            crate::decision_log::Recorder,
            Option<crate::decision_log::LogWriter>,
        ),
        Exit,
    > {
        let recorder = crate::decision_log::Recorder::new(
            engine.pack().hash.clone(),
            crate::decision_log::Redactor::new(&self.redact),
        );
        let writer = match &self.decision_log {
            None => None,
            Some(path) => match crate::decision_log::LogWriter::open(path, log_key().as_deref()) {
                Ok(writer) => Some(writer),
                Err(err) => {
                    eprintln!("{:?}", miette::Report::new(err));
                    return Err(Exit::Error);
                }
            },
        };
        Ok((recorder, writer))
    }
}

/// The decision-log HMAC key, from `SNAPBACK_DECISION_LOG_KEY`, if set.
pub fn log_key() -> Option<Vec<u8>> {
    std::env::var_os("SNAPBACK_DECISION_LOG_KEY")
        .map(|k| k.into_encoded_bytes())
        .filter(|k| !k.is_empty())
}

/// Paths to read: as given, or stdin when none are. What a directory walk skipped is printed
/// to stderr as a warning.
fn inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        warned(crate::input::expand(paths))
    }
}

/// A walk's files, with its warnings printed to stderr.
fn warned(walk: crate::input::Walk) -> Vec<PathBuf> {
    for warning in &walk.warnings {
        eprintln!("warning: {warning}");
    }
    walk.files
}

/// How inputs are read, shared by the commands that read events.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Largest top-level JSON value read, in bytes: a longer one is an error record, skipped
    #[arg(
        long,
        env = "SNAPBACK_MAX_EVENT_BYTES",
        default_value_t = crate::event::DEFAULT_MAX_EVENT_BYTES,
        value_name = "BYTES"
    )]
    pub max_event_bytes: usize,
}
