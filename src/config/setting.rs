//! The names of every setting: its `SNAPBACK_*` (or `AWS_*`) variable, its flag when the
//! command line has one, and where a raw value came from. Error messages name a setting the
//! way the user gave it, so a bad `--deadline` and a bad `SNAPBACK_DEADLINE` read alike.

use std::fmt;

/// Declares [`Setting`] and its `ALL` from one list, so that `ALL` cannot miss a variant.
macro_rules! settings {
    ($($name:ident),* $(,)?) => {
        /// One setting of [`super::Config`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Setting {
            $($name),*
        }

        impl Setting {
            /// Every setting, in the order the settings table documents them.
            pub const ALL: &[Setting] = &[$(Setting::$name),*];
        }
    };
}

settings![
    Policies,
    Mode,
    ExemptPrincipals,
    SelfRoles,
    CrossAccountRole,
    HomeAccount,
    EndpointUrl,
    Region,
    DeadLetterQueueUrl,
    DeadLetterSpool,
    DecisionBus,
    DecisionLog,
    DecisionLogKey,
    Deadline,
    MetricsNamespace,
    Redact,
    MaxEventBytes,
    FlapMax,
    FlapWindow,
    DuplicateWindow,
    State,
];

impl Setting {
    /// The environment variable the setting is read from.
    pub fn env(self) -> &'static str {
        match self {
            Setting::Policies => "SNAPBACK_POLICIES",
            Setting::Mode => "SNAPBACK_MODE",
            Setting::ExemptPrincipals => "SNAPBACK_EXEMPT_PRINCIPALS",
            Setting::SelfRoles => "SNAPBACK_SELF_ROLES",
            Setting::CrossAccountRole => "SNAPBACK_CROSS_ACCOUNT_ROLE",
            Setting::HomeAccount => "SNAPBACK_HOME_ACCOUNT",
            Setting::EndpointUrl => "AWS_ENDPOINT_URL",
            Setting::Region => "AWS_REGION",
            Setting::DeadLetterQueueUrl => "SNAPBACK_DEAD_LETTER_QUEUE_URL",
            Setting::DeadLetterSpool => "SNAPBACK_DEAD_LETTER",
            Setting::DecisionBus => "SNAPBACK_DECISION_BUS",
            Setting::DecisionLog => "SNAPBACK_DECISION_LOG",
            Setting::DecisionLogKey => "SNAPBACK_DECISION_LOG_KEY",
            Setting::Deadline => "SNAPBACK_DEADLINE",
            Setting::MetricsNamespace => "SNAPBACK_METRICS_NAMESPACE",
            Setting::Redact => "SNAPBACK_REDACT",
            Setting::MaxEventBytes => "SNAPBACK_MAX_EVENT_BYTES",
            Setting::FlapMax => "SNAPBACK_FLAP_MAX",
            Setting::FlapWindow => "SNAPBACK_FLAP_WINDOW",
            Setting::DuplicateWindow => "SNAPBACK_DUPLICATE_WINDOW",
            Setting::State => "SNAPBACK_STATE",
        }
    }

    /// The command-line flag, for the settings `snapback` takes as flags too. The others are
    /// the Lambda's (a queue, a bus, a metrics namespace), a secret (the log key), or the SDK's.
    pub fn flag(self) -> Option<&'static str> {
        match self {
            Setting::Policies => Some("--policies"),
            Setting::Mode => Some("--mode"),
            Setting::ExemptPrincipals => Some("--exempt"),
            Setting::SelfRoles => Some("--self-role"),
            Setting::CrossAccountRole => Some("--cross-account-role"),
            Setting::EndpointUrl => Some("--endpoint-url"),
            Setting::DeadLetterSpool => Some("--dead-letter"),
            Setting::DecisionLog => Some("--decision-log"),
            Setting::Deadline => Some("--deadline"),
            Setting::Redact => Some("--redact"),
            Setting::MaxEventBytes => Some("--max-event-bytes"),
            Setting::FlapMax => Some("--flap-max"),
            Setting::FlapWindow => Some("--flap-window"),
            Setting::DuplicateWindow => Some("--duplicate-window"),
            Setting::State => Some("--state"),
            Setting::HomeAccount
            | Setting::Region
            | Setting::DeadLetterQueueUrl
            | Setting::DecisionBus
            | Setting::DecisionLogKey
            | Setting::MetricsNamespace => None,
        }
    }

    /// Whether a value is a comma-separated list (a flag may also be repeated).
    pub fn is_list(self) -> bool {
        matches!(
            self,
            Setting::ExemptPrincipals | Setting::SelfRoles | Setting::Redact
        )
    }

    /// Whether the value is a secret, never to be shown in an error or a debug print.
    pub fn is_secret(self) -> bool {
        self == Setting::DecisionLogKey
    }
}

/// Where a raw value came from: it names the setting in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag (`--deadline`, or `--dry-run` for the mode).
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(name) | Origin::Env(name) => write!(f, "`{name}`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn names_are_unique() {
        let envs: BTreeSet<_> = Setting::ALL.iter().map(|s| s.env()).collect();
        assert_eq!(envs.len(), Setting::ALL.len());
        let flags: Vec<_> = Setting::ALL.iter().filter_map(|s| s.flag()).collect();
        let unique: BTreeSet<_> = flags.iter().collect();
        assert_eq!(unique.len(), flags.len());
    }
}
