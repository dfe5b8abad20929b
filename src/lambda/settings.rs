//! The function's configuration: the one [`Config`], read from its environment alone
//! (template.yaml sets the variables), with the Lambda's defaults and its one requirement, a
//! dead-letter queue. Checked once at init; a bad value fails init with a typed error.

use std::ffi::OsString;

use crate::config::{Config, ConfigError, NO_QUEUE, Policies, Setting, Surface};
use crate::policy::PolicyPack;
use crate::reactor;

/// What can stop the function at init.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A setting is missing or malformed.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The policy set does not load or validate (all or nothing).
    #[error("{count} problem(s) in the policy set:\n{rendered}")]
    Policies { count: usize, rendered: String },
}

impl SettingsError {
    /// The error type reported to the Lambda Runtime API: permanent either way, the function
    /// must not start until the configuration or the pack is fixed.
    pub fn error_type(&self) -> &'static str {
        match self {
            SettingsError::Config(_) => "Runtime.InvalidConfiguration",
            SettingsError::Policies { .. } => "Runtime.InvalidPolicies",
        }
    }
}

/// The function's settings, parsed and checked once at init.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Every setting, as `snapback` would read the same values.
    pub config: Config,
    /// `SNAPBACK_DEAD_LETTER_QUEUE_URL`, required: permanent failures go there.
    pub dead_letter_queue_url: String,
}

impl Settings {
    /// Read the settings through `var`, so that tests need not touch the process environment.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let config = Config::from_env(|name| var(name).map(OsString::from), Surface::Lambda)?;
        Self::new(config)
    }

    /// The process environment's settings.
    pub fn from_process_env() -> Result<Self, SettingsError> {
        let config = Config::from_env(|name| std::env::var_os(name), Surface::Lambda)?;
        Self::new(config)
    }

    fn new(config: Config) -> Result<Self, SettingsError> {
        // `Surface::Lambda` validation has made the queue required; this keeps it in the type.
        let Some(dead_letter_queue_url) = config.dead_letter_queue_url.clone() else {
            return Err(ConfigError::missing(Setting::DeadLetterQueueUrl, NO_QUEUE).into());
        };
        Ok(Self {
            config,
            dead_letter_queue_url,
        })
    }

    /// The pack, strictly validated as a whole; every problem rendered, on failure.
    pub fn load_policies(&self) -> Result<PolicyPack, SettingsError> {
        let loaded = match &self.config.policies {
            Policies::Dir(dir) => crate::policy::load(dir, &crate::remediation::names()),
            Policies::Embedded => crate::policy::load_embedded(&crate::remediation::names()),
        };
        loaded.map_err(|errors| SettingsError::Policies {
            count: errors.len(),
            rendered: crate::policy::render(&errors, false),
        })
    }

    pub fn reactor(&self) -> reactor::Config {
        self.config.reactor.clone()
    }

    pub fn aws(&self) -> crate::aws::Settings {
        self.config.aws()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::ModeOverride;

    use crate::config::env_of as env;

    #[test]
    fn the_queue_is_required() {
        let err = Settings::from_env(env(&[])).unwrap_err();
        assert_eq!(err.error_type(), "Runtime.InvalidConfiguration");
        assert!(
            err.to_string().contains("SNAPBACK_DEAD_LETTER_QUEUE_URL"),
            "{err}"
        );
    }

    #[test]
    fn lists_and_modes_are_parsed() {
        let s = Settings::from_env(env(&[
            ("SNAPBACK_DEAD_LETTER_QUEUE_URL", "http://q"),
            ("SNAPBACK_MODE", "audit"),
            ("SNAPBACK_EXEMPT_PRINCIPALS", " arn:a , ,arn:b"),
        ]))
        .unwrap();
        assert_eq!(s.config.reactor.mode, ModeOverride::Audit);
        assert_eq!(s.config.reactor.exempt_principals, ["arn:a", "arn:b"]);
        assert_eq!(s.config.policies, Policies::Embedded);
        assert_eq!(s.config.reactor.deadline, Duration::from_secs(25));
        assert!(s.reactor().hand_back_retryable);
        assert_eq!(s.dead_letter_queue_url, "http://q");
    }

    #[test]
    fn a_bad_mode_is_an_error() {
        let err = Settings::from_env(env(&[
            ("SNAPBACK_DEAD_LETTER_QUEUE_URL", "http://q"),
            ("SNAPBACK_MODE", "revert"),
        ]))
        .unwrap_err();
        let SettingsError::Config(err) = err else {
            panic!("{err}");
        };
        assert_eq!(err.setting, Setting::Mode);
        assert!(err.to_string().contains("`revert`"), "{err}");
    }

    #[test]
    fn the_default_namespace_is_the_metrics_one() {
        let s = Settings::from_env(env(&[("SNAPBACK_DEAD_LETTER_QUEUE_URL", "http://q")])).unwrap();
        assert_eq!(s.config.metrics_namespace, super::super::emf::NAMESPACE);
    }
}
