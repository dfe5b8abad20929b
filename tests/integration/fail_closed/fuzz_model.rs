//! A structure-aware fuzzer for the model mapping, run as a proptest in the ordinary test suite.
//! Seeds are the rules-tests cases and the modelled events of the shared corpus; each run
//! mutates values inside `requestParameters` and `userIdentity` (swaps their types, truncates
//! strings that hold JSON, replaces CIDRs and ports with junk, nests, deletes), sends the event
//! through the stream parser and `Engine::decide` with the shipped pack, and checks:
//!
//! - nothing panics, and the event gets exactly one record;
//! - when every mutation *breaks* a value (a scalar made an object, a container made a number,
//!   a JSON string cut short, a CIDR or port made junk) of an event that was `non_compliant`,
//!   the result is not `compliant`: a field a policy relies on that is present but malformed
//!   is an error (or the violation still matches). Deleting or re-encoding a value can
//!   legitimately make an event compliant (an absent field is fine; `"tcp"` made `7` is another
//!   protocol), so those mutations are checked only for the first invariant;
//! - a decision that turns into `error` names what failed.
//!
//! The number of cases is bounded (`SNAPBACK_FUZZ_CASES`, default 400) so that the run takes
//! seconds in the dev profile. Failures found are kept below as named regression tests.

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use snapback::decision_log::{Recorder, Redactor};
use snapback::{Engine, Outcome, StreamParser};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::new(
            snapback::load_policies(&root().join("policies")).unwrap_or_else(|e| panic!("{e:?}")),
        )
    })
}

/// A seed event and its decision before any mutation.
struct Seed {
    event: Value,
    outcome: Outcome,
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut events = Vec::new();
        let cases = snapback::cases::load(&root().join("rules-tests/cases")).unwrap();
        events.extend(cases.into_iter().map(|c| c.event));
        let corpus = std::env::var_os("SNAPBACK_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("../shared/corpus"));
        for dir in ["cloudtrail-records", "cloudtrail-nonconforming"] {
            let Ok(entries) = std::fs::read_dir(corpus.join(dir)) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
            paths.sort();
            for path in paths {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let Ok(event) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                let modelled = event["requestParameters"].is_object()
                    || event["userIdentity"]["type"] == "Root";
                if modelled {
                    events.push(event);
                }
            }
        }
        events
            .into_iter()
            .filter_map(|event| {
                let outcome = decide(&event).ok()?;
                Some(Seed { event, outcome })
            })
            .collect()
    })
}

/// The record for an event sent through the stream parser: exactly one, or the reason not.
fn decide(event: &Value) -> Result<Outcome, String> {
    let mut items = Vec::new();
    let mut parser = StreamParser::new("fuzz");
    parser.push(&serde_json::to_vec(event).unwrap(), &mut |e| items.push(e));
    parser.finish(&mut |e| items.push(e));
    let recorder = Recorder::new("fuzz", Redactor::default());
    let now = std::time::SystemTime::now();
    let record = match items.as_slice() {
        [Ok(event)] => {
            let decision = engine().decide(event);
            if decision.outcome == Outcome::Error && decision.errors.is_empty() {
                return Err(format!("an error that names nothing: {}", decision.reason));
            }
            recorder.record(event, &decision, now)
        }
        [Err(err)] => recorder.unreadable(err, now),
        other => return Err(format!("{} records for one event", other.len())),
    };
    Ok(record.decision)
}

/// Where a mutation applies, and how.
#[derive(Debug, Clone)]
struct Mutation {
    /// `requestParameters` or `userIdentity`.
    in_identity: bool,
    /// Picks one of the values below the target (modulo how many there are).
    pick: usize,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// A scalar becomes an object, a container becomes a number: shapes that no field the
    /// model reads accepts in their place (a string would be, for a list of strings).
    Break,
    /// A string holding JSON is cut short (other values are left alone).
    Truncate(usize),
    /// A CIDR or port is replaced with junk (other values are left alone).
    Junk(usize),
    /// Any other value of any type.
    Swap(Value),
    /// Wrapped in a list or an object.
    Nest(bool),
    Delete,
}

impl Kind {
    /// Whether the mutation makes a present value unreadable (or changes nothing).
    fn breaks(&self) -> bool {
        matches!(self, Self::Break | Self::Truncate(_) | Self::Junk(_))
    }
}

const JUNK_CIDRS: &[&str] = &["0.0.0.0/33", "0.0.0.0", "junk", "", "::/129", "0.0.0.0/-1"];
const JUNK_PORTS: &[&str] = &["ssh", "65536", "-2", "", "22-23", "1e3"];

fn kind() -> impl Strategy<Value = Kind> {
    let swap = prop_oneof![
        Just(json!(7)),
        Just(json!(-1)),
        Just(json!(true)),
        Just(json!("x")),
        Just(json!("")),
        Just(json!([])),
        Just(json!({})),
        Just(json!(null)),
        Just(json!({"items": 1})),
        Just(json!([{"a": [1, {"b": null}]}])),
    ];
    prop_oneof![
        3 => Just(Kind::Break),
        2 => any::<usize>().prop_map(Kind::Truncate),
        2 => any::<usize>().prop_map(Kind::Junk),
        2 => swap.prop_map(Kind::Swap),
        1 => any::<bool>().prop_map(Kind::Nest),
        1 => Just(Kind::Delete),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (any::<bool>(), any::<usize>(), kind()).prop_map(|(in_identity, pick, kind)| Mutation {
        in_identity,
        pick,
        kind,
    })
}

/// Every path strictly below `value`.
fn paths(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        at.push(key);
        out.push(at.clone());
        paths(child, at, out);
        at.pop();
    }
}

fn slot<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, key| match v {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?),
        _ => None,
    })
}

fn holds_json(s: &str) -> bool {
    let t = s.trim();
    (t.starts_with('{') && t.ends_with('}'))
        || (t.starts_with('[') && t.ends_with(']'))
        || t.starts_with("%7B")
}

/// The CloudTrail record: the event itself, or an EventBridge event's `detail`.
fn record_mut(event: &mut Value) -> &mut Value {
    if event.get("detail").is_some_and(Value::is_object) {
        &mut event["detail"]
    } else {
        event
    }
}

fn record(event: &Value) -> &Value {
    event
        .get("detail")
        .filter(|d| d.is_object())
        .unwrap_or(event)
}

/// Apply one mutation: the path it changed, or None when it did not apply (nothing to mutate,
/// or a value it leaves alone).
fn apply(event: &mut Value, m: &Mutation) -> Option<Vec<String>> {
    let mut path = vec![
        if m.in_identity {
            "userIdentity"
        } else {
            "requestParameters"
        }
        .to_owned(),
    ];
    let changed = mutate(event, m)?;
    path.extend(changed);
    Some(path)
}

fn mutate(event: &mut Value, m: &Mutation) -> Option<Vec<String>> {
    let target = if m.in_identity {
        "userIdentity"
    } else {
        "requestParameters"
    };
    let top = record_mut(event)
        .get_mut(target)
        .filter(|t| t.is_object())?;
    let mut all = Vec::new();
    paths(top, &mut Vec::new(), &mut all);
    if all.is_empty() {
        return None;
    }
    let path = all[m.pick % all.len()].clone();
    let key = path.last().cloned().unwrap_or_default();
    if let Kind::Delete = m.kind {
        let parent = slot(top, &path[..path.len() - 1]).unwrap();
        match parent {
            Value::Object(map) => {
                map.remove(&key);
            }
            Value::Array(items) => {
                items.remove(key.parse::<usize>().unwrap());
            }
            _ => return None,
        }
        return Some(path);
    }
    let value = slot(top, &path)?;
    match &m.kind {
        Kind::Break => {
            *value = match value {
                Value::Object(_) | Value::Array(_) => json!(7),
                _ => json!({"fuzz": [1]}),
            };
        }
        Kind::Truncate(at) => {
            let Value::String(s) = value else {
                return None;
            };
            let text = s.trim_end();
            if !holds_json(text) || text.len() < 2 {
                return None;
            }
            let mut cut = 1 + at % (text.len() - 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            *s = text[..cut].to_owned();
        }
        Kind::Junk(pick) => {
            let lower = key.to_ascii_lowercase();
            let junk = if lower.starts_with("cidr") {
                JUNK_CIDRS
            } else if lower == "fromport" || lower == "toport" {
                JUNK_PORTS
            } else {
                return None;
            };
            if !(value.is_string() || value.is_number()) {
                return None;
            }
            let text = junk[pick % junk.len()];
            // An empty CIDR or port reads as a value that is there and says nothing.
            *value = if text.is_empty() {
                json!({})
            } else {
                json!(text)
            };
        }
        Kind::Swap(to) => *value = to.clone(),
        Kind::Nest(list) => {
            let inner = value.take();
            *value = if *list {
                json!([inner])
            } else {
                json!({"nested": inner})
            };
        }
        Kind::Delete => unreachable!(),
    }
    Some(path)
}

fn check(seed: &Seed, mutations: &[Mutation]) -> Result<(), TestCaseError> {
    let mut event = seed.event.clone();
    let mut breaking = true;
    let mut changed: Vec<Vec<String>> = Vec::new();
    for m in mutations {
        if let Some(path) = apply(&mut event, m) {
            // Mutating what an earlier mutation wrote replaces junk with other junk: breaking
            // a number into `{"fuzz": [1]}` where an object of known keys was makes those keys
            // absent, which is fine. Only breaks of the event's own values count.
            let rewrites = changed.iter().any(|c| path.starts_with(c));
            breaking &= m.kind.breaks() && !rewrites;
            changed.push(path);
        }
    }
    let applied = changed.len();
    let outcome = decide(&event).map_err(TestCaseError::fail)?;
    if applied > 0 && breaking && seed.outcome == Outcome::NonCompliant {
        prop_assert_ne!(
            outcome,
            Outcome::Compliant,
            "a broken field made a violation compliant: {}",
            event
        );
    }
    Ok(())
}

#[test]
fn mutated_events_never_panic_never_drop_and_never_fail_open() {
    let seeds = seeds();
    assert!(seeds.len() > 200, "only {} seeds", seeds.len());
    assert!(seeds.iter().any(|s| s.outcome == Outcome::NonCompliant));
    let cases = std::env::var("SNAPBACK_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..4));
    let result = runner.run(&strategy, |(seed, mutations)| {
        check(&seeds[seed], &mutations)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Every seed, with each of its values broken in turn: the exhaustive form of the fail-open
/// invariant for one mutation, for the seeds that are violations.
#[test]
fn breaking_any_one_value_of_a_violation_never_makes_it_compliant() {
    for seed in seeds()
        .iter()
        .filter(|s| s.outcome == Outcome::NonCompliant)
    {
        for in_identity in [false, true] {
            let target = if in_identity {
                "userIdentity"
            } else {
                "requestParameters"
            };
            let mut all = Vec::new();
            let top = &record(&seed.event)[target];
            if top.is_object() {
                paths(top, &mut Vec::new(), &mut all);
            }
            for (pick, path) in all.iter().enumerate() {
                let m = Mutation {
                    in_identity,
                    pick,
                    kind: Kind::Break,
                };
                check(seed, &[m]).unwrap_or_else(|e| panic!("{target}.{}: {e}", path.join(".")));
            }
        }
    }
}

/// A rules-tests case's event, with its `requestParameters` replaced.
fn case_with(case: &str, params: Value) -> Value {
    let text = std::fs::read_to_string(root().join("rules-tests/cases").join(case)).unwrap();
    let mut event: Value = serde_json::from_str::<Value>(&text).unwrap()["event"].take();
    record_mut(&mut event)["requestParameters"] = params;
    event
}

/// Found by the fuzzer: a ModifySecurityGroupRules request object written as a number named no
/// group, so the resource fell back to the account and the world-open policies never applied.
#[test]
fn regression_modify_security_group_rules_request_that_is_a_number_is_an_error() {
    let event = case_with(
        "ec2-sg-world-ssh/non-compliant-modify-rule-ssh.json",
        json!({"ModifySecurityGroupRulesRequest": 7}),
    );
    assert_eq!(decide(&event), Ok(Outcome::Error));
}

/// Found by the fuzzer: the same for ModifyInstanceMetadataOptions, whose instance id and
/// `HttpTokens` both sit under the request object.
#[test]
fn regression_modify_instance_metadata_request_that_is_a_number_is_an_error() {
    let event = case_with(
        "ec2-imdsv1-enabled/non-compliant-http-tokens-optional.json",
        json!({"ModifyInstanceMetadataOptionsRequest": 7}),
    );
    assert_eq!(decide(&event), Ok(Outcome::Error));
}
