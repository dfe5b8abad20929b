//! `snapback react`: the pipeline the Lambda runs, on files or a stream on stdin: decide,
//! plan, remediate, record, printing each record as soon as its event is done.

use std::path::PathBuf;
use std::time::SystemTime;

use super::check::{Format, Records, Tally};
use super::{Exit, LogArgs, PolicyArgs};
use crate::aws::Factory;
use crate::config::{Config, Origin, Raw, Setting};
use crate::decision_log::{LogWriter, RemediationStatus};
use crate::engine::Outcome;
use crate::reactor::{DeadLetterSink, Done, Reactor, StateStore};
use crate::resilience::SpoolDir;

/// What `react` and `redrive` share: how to reach AWS and how to revert. Values are checked
/// by `crate::config`, the same way as the Lambda's variables.
#[derive(Debug, Clone, clap::Args)]
pub struct ReactorArgs {
    #[command(flatten)]
    pub policies: PolicyArgs,
    #[command(flatten)]
    pub log: LogArgs,
    /// Which policies revert: `policy` (each policy's @mode), `audit` (none) or `enforce` (every
    /// policy with a remediation) [default: policy] [env: SNAPBACK_MODE]
    #[arg(long, value_name = "MODE")]
    pub mode: Option<String>,
    /// Call no mutating API at all (the same as --mode audit)
    #[arg(long)]
    pub dry_run: bool,
    /// Send AWS calls to this endpoint (moto, LocalStack) instead of AWS [env: AWS_ENDPOINT_URL]
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Role name to assume in accounts other than snapback's own
    /// [env: SNAPBACK_CROSS_ACCOUNT_ROLE]
    #[arg(long, value_name = "NAME")]
    pub cross_account_role: Option<String>,
    /// snapback's own role ARNs: events they cause are skipped (repeatable, comma-separated)
    /// [env: SNAPBACK_SELF_ROLES]
    #[arg(long = "self-role", value_name = "ARN")]
    pub self_roles: Vec<String>,
    /// Principal ARNs whose changes are recorded but never reverted (repeatable,
    /// comma-separated) [env: SNAPBACK_EXEMPT_PRINCIPALS]
    #[arg(long = "exempt", value_name = "ARN")]
    pub exempt_principals: Vec<String>,
    /// Seconds all the work for one event may take [default: 25] [env: SNAPBACK_DEADLINE]
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    pub deadline: Option<String>,
    /// The flap limit: at most this many reverts of one resource per --flap-window; after
    /// that it is reported as flapping and left alone [default: 3] [env: SNAPBACK_FLAP_MAX]
    #[arg(long, value_name = "REVERTS", allow_hyphen_values = true)]
    pub flap_max: Option<String>,
    /// The flap limit's window, in seconds [default: 600] [env: SNAPBACK_FLAP_WINDOW]
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    pub flap_window: Option<String>,
    /// The duplicate window: how many recent event ids are remembered to skip redeliveries;
    /// 0 remembers none [default: 10000] [env: SNAPBACK_DUPLICATE_WINDOW]
    #[arg(long, value_name = "EVENTS", allow_hyphen_values = true)]
    pub duplicate_window: Option<String>,
    /// Where decided event ids and flap counts are kept: `memory` (this process) or
    /// `dynamodb://TABLE`, shared by every process that names the table, so that each event is
    /// acted on once and the flap limit holds across them [default: memory] [env: SNAPBACK_STATE]
    #[arg(long, value_name = "STORE")]
    pub state: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub reactor: ReactorArgs,
    #[command(flatten)]
    pub spool: SpoolArgs,
    #[command(flatten)]
    pub input: super::InputArgs,
    /// Event files or directories; `-` or nothing reads a stream on stdin
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// The dead-letter spool of `react`, `redrive` and `scan --remediate`.
#[derive(Debug, Clone, clap::Args)]
pub struct SpoolArgs {
    /// Where events that could not be decided or reverted go [default: dead-letters]
    /// [env: SNAPBACK_DEAD_LETTER]
    #[arg(long, value_name = "DIR")]
    pub dead_letter: Option<PathBuf>,
}

impl SpoolArgs {
    pub fn raw(&self, raw: &mut Raw) {
        raw.flag(Setting::DeadLetterSpool, self.dead_letter.as_ref());
    }
}

impl Args {
    pub fn raw(&self, raw: &mut Raw) {
        self.reactor.raw(raw);
        self.spool.raw(raw);
        self.input.raw(raw);
    }
}

impl ReactorArgs {
    /// Map the flags into the raw settings, over what the environment gave.
    pub fn raw(&self, raw: &mut Raw) {
        self.policies.raw(raw);
        self.log.raw(raw);
        raw.flag(Setting::Mode, self.mode.as_ref());
        if self.dry_run {
            raw.set(Setting::Mode, Origin::Flag("--dry-run"), "audit");
        }
        raw.flag(Setting::EndpointUrl, self.endpoint_url.as_ref());
        raw.flag(Setting::CrossAccountRole, self.cross_account_role.as_ref());
        raw.flags(Setting::SelfRoles, &self.self_roles);
        raw.flags(Setting::ExemptPrincipals, &self.exempt_principals);
        raw.flag(Setting::Deadline, self.deadline.as_ref());
        raw.flag(Setting::FlapMax, self.flap_max.as_ref());
        raw.flag(Setting::FlapWindow, self.flap_window.as_ref());
        raw.flag(Setting::DuplicateWindow, self.duplicate_window.as_ref());
        raw.flag(Setting::State, self.state.as_ref());
    }
}

/// A single-threaded async runtime for a command's AWS calls, or exit 1 when none starts.
pub fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            Exit::Error
        })
}

/// The runtime, the reactor and the log writer, or the exit code of what went wrong.
pub fn build<D: DeadLetterSink>(config: &Config, dead_letters: D) -> Result<Built<D>, Exit> {
    let engine = super::engine(&config.policies)?;
    let (recorder, log) = super::log(config, &engine)?;
    let runtime = runtime()?;
    let factory = runtime.block_on(Factory::new(config.aws()));
    let state = StateStore::for_config(&config.reactor, factory.sdk_config());
    Ok((
        runtime,
        Reactor::new(
            engine,
            recorder,
            factory,
            dead_letters,
            config.reactor.clone(),
        )
        .with_state(state),
        log,
    ))
}

/// What `react` and `redrive` run with: an async runtime, the reactor, the decision log.
pub type Built<D> = (
    tokio::runtime::Runtime,
    Reactor<Factory, D>,
    Option<LogWriter>,
);

/// Tallies what `react` saw, for the summary and the exit code.
#[derive(Debug, Default)]
pub struct Summary {
    pub decisions: Tally,
    pub reverted: usize,
    pub not_reverted: usize,
    pub dead_lettered: usize,
    pub lost: usize,
}

impl Summary {
    pub fn add(&mut self, done: &Done) {
        self.decisions.add(done.decision);
        match done.remediation {
            Some(RemediationStatus::Applied | RemediationStatus::Noop) => self.reverted += 1,
            _ if done.decision == Outcome::NonCompliant => self.not_reverted += 1,
            _ => {}
        }
        self.dead_lettered += usize::from(done.dead_lettered);
        self.lost += usize::from(done.lost.is_some());
    }

    /// 1 when anything failed, 2 when violations were left in place, 0 otherwise.
    pub fn exit(&self) -> Exit {
        let failed = self.decisions.errors > 0 || self.dead_lettered > 0 || self.lost > 0;
        Exit::of(failed, self.not_reverted > 0)
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}; {} reverted or already compliant, {} left in place, {} dead-lettered",
            self.decisions, self.reverted, self.not_reverted, self.dead_lettered
        )?;
        if self.lost > 0 {
            write!(f, ", {} LOST (dead-letter sink failed)", self.lost)?;
        }
        Ok(())
    }
}

/// Where `react` and `redrive` write records: the log, then each record on stdout as soon as
/// its event is done.
pub fn records(log: Option<LogWriter>) -> Records<std::io::StdoutLock<'static>> {
    Records::new(log, Format::Json, std::io::stdout().lock(), true)
}

/// The dead-letter spool at `dir`, created if needed.
pub fn spool(dir: &std::path::Path) -> Result<SpoolDir, Exit> {
    SpoolDir::new(dir).map_err(|err| {
        eprintln!(
            "error: cannot use dead-letter directory `{}`: {err}",
            dir.display()
        );
        Exit::Error
    })
}

pub fn run(args: &Args, config: &Config) -> Exit {
    let spool = match spool(&config.dead_letter_spool) {
        Ok(spool) => spool,
        Err(exit) => return exit,
    };
    let (runtime, reactor, log) = match build(config, spool) {
        Ok(built) => built,
        Err(exit) => return exit,
    };
    let mut records = records(log);
    let mut summary = Summary::default();
    for path in super::inputs(&args.paths) {
        crate::input::read_path_limited(&path, config.max_event_bytes, &mut |item| {
            let done = runtime.block_on(reactor.run(item, SystemTime::now(), &mut records));
            summary.add(&done);
        });
    }
    eprintln!("{summary}");
    summary.exit()
}
