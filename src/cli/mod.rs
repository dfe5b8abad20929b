//! The `snapback` command line: one file per subcommand, each an args struct and a `run`.
//!
//! Exit codes carry meaning: 0 ok or compliant, 1 error, 2 non-compliant found, 3 policies
//! failed validation, 4 a keyed decision log verified without its key.

mod audit;
mod check;
mod coverage;
mod deploy_plan;
#[cfg(feature = "prove")]
mod diff;
pub mod explain;
#[cfg(feature = "prove")]
mod prove;
mod react;
mod redrive;
mod scan;
mod slo;
mod table;
mod test;
mod validate;
mod verify;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, ConfigError, LogKey, Policies, Raw, Setting, Surface};
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

impl Exit {
    /// The code of a run that decided events: 1 when anything `failed`, else 2 when
    /// `violations` were found (or left in place), else 0.
    pub fn of(failed: bool, violations: bool) -> Self {
        if failed {
            Self::Error
        } else if violations {
            Self::NonCompliant
        } else {
            Self::Ok
        }
    }
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
    /// Prove, for every well-typed request, that no policy can error and each can match
    #[cfg(feature = "prove")]
    Prove(prove::Args),
    /// Compare two policy packs for every well-typed request, or replay events under both
    #[cfg(feature = "prove")]
    Diff(diff::Args),
    /// Show the pack's coverage of CIS AWS Foundations, AWS FSBP and MITRE ATT&CK
    Coverage(coverage::Args),
    /// Query, count and verify decision logs
    #[command(subcommand)]
    Audit(audit::Command),
    /// Compute SLIs, error budgets and burn rates from decision logs
    Slo(slo::Args),
}

/// Where the policies are, shared by every command that decides.
#[derive(Debug, Clone, clap::Args)]
pub struct PolicyArgs {
    /// Directory of `*.cedar` policies with `snapback.cedarschema` [default: policies] [env:
    /// SNAPBACK_POLICIES]
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
}

impl PolicyArgs {
    pub fn raw(&self, raw: &mut Raw) {
        raw.flag(Setting::Policies, self.policies.as_ref());
    }
}

impl Command {
    /// The settings this command was given: its flags over the environment read through
    /// `var`, not yet checked.
    pub fn raw(&self, var: impl Fn(&str) -> Option<OsString>) -> Raw {
        let mut raw = Raw::from_env(var);
        match self {
            Command::Validate(args) => args.policies.raw(&mut raw),
            Command::Check(args) => args.raw(&mut raw),
            Command::Explain(args) => {
                raw.flags(Setting::Redact, &args.redact);
                args.policies.raw(&mut raw);
            }
            Command::React(args) => args.raw(&mut raw),
            Command::Scan(args) => args.raw(&mut raw),
            Command::Redrive(args) => args.raw(&mut raw),
            Command::DeployPlan(args) => args.policies.raw(&mut raw),
            Command::Test(args) => args.policies.raw(&mut raw),
            Command::Coverage(args) => args.policies.raw(&mut raw),
            #[cfg(feature = "prove")]
            Command::Prove(args) => args.policies.raw(&mut raw),
            #[cfg(feature = "prove")]
            Command::Diff(_) => {}
            Command::Audit(_) | Command::Slo(_) => {}
        }
        raw
    }

    /// The command's [`Config`]: its flags over the environment read through `var`, checked.
    pub fn config(&self, var: impl Fn(&str) -> Option<OsString>) -> Result<Config, ConfigError> {
        self.raw(var).validate(Surface::Cli)
    }
}

pub fn run(cli: Cli) -> Exit {
    let config = match &cli.command {
        // Decision logs and SLO reports need no setting; a bad one must not stop them.
        Command::Audit(_) | Command::Slo(_) => None,
        #[cfg(feature = "prove")]
        Command::Diff(_) => None,
        command => match command.config(|name| std::env::var_os(name)) {
            Ok(config) => Some(config),
            Err(err) => {
                eprintln!("error: {err}");
                return Exit::Error;
            }
        },
    };
    match (cli.command, config) {
        (Command::Audit(cmd), _) => audit::run(cmd),
        (Command::Slo(args), _) => slo::run(&args),
        #[cfg(feature = "prove")]
        (Command::Diff(args), _) => diff::run(&args),
        (_, None) => Exit::Error,
        (Command::Validate(_), Some(config)) => validate::run(&config),
        (Command::Check(args), Some(config)) => check::run(&args, &config),
        (Command::Explain(args), Some(config)) => explain::run(&args, &config),
        (Command::React(args), Some(config)) => react::run(&args, &config),
        (Command::Scan(args), Some(config)) => scan::run(&args, &config),
        (Command::Redrive(_), Some(config)) => redrive::run(&config),
        (Command::DeployPlan(_), Some(config)) => deploy_plan::run(&config),
        (Command::Test(args), Some(config)) => test::run(&args, &config),
        (Command::Coverage(args), Some(config)) => coverage::run(&args, &config),
        #[cfg(feature = "prove")]
        (Command::Prove(args), Some(config)) => prove::run(&args, &config),
    }
}

/// Load and validate the configured policies, printing every diagnostic on failure.
pub fn engine(policies: &Policies) -> Result<Engine, Exit> {
    engine_from(match policies {
        Policies::Dir(dir) => crate::policy::load(dir, &crate::remediation::names()),
        Policies::Embedded => crate::policy::load_embedded(&crate::remediation::names()),
    })
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
    /// [env: SNAPBACK_DECISION_LOG]
    #[arg(long, value_name = "PATH")]
    pub decision_log: Option<PathBuf>,
    /// Also redact this requestParameters path (dotted, `*` for any segment); repeatable,
    /// comma-separated [env: SNAPBACK_REDACT]
    #[arg(long = "redact", value_name = "PATH")]
    pub redact: Vec<String>,
}

impl LogArgs {
    pub fn raw(&self, raw: &mut Raw) {
        raw.flag(Setting::DecisionLog, self.decision_log.as_ref());
        raw.flags(Setting::Redact, &self.redact);
    }
}

/// The recorder, and the log writer when a log is configured.
pub fn log(
    config: &Config,
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
        crate::decision_log::Redactor::new(&config.redact),
    );
    let key = config.decision_log_key.as_ref().map(LogKey::as_bytes);
    let writer = match &config.decision_log {
        None => None,
        Some(path) => match crate::decision_log::LogWriter::open(path, key) {
            Ok(writer) => Some(writer),
            Err(err) => {
                eprintln!("{:?}", miette::Report::new(err));
                return Err(Exit::Error);
            }
        },
    };
    Ok((recorder, writer))
}

/// The decision-log HMAC key, from `SNAPBACK_DECISION_LOG_KEY`, if set.
pub fn log_key() -> Option<Vec<u8>> {
    Raw::from_env(|name| std::env::var_os(name))
        .decision_log_key()
        .map(|key| key.as_bytes().to_vec())
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
    /// [default: 32 MiB] [env: SNAPBACK_MAX_EVENT_BYTES]
    #[arg(long, value_name = "BYTES", allow_hyphen_values = true)]
    pub max_event_bytes: Option<String>,
}

impl InputArgs {
    pub fn raw(&self, raw: &mut Raw) {
        raw.flag(Setting::MaxEventBytes, self.max_event_bytes.as_ref());
    }
}

#[cfg(test)]
mod agree;
