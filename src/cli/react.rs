//! `snapback react`: the pipeline the Lambda runs, on files or a stream on stdin: decide,
//! plan, remediate, record, printing each record as soon as its event is done.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::check::{Format, Records, Tally};
use super::{Exit, LogArgs, PolicyArgs};
use crate::aws::{Factory, Settings};
use crate::decision_log::{LogWriter, RemediationStatus};
use crate::engine::Outcome;
use crate::reactor::{Config, DeadLetterSink, Done, ModeOverride, Reactor};
use crate::resilience::SpoolDir;

/// What `react` and `redrive` share: how to reach AWS and how to revert.
#[derive(Debug, Clone, clap::Args)]
pub struct ReactorArgs {
    #[command(flatten)]
    pub policies: PolicyArgs,
    #[command(flatten)]
    pub log: LogArgs,
    /// Which policies revert: each policy's @mode, none, or every policy with a remediation
    #[arg(long, value_enum, env = "SNAPBACK_MODE", default_value = "policy")]
    pub mode: ModeOverride,
    /// Call no mutating API at all (the same as --mode audit)
    #[arg(long)]
    pub dry_run: bool,
    /// Send AWS calls to this endpoint (moto, LocalStack) instead of AWS
    #[arg(long, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Role name to assume in accounts other than snapback's own
    #[arg(long, env = "SNAPBACK_CROSS_ACCOUNT_ROLE", value_name = "NAME")]
    pub cross_account_role: Option<String>,
    /// snapback's own role ARNs: events they cause are skipped (repeatable, comma-separated)
    #[arg(
        long = "self-role",
        env = "SNAPBACK_SELF_ROLES",
        value_delimiter = ',',
        value_name = "ARN"
    )]
    pub self_roles: Vec<String>,
    /// Principal ARNs whose changes are recorded but never reverted (repeatable, comma-separated)
    #[arg(
        long = "exempt",
        env = "SNAPBACK_EXEMPT_PRINCIPALS",
        value_delimiter = ',',
        value_name = "ARN"
    )]
    pub exempt_principals: Vec<String>,
    /// Seconds all the work for one event may take
    #[arg(long, env = "SNAPBACK_DEADLINE", default_value_t = 25)]
    pub deadline: u64,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub reactor: ReactorArgs,
    /// Where events that could not be decided or reverted go
    #[arg(
        long,
        env = "SNAPBACK_DEAD_LETTER",
        default_value = "dead-letters",
        value_name = "DIR"
    )]
    pub dead_letter: PathBuf,
    #[command(flatten)]
    pub input: super::InputArgs,
    /// Event files or directories; `-` or nothing reads a stream on stdin
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

impl ReactorArgs {
    pub fn config(&self) -> Config {
        Config {
            mode: if self.dry_run {
                ModeOverride::Audit
            } else {
                self.mode
            },
            self_roles: self.self_roles.clone(),
            exempt_principals: self.exempt_principals.clone(),
            deadline: Duration::from_secs(self.deadline.max(1)),
            ..Config::default()
        }
    }

    /// The runtime, the reactor and the log writer, or the exit code of what went wrong.
    pub fn build<D: DeadLetterSink>(&self, dead_letters: D) -> Result<Built<D>, Exit> {
        self.build_with(dead_letters, self.config())
    }

    /// [`ReactorArgs::build`] with a configuration changed by the command.
    pub fn build_with<D: DeadLetterSink>(
        &self,
        dead_letters: D,
        config: Config,
    ) -> Result<Built<D>, Exit> {
        let engine = super::engine(&self.policies.policies)?;
        let (recorder, log) = self.log.open(&engine)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                eprintln!("error: cannot start the async runtime: {e}");
                Exit::Error
            })?;
        let settings = Settings {
            endpoint_url: self.endpoint_url.clone(),
            cross_account_role: self.cross_account_role.clone(),
            home_account: None,
            attempt_timeout: None,
        };
        let factory = runtime.block_on(Factory::new(settings));
        Ok((
            runtime,
            Reactor::new(engine, recorder, factory, dead_letters, config),
            log,
        ))
    }
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
        if self.decisions.errors > 0 || self.dead_lettered > 0 || self.lost > 0 {
            Exit::Error
        } else if self.not_reverted > 0 {
            Exit::NonCompliant
        } else {
            Exit::Ok
        }
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

pub fn run(args: &Args) -> Exit {
    let spool = match spool(&args.dead_letter) {
        Ok(spool) => spool,
        Err(exit) => return exit,
    };
    let (runtime, reactor, log) = match args.reactor.build(spool) {
        Ok(built) => built,
        Err(exit) => return exit,
    };
    let mut records = records(log);
    let mut summary = Summary::default();
    for path in super::inputs(&args.paths) {
        crate::input::read_path_limited(&path, args.input.max_event_bytes, &mut |item| {
            let done = runtime.block_on(reactor.run(item, SystemTime::now(), &mut records));
            summary.add(&done);
        });
    }
    eprintln!("{summary}");
    summary.exit()
}
