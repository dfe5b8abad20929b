//! The first phase: raw values as given, each with where it came from, and the one rule per
//! setting that turns them into a [`Config`]. A value that is empty (or only spaces) counts as
//! not given, from a flag as from a variable (template.yaml sets unused variables to "").

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::time::Duration;

use super::error::{ConfigError, Problem};
use super::setting::{Origin, Setting};
use super::{
    Config, DEFAULT_DEAD_LETTER_SPOOL, DEFAULT_METRICS_NAMESPACE, DEFAULT_POLICIES_DIR, LogKey,
    ModeOverride, Policies, ReactorConfig, StateLocation, Surface,
};

/// Settings as given, not yet checked. Later values replace earlier ones: read the
/// environment first, then the flags.
#[derive(Debug, Clone, Default)]
pub struct Raw {
    values: BTreeMap<Setting, (Origin, OsString)>,
}

/// Why the Lambda needs its dead-letter queue.
pub const NO_QUEUE: &str = "without a dead-letter queue, failed events would have nowhere to go";

const SECONDS: &str = "whole seconds greater than 0";

impl Raw {
    /// Every setting's variable, read through `var`.
    pub fn from_env(var: impl Fn(&str) -> Option<OsString>) -> Self {
        let mut raw = Self::default();
        for &setting in Setting::ALL {
            if let Some(value) = var(setting.env()) {
                raw.set(setting, Origin::Env(setting.env()), value);
            }
        }
        raw
    }

    /// Set a value, replacing what was there.
    pub fn set(&mut self, setting: Setting, origin: Origin, value: impl Into<OsString>) {
        self.values.insert(setting, (origin, value.into()));
    }

    /// A flag, if it was given: it wins over the variable.
    pub fn flag(&mut self, setting: Setting, value: Option<impl AsRef<OsStr>>) {
        if let Some(value) = value {
            let name = setting.flag().unwrap_or(setting.env());
            self.set(setting, Origin::Flag(name), value.as_ref());
        }
    }

    /// A repeatable list flag, if it was given at least once: its values joined by commas, as
    /// the variable would have them.
    pub fn flags(&mut self, setting: Setting, values: &[String]) {
        if !values.is_empty() {
            self.flag(setting, Some(values.join(",")));
        }
    }

    /// The second phase: check every value once, into the configuration `surface` runs with.
    pub fn validate(&self, surface: Surface) -> Result<Config, ConfigError> {
        let policies = match self.path(Setting::Policies) {
            Some(dir) => Policies::Dir(dir),
            None if surface == Surface::Lambda => Policies::Embedded,
            None => Policies::Dir(PathBuf::from(DEFAULT_POLICIES_DIR)),
        };
        let dead_letter_queue_url = self.parsed(Setting::DeadLetterQueueUrl, url)?;
        if surface == Surface::Lambda && dead_letter_queue_url.is_none() {
            return Err(ConfigError::missing(Setting::DeadLetterQueueUrl, NO_QUEUE));
        }
        let reactor = ReactorConfig {
            mode: self
                .parsed(Setting::Mode, |v| v.parse::<ModeOverride>())?
                .unwrap_or_default(),
            self_roles: self.list(Setting::SelfRoles)?,
            exempt_principals: self.list(Setting::ExemptPrincipals)?,
            deadline: self
                .parsed(Setting::Deadline, |v| seconds(v).ok_or(SECONDS))?
                .unwrap_or(ReactorConfig::DEFAULT_DEADLINE),
            flap_max: self
                .parsed(Setting::FlapMax, |v| {
                    positive(v, "a whole number of reverts greater than 0")
                })?
                .unwrap_or(ReactorConfig::DEFAULT_FLAP_MAX),
            flap_window: self
                .parsed(Setting::FlapWindow, |v| seconds(v).ok_or(SECONDS))?
                .unwrap_or(ReactorConfig::DEFAULT_FLAP_WINDOW),
            seen_capacity: self
                .parsed(Setting::DuplicateWindow, |v| {
                    whole(v).ok_or("a whole number of event ids (0 remembers none)")
                })?
                .unwrap_or(ReactorConfig::DEFAULT_DUPLICATE_WINDOW),
            state: self
                .parsed(Setting::State, |v| v.parse::<StateLocation>())?
                .unwrap_or_default(),
            hand_back_retryable: surface == Surface::Lambda,
            ..ReactorConfig::default()
        };
        Ok(Config {
            policies,
            reactor,
            cross_account_role: self.parsed(Setting::CrossAccountRole, role_name)?,
            home_account: self.parsed(Setting::HomeAccount, account_id)?,
            endpoint_url: self.parsed(Setting::EndpointUrl, url)?,
            region: self.parsed(Setting::Region, |v| Ok::<_, &str>(v.to_owned()))?,
            dead_letter_queue_url,
            dead_letter_spool: self
                .path(Setting::DeadLetterSpool)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DEAD_LETTER_SPOOL)),
            decision_bus: self.parsed(Setting::DecisionBus, |v| Ok::<_, &str>(v.to_owned()))?,
            decision_log: self.path(Setting::DecisionLog),
            decision_log_key: self.decision_log_key(),
            metrics_namespace: self
                .parsed(Setting::MetricsNamespace, namespace)?
                .unwrap_or_else(|| DEFAULT_METRICS_NAMESPACE.to_owned()),
            redact: self.list(Setting::Redact)?,
            max_event_bytes: self
                .parsed(Setting::MaxEventBytes, |v| {
                    positive(v, "a whole number of bytes greater than 0")
                })?
                .unwrap_or(crate::event::DEFAULT_MAX_EVENT_BYTES),
        })
    }

    /// The trimmed text of a setting, or `None` when it is not given or empty.
    fn text(&self, setting: Setting) -> Result<Option<(Origin, &str)>, ConfigError> {
        let Some((origin, value)) = self.values.get(&setting) else {
            return Ok(None);
        };
        let text = value.to_str().ok_or(ConfigError {
            setting,
            origin: *origin,
            problem: Problem::NotUnicode,
        })?;
        let text = text.trim();
        Ok((!text.is_empty()).then_some((*origin, text)))
    }

    /// A setting parsed by `parse`, which says what it expected when the text is not that.
    fn parsed<T>(
        &self,
        setting: Setting,
        parse: impl Fn(&str) -> Result<T, &'static str>,
    ) -> Result<Option<T>, ConfigError> {
        let Some((origin, text)) = self.text(setting)? else {
            return Ok(None);
        };
        parse(text)
            .map(Some)
            .map_err(|expected| ConfigError::invalid(setting, origin, text, expected))
    }

    /// A comma-separated list; empty items are dropped.
    fn list(&self, setting: Setting) -> Result<Vec<String>, ConfigError> {
        Ok(self
            .text(setting)?
            .map(|(_, text)| {
                text.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// A path: any bytes, trimmed when they are text.
    fn path(&self, setting: Setting) -> Option<PathBuf> {
        let (_, value) = self.values.get(&setting)?;
        let path = match value.to_str() {
            Some(text) => OsString::from(text.trim()),
            None => value.clone(),
        };
        (!path.is_empty()).then(|| PathBuf::from(path))
    }

    /// The decision log's key: its bytes exactly as given. (`audit verify` needs only this.)
    pub fn decision_log_key(&self) -> Option<LogKey> {
        let (_, value) = self.values.get(&Setting::DecisionLogKey)?;
        let bytes = value.clone().into_encoded_bytes();
        (!bytes.is_empty()).then_some(LogKey(bytes))
    }
}

fn whole<T: std::str::FromStr>(text: &str) -> Option<T> {
    text.parse().ok()
}

/// A whole number greater than 0, or else the error `expected`.
fn positive<T: std::str::FromStr + PartialOrd + Default>(
    text: &str,
    expected: &'static str,
) -> Result<T, &'static str> {
    whole(text).filter(|n| *n > T::default()).ok_or(expected)
}

fn seconds(text: &str) -> Option<Duration> {
    whole::<u64>(text)
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
}

fn url(text: &str) -> Result<String, &'static str> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !text.contains(char::is_whitespace) => {
            Ok(text.to_owned())
        }
        _ => Err("an `http://` or `https://` URL"),
    }
}

fn account_id(text: &str) -> Result<String, &'static str> {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err("a 12-digit AWS account id")
    }
}

fn role_name(text: &str) -> Result<String, &'static str> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if text.len() <= 64 && text.chars().all(allowed) {
        Ok(text.to_owned())
    } else {
        Err("an IAM role name (at most 64 letters, digits and `+=,.@_-`)")
    }
}

fn namespace(text: &str) -> Result<String, &'static str> {
    if text.len() <= 255 && !text.starts_with("AWS/") && !text.starts_with(':') {
        Ok(text.to_owned())
    } else {
        Err("a CloudWatch namespace (at most 255 characters, not starting with `AWS/` or `:`)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::config::env_of as env;

    fn cli(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Raw::from_env(env(pairs)).validate(Surface::Cli)
    }

    #[test]
    fn nothing_given_is_todays_defaults() {
        let config = cli(&[]).unwrap();
        assert_eq!(config.reactor, ReactorConfig::default());
        assert_eq!(config.reactor.flap_max, 3);
        assert_eq!(config.reactor.flap_window, Duration::from_secs(600));
        assert_eq!(config.reactor.seen_capacity, 10_000);
        assert_eq!(config.reactor.deadline, Duration::from_secs(25));
        assert_eq!(config.policies, Policies::Dir(PathBuf::from("policies")));
        assert_eq!(config.dead_letter_spool, PathBuf::from("dead-letters"));
        assert_eq!(config.metrics_namespace, "snapback");
    }

    #[test]
    fn a_flag_wins_over_its_variable() {
        let mut raw = Raw::from_env(env(&[("SNAPBACK_DEADLINE", "0")]));
        raw.flag(Setting::Deadline, Some("7"));
        let config = raw.validate(Surface::Cli).unwrap();
        assert_eq!(config.reactor.deadline, Duration::from_secs(7));
    }

    #[test]
    fn an_empty_value_is_not_given() {
        let config = cli(&[
            ("SNAPBACK_DEADLINE", " "),
            ("SNAPBACK_CROSS_ACCOUNT_ROLE", ""),
            ("SNAPBACK_EXEMPT_PRINCIPALS", " arn:a , ,arn:b"),
        ])
        .unwrap();
        assert_eq!(config.reactor.deadline, Duration::from_secs(25));
        assert_eq!(config.cross_account_role, None);
        assert_eq!(config.reactor.exempt_principals, ["arn:a", "arn:b"]);
    }

    #[test]
    fn a_zero_deadline_is_an_error_not_clamped() {
        let err = cli(&[("SNAPBACK_DEADLINE", "0")]).unwrap_err();
        assert_eq!(err.setting, Setting::Deadline);
        assert_eq!(
            err.to_string(),
            "`SNAPBACK_DEADLINE` is `0`: expected whole seconds greater than 0"
        );
    }

    #[test]
    fn a_zero_duplicate_window_remembers_nothing_but_a_zero_flap_limit_is_an_error() {
        let config = cli(&[("SNAPBACK_DUPLICATE_WINDOW", "0")]).unwrap();
        assert_eq!(config.reactor.seen_capacity, 0);
        let err = cli(&[("SNAPBACK_FLAP_MAX", "0")]).unwrap_err();
        assert_eq!(err.setting, Setting::FlapMax);
    }

    #[test]
    fn the_lambda_requires_its_queue_and_hands_back_retries() {
        let err = Raw::from_env(env(&[]))
            .validate(Surface::Lambda)
            .unwrap_err();
        assert_eq!(err.setting, Setting::DeadLetterQueueUrl);
        assert!(err.to_string().contains("nowhere to go"), "{err}");
        let config = Raw::from_env(env(&[("SNAPBACK_DEAD_LETTER_QUEUE_URL", "http://q")]))
            .validate(Surface::Lambda)
            .unwrap();
        assert_eq!(config.policies, Policies::Embedded);
        assert!(config.reactor.hand_back_retryable);
    }

    #[cfg(unix)]
    #[test]
    fn text_that_is_not_utf8_is_an_error_but_a_path_or_key_may_be_any_bytes() {
        use std::os::unix::ffi::OsStringExt;
        let bytes = || OsString::from_vec(vec![b'k', 0xff]);
        let mut raw = Raw::default();
        raw.set(
            Setting::DecisionLogKey,
            Origin::Env("SNAPBACK_DECISION_LOG_KEY"),
            bytes(),
        );
        raw.set(
            Setting::DecisionLog,
            Origin::Env("SNAPBACK_DECISION_LOG"),
            bytes(),
        );
        let config = raw.validate(Surface::Cli).unwrap();
        assert_eq!(
            config.decision_log_key.map(|k| k.as_bytes().to_vec()),
            Some(vec![b'k', 0xff])
        );
        assert_eq!(config.decision_log, Some(PathBuf::from(bytes())));
        raw.set(Setting::Mode, Origin::Env("SNAPBACK_MODE"), bytes());
        let err = raw.validate(Surface::Cli).unwrap_err();
        assert_eq!(err.problem, Problem::NotUnicode);
    }

    #[test]
    fn values_are_checked() {
        for (var, value) in [
            ("SNAPBACK_MODE", "revert"),
            ("SNAPBACK_HOME_ACCOUNT", "12345"),
            ("SNAPBACK_CROSS_ACCOUNT_ROLE", "a role"),
            ("AWS_ENDPOINT_URL", "localhost:5000"),
            ("SNAPBACK_METRICS_NAMESPACE", "AWS/Lambda"),
            ("SNAPBACK_MAX_EVENT_BYTES", "0"),
            ("SNAPBACK_FLAP_WINDOW", "-5"),
        ] {
            let err = cli(&[(var, value)]).unwrap_err();
            assert_eq!(err.origin, Origin::Env(err.setting.env()), "{err}");
            assert_eq!(err.setting.env(), var);
            assert!(err.to_string().contains(value), "{err}");
        }
    }
}
