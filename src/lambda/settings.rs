//! The function's configuration, from its environment (template.yaml sets every variable).

use std::path::PathBuf;
use std::time::Duration;

use crate::policy::PolicyPack;
use crate::reactor::{Config, ModeOverride};

/// Every setting the function reads, parsed and checked once at init.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `SNAPBACK_POLICIES`: a policy directory; unset means the pack built into the binary.
    pub policies: Option<PathBuf>,
    /// `SNAPBACK_MODE`: `policy`, `audit` or `enforce`.
    pub mode: ModeOverride,
    /// `SNAPBACK_EXEMPT_PRINCIPALS`: comma-separated ARNs whose changes are never reverted.
    pub exempt_principals: Vec<String>,
    /// `SNAPBACK_SELF_ROLES`: snapback's own role ARNs (loop protection).
    pub self_roles: Vec<String>,
    /// `SNAPBACK_CROSS_ACCOUNT_ROLE`: the role name assumed in member accounts.
    pub cross_account_role: Option<String>,
    /// `SNAPBACK_HOME_ACCOUNT`: the function's own account (saves an STS call at init).
    pub home_account: Option<String>,
    /// `SNAPBACK_DEAD_LETTER_QUEUE_URL`: required; permanent failures go there.
    pub dead_letter_queue_url: String,
    /// `SNAPBACK_DECISION_BUS`: publish non-compliant decisions to this bus, if set.
    pub decision_bus: Option<String>,
    /// `SNAPBACK_DEADLINE`: seconds all the work for one event may take (default 25).
    pub deadline: Duration,
    /// `SNAPBACK_METRICS_NAMESPACE` (default `snapback`).
    pub namespace: String,
    /// `SNAPBACK_REDACT`: extra requestParameters paths to redact.
    pub redact: Vec<String>,
    /// `AWS_ENDPOINT_URL`: a local AWS endpoint, for tests.
    pub endpoint_url: Option<String>,
    /// `AWS_REGION`: the function's region (Lambda sets it).
    pub region: Option<String>,
}

impl Settings {
    /// Read the settings through `var`, so that tests need not touch the process environment.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let get = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let list = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let mode = match get("SNAPBACK_MODE").as_deref() {
            None | Some("policy") => ModeOverride::Policy,
            Some("audit") => ModeOverride::Audit,
            Some("enforce") => ModeOverride::Enforce,
            Some(other) => {
                return Err(format!(
                    "SNAPBACK_MODE is `{other}`; expected policy, audit or enforce"
                ));
            }
        };
        let deadline =
            match get("SNAPBACK_DEADLINE") {
                None => 25,
                Some(v) => v.parse::<u64>().ok().filter(|s| *s > 0).ok_or_else(|| {
                    format!("SNAPBACK_DEADLINE is `{v}`; expected whole seconds > 0")
                })?,
            };
        let dead_letter_queue_url = get("SNAPBACK_DEAD_LETTER_QUEUE_URL").ok_or(
            "SNAPBACK_DEAD_LETTER_QUEUE_URL is not set: without a dead-letter queue, failed \
             events would have nowhere to go",
        )?;
        Ok(Self {
            policies: get("SNAPBACK_POLICIES").map(PathBuf::from),
            mode,
            exempt_principals: list("SNAPBACK_EXEMPT_PRINCIPALS"),
            self_roles: list("SNAPBACK_SELF_ROLES"),
            cross_account_role: get("SNAPBACK_CROSS_ACCOUNT_ROLE"),
            home_account: get("SNAPBACK_HOME_ACCOUNT"),
            dead_letter_queue_url,
            decision_bus: get("SNAPBACK_DECISION_BUS"),
            deadline: Duration::from_secs(deadline),
            namespace: get("SNAPBACK_METRICS_NAMESPACE")
                .unwrap_or_else(|| super::emf::NAMESPACE.to_owned()),
            redact: list("SNAPBACK_REDACT"),
            endpoint_url: get("AWS_ENDPOINT_URL"),
            region: get("AWS_REGION"),
        })
    }

    /// The pack, strictly validated as a whole; every problem rendered, on failure.
    pub fn load_policies(&self) -> Result<PolicyPack, String> {
        let loaded = match &self.policies {
            Some(dir) => crate::policy::load(dir, &crate::remediation::names()),
            None => crate::policy::load_embedded(&crate::remediation::names()),
        };
        loaded.map_err(|errors| {
            format!(
                "{} problem(s) in the policy set:\n{}",
                errors.len(),
                crate::policy::render(&errors, false)
            )
        })
    }

    pub fn reactor(&self) -> Config {
        Config {
            mode: self.mode,
            self_roles: self.self_roles.clone(),
            exempt_principals: self.exempt_principals.clone(),
            deadline: self.deadline,
            hand_back_retryable: true,
            ..Config::default()
        }
    }

    pub fn aws(&self) -> crate::aws::Settings {
        crate::aws::Settings {
            endpoint_url: self.endpoint_url.clone(),
            cross_account_role: self.cross_account_role.clone(),
            home_account: self.home_account.clone(),
            attempt_timeout: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_queue_is_required() {
        let err = Settings::from_env(env(&[])).unwrap_err();
        assert!(err.contains("SNAPBACK_DEAD_LETTER_QUEUE_URL"), "{err}");
    }

    #[test]
    fn lists_and_modes_are_parsed() {
        let s = Settings::from_env(env(&[
            ("SNAPBACK_DEAD_LETTER_QUEUE_URL", "http://q"),
            ("SNAPBACK_MODE", "audit"),
            ("SNAPBACK_EXEMPT_PRINCIPALS", " arn:a , ,arn:b"),
        ]))
        .unwrap();
        assert_eq!(s.mode, ModeOverride::Audit);
        assert_eq!(s.exempt_principals, ["arn:a", "arn:b"]);
        assert!(s.policies.is_none());
        assert_eq!(s.deadline, Duration::from_secs(25));
    }

    #[test]
    fn a_bad_mode_is_an_error() {
        let err = Settings::from_env(env(&[
            ("SNAPBACK_DEAD_LETTER_QUEUE_URL", "http://q"),
            ("SNAPBACK_MODE", "revert"),
        ]))
        .unwrap_err();
        assert!(err.contains("revert"), "{err}");
    }
}
