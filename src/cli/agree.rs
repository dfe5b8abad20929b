//! `snapback` and the Lambda read the same configuration. For every setting, one value given
//! as a flag, as a variable to `snapback`, and as a variable to the Lambda must come out the
//! same, and a bad value must be the same error, naming the flag or the variable it came from.
//! A field added to [`Config`] breaks the build of [`shown`] until it is covered here.

use std::ffi::OsString;

use clap::Parser;

use super::Cli;
use crate::config::{Config, ConfigError, LogKey, Origin, ReactorConfig, Setting};
use crate::lambda::{Settings, SettingsError};

const QUEUE: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/snapback-dlq";
const LONG_ROLE: &str = "a-role-name-that-is-sixty-five-characters-long-which-iam-refuses-x";

/// A value unlike the default, and values that must be refused. The match is exhaustive: a
/// new setting needs its case.
fn case(setting: Setting) -> (&'static str, &'static [&'static str]) {
    match setting {
        Setting::Policies => ("some/policies", &[]),
        Setting::Mode => ("enforce", &["revert", "Enforce"]),
        Setting::ExemptPrincipals => (
            "arn:aws:iam::123456789012:role/break-glass, arn:aws:iam::123456789012:user/ci",
            &[],
        ),
        Setting::SelfRoles => ("arn:aws:iam::123456789012:role/snapback,remediator", &[]),
        Setting::CrossAccountRole => ("snapback-remediator", &["a role", LONG_ROLE]),
        Setting::HomeAccount => ("210987654321", &["12345", "12345678901a"]),
        Setting::EndpointUrl => ("http://127.0.0.1:5000", &["localhost:5000", "ftp://host"]),
        Setting::Region => ("eu-west-1", &[]),
        Setting::DeadLetterQueueUrl => (
            "https://sqs.eu-west-1.amazonaws.com/123456789012/other",
            &["snapback-dlq"],
        ),
        Setting::DeadLetterSpool => ("spool", &[]),
        Setting::DecisionBus => ("security-bus", &[]),
        Setting::DecisionLog => ("decisions.jsonl", &[]),
        Setting::DecisionLogKey => ("s3cret", &[]),
        Setting::Deadline => ("7", &["0", "-1", "1.5", "soon"]),
        Setting::MetricsNamespace => ("security/snapback", &["AWS/Lambda"]),
        Setting::Redact => ("a.b,c.*.d", &[]),
        Setting::MaxEventBytes => ("1024", &["0", "1k"]),
        Setting::FlapMax => ("5", &["0", "-3", "many"]),
        Setting::FlapWindow => ("60", &["0", "10m"]),
        Setting::DuplicateWindow => ("250", &["-1", "lots"]),
        Setting::State => (
            "dynamodb://snapback-state",
            &["redis://x", "dynamodb://", "dynamodb://a b"],
        ),
    }
}

/// What `config` says for `setting`. Destructured without `..`: a new field must be named
/// here, and (with unused variables denied) shown for some setting or compared in [`fixed`].
#[deny(unused_variables)]
fn shown(config: &Config, setting: Setting) -> String {
    let Config {
        policies,
        reactor,
        cross_account_role,
        home_account,
        endpoint_url,
        region,
        dead_letter_queue_url,
        dead_letter_spool,
        decision_bus,
        decision_log,
        decision_log_key,
        metrics_namespace,
        redact,
        max_event_bytes,
    } = config;
    let ReactorConfig {
        mode,
        self_roles,
        deadline,
        retry: _,
        breaker: _,
        flap_max,
        flap_window,
        seen_capacity,
        state,
        hand_back_retryable: _,
        exempt_principals,
    } = reactor;
    match setting {
        Setting::Policies => format!("{policies:?}"),
        Setting::Mode => format!("{mode:?}"),
        Setting::ExemptPrincipals => format!("{exempt_principals:?}"),
        Setting::SelfRoles => format!("{self_roles:?}"),
        Setting::CrossAccountRole => format!("{cross_account_role:?}"),
        Setting::HomeAccount => format!("{home_account:?}"),
        Setting::EndpointUrl => format!("{endpoint_url:?}"),
        Setting::Region => format!("{region:?}"),
        Setting::DeadLetterQueueUrl => format!("{dead_letter_queue_url:?}"),
        Setting::DeadLetterSpool => format!("{dead_letter_spool:?}"),
        Setting::DecisionBus => format!("{decision_bus:?}"),
        Setting::DecisionLog => format!("{decision_log:?}"),
        Setting::DecisionLogKey => format!("{:?}", decision_log_key.as_ref().map(LogKey::as_bytes)),
        Setting::Deadline => format!("{deadline:?}"),
        Setting::MetricsNamespace => format!("{metrics_namespace:?}"),
        Setting::Redact => format!("{redact:?}"),
        Setting::MaxEventBytes => format!("{max_event_bytes:?}"),
        Setting::FlapMax => format!("{flap_max:?}"),
        Setting::FlapWindow => format!("{flap_window:?}"),
        Setting::DuplicateWindow => format!("{seen_capacity:?}"),
        Setting::State => format!("{state:?}"),
    }
}

/// The reactor's settings that are not read from anywhere: the same for both.
fn fixed(config: &Config) -> String {
    format!("{:?} {:?}", config.reactor.retry, config.reactor.breaker)
}

/// An environment of `pairs`; a later pair wins.
fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> + use<> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| OsString::from(v))
    }
}

/// `snapback <args>` with the environment `pairs`.
fn cli(args: &[&str], pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let parsed = Cli::try_parse_from(std::iter::once("snapback").chain(args.iter().copied()));
    parsed.unwrap().command.config(env(pairs))
}

/// The Lambda with the environment `pairs` (and a queue, which it requires).
fn lambda(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let mut all = vec![("SNAPBACK_DEAD_LETTER_QUEUE_URL", QUEUE)];
    all.extend_from_slice(pairs);
    let read = env(&all);
    match Settings::from_env(|name| read(name).and_then(|v| v.into_string().ok())) {
        Ok(settings) => Ok(settings.config),
        Err(SettingsError::Config(err)) => Err(err),
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn the_cli_and_the_lambda_agree_on_every_setting() {
    let cli_default = cli(&["react"], &[]).unwrap();
    let lambda_default = lambda(&[]).unwrap();
    assert_eq!(fixed(&cli_default), fixed(&lambda_default));
    for &setting in Setting::ALL {
        let (good, _) = case(setting);
        let var = setting.env();
        let by_env = cli(&["react"], &[(var, good)]).unwrap();
        let by_lambda = lambda(&[(var, good)]).unwrap();
        if let Some(flag) = setting.flag() {
            let by_flag = cli(&["react", flag, good], &[]).unwrap();
            assert_eq!(by_flag, by_env, "{flag} and {var} differ");
        }
        let value = shown(&by_env, setting);
        assert_eq!(value, shown(&by_lambda, setting), "{var}");
        assert_ne!(value, shown(&cli_default, setting), "{var} was ignored");
        assert_ne!(value, shown(&lambda_default, setting), "{var} was ignored");
        for &other in Setting::ALL.iter().filter(|o| **o != setting) {
            assert_eq!(
                shown(&by_env, other),
                shown(&cli_default, other),
                "{var} changed {other:?}"
            );
            assert_eq!(
                shown(&by_lambda, other),
                shown(&lambda_default, other),
                "{var} changed {other:?}"
            );
        }
        assert_eq!(fixed(&by_env), fixed(&by_lambda));
    }
}

#[test]
fn the_cli_and_the_lambda_refuse_the_same_values_alike() {
    let mut refused = 0;
    for &setting in Setting::ALL {
        let (_, bad) = case(setting);
        let var = setting.env();
        for &value in bad {
            let by_env = cli(&["react"], &[(var, value)]).unwrap_err();
            assert_eq!(by_env.setting, setting);
            assert_eq!(by_env.origin, Origin::Env(var));
            assert!(
                by_env.to_string().contains(&format!("`{value}`")),
                "{by_env}"
            );
            assert_eq!(lambda(&[(var, value)]).unwrap_err(), by_env);
            if let Some(flag) = setting.flag() {
                let by_flag = cli(&["react", flag, value], &[]).unwrap_err();
                assert_eq!(by_flag.origin, Origin::Flag(flag));
                assert_eq!(
                    (by_flag.setting, &by_flag.problem),
                    (by_env.setting, &by_env.problem)
                );
                assert!(by_flag.to_string().starts_with(&format!("`{flag}` is")));
            }
            refused += 1;
        }
    }
    assert!(refused >= 20, "only {refused} bad values tried");
}

#[test]
fn the_defaults_are_todays_and_differ_only_where_the_surface_does() {
    let cli_default = cli(&["react"], &[]).unwrap();
    let lambda_default = lambda(&[]).unwrap();
    assert_eq!(cli_default.reactor.flap_max, 3);
    assert_eq!(cli_default.reactor.flap_window.as_secs(), 600);
    assert_eq!(cli_default.reactor.seen_capacity, 10_000);
    assert!(!cli_default.reactor.hand_back_retryable);
    assert!(lambda_default.reactor.hand_back_retryable);
    let differ: Vec<Setting> = Setting::ALL
        .iter()
        .copied()
        .filter(|s| shown(&cli_default, *s) != shown(&lambda_default, *s))
        .collect();
    assert_eq!(differ, [Setting::Policies, Setting::DeadLetterQueueUrl]);
}

#[test]
fn a_flag_wins_over_its_variable_and_dry_run_over_mode() {
    let config = cli(
        &["react", "--deadline", "9", "--mode", "enforce", "--dry-run"],
        &[("SNAPBACK_DEADLINE", "0"), ("SNAPBACK_MODE", "policy")],
    )
    .unwrap();
    assert_eq!(config.reactor.deadline.as_secs(), 9);
    assert_eq!(config.reactor.mode, crate::config::ModeOverride::Audit);
}

#[test]
fn a_repeated_list_flag_is_the_comma_separated_variable() {
    let flags = cli(
        &["react", "--exempt", "arn:a", "--exempt", "arn:b,arn:c"],
        &[],
    )
    .unwrap();
    let var = cli(
        &["react"],
        &[("SNAPBACK_EXEMPT_PRINCIPALS", "arn:a,arn:b,arn:c")],
    )
    .unwrap();
    assert_eq!(flags, var);
}

#[test]
fn every_command_reads_its_shared_flags_the_same_way() {
    for command in [
        "check",
        "react",
        "scan",
        "redrive",
        "test",
        "validate",
        "deploy-plan",
    ] {
        let by_flag = cli(&[command, "--policies", "elsewhere"], &[]).unwrap();
        let by_env = cli(&[command], &[("SNAPBACK_POLICIES", "elsewhere")]).unwrap();
        assert_eq!(by_flag, by_env, "{command}");
    }
    for command in ["check", "react", "scan"] {
        let err = cli(&[command, "--max-event-bytes", "0"], &[]).unwrap_err();
        assert_eq!(err.setting, Setting::MaxEventBytes, "{command}");
    }
}
