//! What can be wrong with a setting. Each error names the setting as the user gave it (the
//! flag or the variable) and the value, so the same mistake reads the same from `snapback` and
//! from the Lambda's init error.

use super::setting::{Origin, Setting};

/// A setting that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin} {problem}")]
pub struct ConfigError {
    /// Which setting.
    pub setting: Setting,
    /// The flag or variable it came from (or, for a missing one, the variable to set).
    pub origin: Origin,
    pub problem: Problem,
}

/// Why a setting could not be used; the same whatever the value came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The value does not parse or is out of range.
    #[error("is `{value}`: expected {expected}")]
    Invalid {
        value: String,
        expected: &'static str,
    },
    /// The value is not UTF-8 (only a path or the log key may be any bytes).
    #[error("is not valid UTF-8")]
    NotUnicode,
    /// The setting is required where it is read and has no default.
    #[error("is not set: {why}")]
    Missing { why: &'static str },
}

impl ConfigError {
    /// A required setting that is not set; it is named by its variable.
    pub fn missing(setting: Setting, why: &'static str) -> Self {
        Self {
            setting,
            origin: Origin::Env(setting.env()),
            problem: Problem::Missing { why },
        }
    }

    /// An invalid value of `setting` given by `origin`.
    pub(super) fn invalid(
        setting: Setting,
        origin: Origin,
        value: &str,
        expected: &'static str,
    ) -> Self {
        Self {
            setting,
            origin,
            problem: Problem::Invalid {
                value: value.to_owned(),
                expected,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_flag_or_variable_and_the_value() {
        let flag = ConfigError::invalid(
            Setting::Deadline,
            Origin::Flag("--deadline"),
            "0",
            "whole seconds greater than 0",
        );
        assert_eq!(
            flag.to_string(),
            "`--deadline` is `0`: expected whole seconds greater than 0"
        );
        let env = ConfigError {
            origin: Origin::Env("SNAPBACK_DEADLINE"),
            ..flag.clone()
        };
        assert_eq!(
            env.to_string(),
            "`SNAPBACK_DEADLINE` is `0`: expected whole seconds greater than 0"
        );
        assert_eq!(env.problem, flag.problem);
    }
}
