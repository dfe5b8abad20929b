//! Policy test cases: `rules-tests/cases/<policy-id>/*.json`, each an event and its expected
//! decision. `snapback test` and `cargo test` both run them through this module.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::decision_log::{DecisionRecord, Recorder, Redactor};
use crate::engine::{Engine, Outcome};
use crate::event::StreamParser;
use crate::reactor::Decider;

/// The fewest compliant and non-compliant cases each policy must have.
pub const MIN_CASES_EACH: usize = 2;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub decision: Outcome,
    #[serde(default)]
    pub policies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    description: String,
    expect: Expect,
    event: serde_json::Value,
}

/// One case, read from disk.
#[derive(Debug, Clone)]
pub struct Case {
    pub path: PathBuf,
    /// The folder name: the policy the case is written for.
    pub policy: String,
    pub description: String,
    pub expect: Expect,
    pub event: serde_json::Value,
}

/// The result of running one case.
#[derive(Debug)]
pub struct Outcomes {
    pub case: Case,
    pub record: Option<DecisionRecord>,
    /// Empty when the case passed.
    pub failures: Vec<String>,
}

/// Read every case under `dir`; a file that cannot be read is an error naming it.
pub fn load(dir: &Path) -> Result<Vec<Case>, Vec<String>> {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    let folders =
        std::fs::read_dir(dir).map_err(|e| vec![format!("{}: cannot read: {e}", dir.display())])?;
    let mut folders: Vec<PathBuf> = folders
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let policy = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(entries) = std::fs::read_dir(&folder) else {
            errors.push(format!("{}: cannot read", folder.display()));
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for path in files {
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    serde_json::from_str::<CaseFile>(&text).map_err(|e| e.to_string())
                });
            match parsed {
                Ok(f) => cases.push(Case {
                    path,
                    policy: policy.clone(),
                    description: f.description,
                    expect: f.expect,
                    event: f.event,
                }),
                Err(e) => errors.push(format!("{}: {e}", path.display())),
            }
        }
    }
    if errors.is_empty() {
        Ok(cases)
    } else {
        Err(errors)
    }
}

/// A decider for running cases: the pipeline in check mode, records unredacted beyond the
/// defaults.
pub fn decider(engine: Engine) -> Decider {
    let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());
    Decider::check(engine, recorder)
}

/// Run one case through the pipeline (in check mode).
pub fn run(decider: &Decider, case: &Case) -> Outcomes {
    let mut events = Vec::new();
    // Named relative to the cases directory, so records are the same on every machine.
    let file = case
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut parser = StreamParser::new(format!("{}/{file}", case.policy));
    let bytes = serde_json::to_vec(&case.event).unwrap_or_default();
    parser.push(&bytes, &mut |e| events.push(e));
    parser.finish(&mut |e| events.push(e));
    let mut failures = Vec::new();
    let found = events.len();
    let mut records: Vec<DecisionRecord> = Vec::new();
    if found == 1 {
        for item in events {
            decider.run(item, std::time::SystemTime::now(), &mut records);
        }
    }
    let record = match (found, records.pop()) {
        (1, Some(record)) => Some(record),
        _ => {
            failures.push(format!(
                "the case's `event` must hold exactly one event, found {found}"
            ));
            None
        }
    };
    if let Some(record) = &record {
        if record.decision != case.expect.decision {
            failures.push(format!(
                "expected {}, got {} ({})",
                case.expect.decision.as_str(),
                record.decision.as_str(),
                record.reason
            ));
        }
        let mut expected = case.expect.policies.clone();
        expected.sort();
        let actual: Vec<String> = record.policies.iter().map(|p| p.id.clone()).collect();
        if expected != actual {
            failures.push(format!(
                "expected policies [{}], got [{}]",
                expected.join(", "),
                actual.join(", ")
            ));
        }
    }
    Outcomes {
        case: case.clone(),
        record,
        failures,
    }
}

/// Coverage problems: policies without enough cases (each needs cases it flags and cases it
/// decides and does not flag), folders naming no policy.
pub fn coverage(engine: &Engine, cases: &[Case]) -> Vec<String> {
    let mut problems = Vec::new();
    for meta in &engine.pack().policies {
        let mine = cases.iter().filter(|c| c.policy == meta.id);
        let (mut compliant, mut violating) = (0, 0);
        for case in mine {
            // Compliant for this policy: decided, and not flagged by it (another policy of the
            // pack may flag the event). A skipped event was never evaluated, so it does not
            // count.
            match case.expect.decision {
                Outcome::NonCompliant if case.expect.policies.contains(&meta.id) => violating += 1,
                Outcome::Compliant | Outcome::NonCompliant => compliant += 1,
                _ => {}
            }
        }
        if compliant < MIN_CASES_EACH || violating < MIN_CASES_EACH {
            problems.push(format!(
                "policy `{}` has {violating} non-compliant and {compliant} compliant cases; it needs at least {MIN_CASES_EACH} of each in rules-tests/cases/{}/",
                meta.id, meta.id
            ));
        }
    }
    let mut folders: Vec<&str> = cases.iter().map(|c| c.policy.as_str()).collect();
    folders.dedup();
    for folder in folders {
        if engine.pack().meta(folder).is_none() {
            problems.push(format!(
                "cases folder `{folder}` names no policy; rename it after a policy's @id"
            ));
        }
    }
    problems
}
