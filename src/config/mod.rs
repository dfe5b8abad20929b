//! The one configuration: every setting of `snapback` and of the Lambda function, read in two
//! phases. [`Raw`] holds the values as given (command-line flags over `SNAPBACK_*`
//! variables, each remembering where it came from); [`Raw::validate`] checks each of them
//! once, by one rule per setting, into a [`Config`] the rest of the code trusts. The CLI maps
//! its flags into a `Raw`, the Lambda reads only its environment into one, and both get the
//! same `Config` for the same values (a test holds them to it).

mod error;
mod raw;
mod setting;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub use error::{ConfigError, Problem};
pub use raw::{NO_QUEUE, Raw};
pub use setting::{Origin, Setting};

use crate::resilience::{BreakerConfig, RetryPolicy};

/// The CloudWatch namespace of the metrics when `SNAPBACK_METRICS_NAMESPACE` is not set.
pub const DEFAULT_METRICS_NAMESPACE: &str = "snapback";
/// The policy directory `snapback` reads when `--policies` is not given.
pub const DEFAULT_POLICIES_DIR: &str = "policies";
/// The dead-letter spool `snapback` writes when `--dead-letter` is not given.
pub const DEFAULT_DEAD_LETTER_SPOOL: &str = "dead-letters";

/// Which policies revert: each policy's `@mode`, none (audit), or every policy with a
/// remediation (enforce).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModeOverride {
    #[default]
    Policy,
    Audit,
    Enforce,
}

impl ModeOverride {
    pub fn as_str(self) -> &'static str {
        match self {
            ModeOverride::Policy => "policy",
            ModeOverride::Audit => "audit",
            ModeOverride::Enforce => "enforce",
        }
    }
}

impl FromStr for ModeOverride {
    /// What was expected instead.
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "policy" => Ok(ModeOverride::Policy),
            "audit" => Ok(ModeOverride::Audit),
            "enforce" => Ok(ModeOverride::Enforce),
            _ => Err("`policy`, `audit` or `enforce`"),
        }
    }
}

impl std::fmt::Display for ModeOverride {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the reactor needs: how it reverts, and the limits that keep it safe.
#[derive(Debug, Clone, PartialEq)]
pub struct ReactorConfig {
    pub mode: ModeOverride,
    /// Role ARNs snapback itself acts as: events they cause are skipped (loop protection).
    pub self_roles: Vec<String>,
    /// All the work for one event ends within this.
    pub deadline: Duration,
    pub retry: RetryPolicy,
    pub breaker: BreakerConfig,
    /// The flap limit: at most this many reverts of one resource within `flap_window`.
    pub flap_max: usize,
    pub flap_window: Duration,
    /// The duplicate window: how many recent event ids are remembered to spot duplicates
    /// (0 remembers none), when the state is kept in this process.
    pub seen_capacity: usize,
    /// Where the decided event ids and the flap counts are kept.
    pub state: StateLocation,
    /// Hand retryable failures back to the caller instead of dead-lettering them: the Lambda
    /// returns an error so that Lambda's own retries, then its on-failure destination, keep
    /// the event.
    pub hand_back_retryable: bool,
    /// Principals (role, user or session-issuer ARNs) whose changes are decided and recorded
    /// but never reverted: a break-glass role, a deployment pipeline.
    pub exempt_principals: Vec<String>,
}

impl ReactorConfig {
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(25);
    pub const DEFAULT_FLAP_MAX: usize = 3;
    pub const DEFAULT_FLAP_WINDOW: Duration = Duration::from_secs(600);
    pub const DEFAULT_DUPLICATE_WINDOW: usize = 10_000;
}

impl Default for ReactorConfig {
    fn default() -> Self {
        Self {
            mode: ModeOverride::Policy,
            self_roles: Vec::new(),
            deadline: Self::DEFAULT_DEADLINE,
            retry: RetryPolicy::default(),
            breaker: BreakerConfig::default(),
            flap_max: Self::DEFAULT_FLAP_MAX,
            flap_window: Self::DEFAULT_FLAP_WINDOW,
            seen_capacity: Self::DEFAULT_DUPLICATE_WINDOW,
            state: StateLocation::Process,
            hand_back_retryable: false,
            exempt_principals: Vec::new(),
        }
    }
}

/// Where the reactor keeps its state (`--state`, `SNAPBACK_STATE`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StateLocation {
    /// `memory`: in this process only.
    #[default]
    Process,
    /// `dynamodb://TABLE`: in a DynamoDB table every process shares.
    DynamoDb(String),
}

impl std::str::FromStr for StateLocation {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const EXPECTED: &str = "`memory` or `dynamodb://TABLE` (a table name of 3 to 255 letters, digits, `_`, `-` or `.`)";
        if text == "memory" {
            return Ok(StateLocation::Process);
        }
        let table = text.strip_prefix("dynamodb://").ok_or(EXPECTED)?;
        let valid = (3..=255).contains(&table.len())
            && table
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if valid {
            Ok(StateLocation::DynamoDb(table.to_owned()))
        } else {
            Err(EXPECTED)
        }
    }
}

/// Where the policies come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Policies {
    /// The pack built into the binary (the Lambda's default).
    Embedded,
    /// A policy directory (`snapback`'s default is `./policies`).
    Dir(PathBuf),
}

/// Who reads the configuration: the defaults and requirements that differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// `snapback`: policies default to `./policies`; failures go to the spool.
    Cli,
    /// The Lambda function: the embedded pack by default, a dead-letter queue required, and
    /// retryable failures handed back to Lambda.
    Lambda,
}

/// The decision log's HMAC key: bytes, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct LogKey(Vec<u8>);

impl LogKey {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for LogKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogKey(<redacted>)")
    }
}

/// Every setting, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `--policies` / `SNAPBACK_POLICIES`.
    pub policies: Policies,
    /// Mode, self roles, exempt principals, deadline, flap limit, duplicate window.
    pub reactor: ReactorConfig,
    /// `--cross-account-role` / `SNAPBACK_CROSS_ACCOUNT_ROLE`: the role assumed elsewhere.
    pub cross_account_role: Option<String>,
    /// `SNAPBACK_HOME_ACCOUNT`: snapback's own account (saves an STS call).
    pub home_account: Option<String>,
    /// `--endpoint-url` / `AWS_ENDPOINT_URL`: a local AWS endpoint (moto, LocalStack).
    pub endpoint_url: Option<String>,
    /// `AWS_REGION`: the region clients are built for at init.
    pub region: Option<String>,
    /// `SNAPBACK_DEAD_LETTER_QUEUE_URL`: the Lambda's dead letters (required there).
    pub dead_letter_queue_url: Option<String>,
    /// `--dead-letter` / `SNAPBACK_DEAD_LETTER`: `snapback`'s dead-letter spool.
    pub dead_letter_spool: PathBuf,
    /// `SNAPBACK_DECISION_BUS`: where non-compliant decisions are published.
    pub decision_bus: Option<String>,
    /// `--decision-log` / `SNAPBACK_DECISION_LOG`: the hash-chained decision log.
    pub decision_log: Option<PathBuf>,
    /// `SNAPBACK_DECISION_LOG_KEY`: the decision log's HMAC key.
    pub decision_log_key: Option<LogKey>,
    /// `SNAPBACK_METRICS_NAMESPACE`: the CloudWatch namespace of the EMF metrics.
    pub metrics_namespace: String,
    /// `--redact` / `SNAPBACK_REDACT`: more requestParameters paths to redact.
    pub redact: Vec<String>,
    /// `--max-event-bytes` / `SNAPBACK_MAX_EVENT_BYTES`: the largest JSON value read.
    pub max_event_bytes: usize,
}

impl Config {
    /// The configuration from the environment alone, read through `var` (so that tests need
    /// not touch the process environment).
    pub fn from_env(
        var: impl Fn(&str) -> Option<std::ffi::OsString>,
        surface: Surface,
    ) -> Result<Self, ConfigError> {
        Raw::from_env(var).validate(surface)
    }

    /// How to reach AWS.
    pub fn aws(&self) -> crate::aws::Settings {
        crate::aws::Settings {
            endpoint_url: self.endpoint_url.clone(),
            cross_account_role: self.cross_account_role.clone(),
            home_account: self.home_account.clone(),
            attempt_timeout: None,
        }
    }
}

/// Test support: an environment holding only `pairs`, as `from_env` functions read one.
#[cfg(test)]
pub(crate) fn env_of<'a, T: From<&'a str>>(
    pairs: &'a [(&'a str, &'a str)],
) -> impl Fn(&str) -> Option<T> + 'a {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| T::from(*v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_print_alike() {
        for mode in [
            ModeOverride::Policy,
            ModeOverride::Audit,
            ModeOverride::Enforce,
        ] {
            assert_eq!(mode.as_str().parse::<ModeOverride>(), Ok(mode));
        }
        assert!("Enforce".parse::<ModeOverride>().is_err());
    }

    #[test]
    fn the_log_key_is_never_printed() {
        let key = LogKey(b"hunter2".to_vec());
        assert!(!format!("{key:?}").contains("hunter2"));
    }
}
