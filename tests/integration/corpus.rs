//! Every event in the shared third-party corpus (`../shared/corpus`, read in place) must load
//! and get a decision: no parse errors, no evaluation errors.

use std::path::PathBuf;

use snapback::decision_log::{Recorder, Redactor};
use snapback::{Engine, Outcome};

const EVENT_DIRS: &[&str] = &[
    "cloudtrail-records",
    "cloudtrail-nonconforming",
    "eventbridge",
    "lookupevents",
];

fn corpus() -> PathBuf {
    std::env::var_os("SNAPBACK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

#[test]
fn whole_corpus_loads_and_decides() {
    let root = corpus();
    assert!(
        root.is_dir(),
        "corpus not found at {} (set SNAPBACK_CORPUS)",
        root.display()
    );
    let pack = snapback::load_policies(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies"))
        .unwrap_or_else(|e| panic!("policies do not validate: {e:?}"));
    let engine = Engine::new(pack);
    let recorder = Recorder::new("corpus", Redactor::default());
    let now = std::time::SystemTime::now();

    let mut files = 0;
    let mut events = 0;
    let mut failures = Vec::new();
    for dir in EVENT_DIRS {
        for path in snapback::input::expand(&[root.join(dir)]).files {
            files += 1;
            let mut in_file = 0;
            snapback::input::read_path(&path, &mut |item| {
                in_file += 1;
                let record = match item {
                    Ok(event) => recorder.record(&event, &engine.decide(&event), now),
                    Err(err) => recorder.unreadable(&err, now),
                };
                if record.decision == Outcome::Error {
                    failures.push(format!("{}: {}", record.source, record.reason));
                }
            });
            if in_file != 1 {
                failures.push(format!(
                    "{}: expected one event, read {in_file}",
                    path.display()
                ));
            }
            events += in_file;
        }
    }
    assert!(
        files >= 800,
        "only {files} corpus files found under {}",
        root.display()
    );
    assert!(
        failures.is_empty(),
        "{} of {events} events failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Deciding reads a record's common fields in one pass ([`snapback::event::Head`]); on every
/// corpus event each reads as its accessor on the event does.
#[test]
fn the_head_of_every_corpus_event_reads_as_its_accessors() {
    let mut events = 0;
    let mut differ = Vec::new();
    for dir in EVENT_DIRS {
        for path in snapback::input::expand(&[corpus().join(dir)]).files {
            snapback::input::read_path(&path, &mut |item| {
                let Ok(event) = item else { return };
                events += 1;
                let head = event.head();
                let accessors = format!(
                    "{:?} {:?}",
                    (
                        event.event_name(),
                        event.service(),
                        event.event_id(),
                        event.event_time(),
                        event.region(),
                        event.account(),
                        event.error_code(),
                    ),
                    (
                        event.read_only(),
                        event.is_insight(),
                        event.str("sourceIPAddress"),
                        event.str("userAgent"),
                        event.user_identity(),
                        event.request_parameters(),
                    )
                );
                let read = format!(
                    "{:?} {:?}",
                    (
                        head.event_name,
                        head.service,
                        head.event_id,
                        head.event_time,
                        head.region,
                        head.account,
                        head.error_code,
                    ),
                    (
                        head.read_only,
                        head.is_insight(),
                        head.source_ip,
                        head.user_agent,
                        head.user_identity,
                        head.request_parameters,
                    )
                );
                if accessors != read {
                    differ.push(format!("{}: {accessors} != {read}", event.origin));
                }
            });
        }
    }
    assert!(events >= 800, "only {events} corpus events");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// Where the reviewed findings live: every non-compliant decision over the corpus, with why it
/// is right.
const REVIEWED: &str = "rules-tests/corpus-findings.json";

/// Every `non_compliant` decision the shipped pack makes over the corpus is in
/// rules-tests/corpus-findings.json with a reason it is right, and nothing else is: a policy
/// change that flags (or stops flagging) a real event fails here until someone reviews it.
/// `SNAPBACK_WRITE_FINDINGS=1` rewrites the file with the current findings, keeping the reasons
/// already written and leaving new ones empty (which still fails until they are filled in).
#[test]
fn every_corpus_finding_is_reviewed() {
    let root = corpus();
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pack = snapback::load_policies(&manifest.join("policies"))
        .unwrap_or_else(|e| panic!("policies do not validate: {e:?}"));
    let engine = Engine::new(pack);
    let mut found: std::collections::BTreeMap<(String, String), String> = Default::default();
    for dir in EVENT_DIRS {
        for path in snapback::input::expand(&[root.join(dir)]).files {
            let file = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            snapback::input::read_path(&path, &mut |item| {
                if let Ok(event) = item {
                    let decision = engine.decide(&event);
                    for meta in &decision.matched {
                        found.insert(
                            (file.clone(), meta.id.clone()),
                            event.event_name().to_owned(),
                        );
                    }
                }
            });
        }
    }
    let path = manifest.join(REVIEWED);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| "[]".to_owned());
    let reviewed: Vec<serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{REVIEWED}: {e}"));
    let key = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    let mut why: std::collections::BTreeMap<(String, String), String> = reviewed
        .iter()
        .map(|v| ((key(v, "event"), key(v, "policy")), key(v, "why")))
        .collect();
    if std::env::var_os("SNAPBACK_WRITE_FINDINGS").is_some() {
        let rows: Vec<serde_json::Value> = found
            .iter()
            .map(|((file, policy), name)| {
                let reason = why.remove(&(file.clone(), policy.clone())).unwrap_or_default();
                serde_json::json!({"event": file, "eventName": name, "policy": policy, "why": reason})
            })
            .collect();
        let text = serde_json::to_string_pretty(&rows).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
        return;
    }
    let mut problems = Vec::new();
    for ((file, policy), name) in &found {
        match why.remove(&(file.clone(), policy.clone())) {
            None => problems.push(format!(
                "new finding, not reviewed: {file} {name} `{policy}`"
            )),
            Some(reason) if reason.trim().is_empty() => {
                problems.push(format!("no reason given: {file} {name} `{policy}`"))
            }
            Some(_) => {}
        }
    }
    for (file, policy) in why.keys() {
        problems.push(format!("reviewed but no longer found: {file} `{policy}`"));
    }
    assert!(
        problems.is_empty(),
        "{} of the corpus findings differ from {REVIEWED} (review them; \
         SNAPBACK_WRITE_FINDINGS=1 rewrites the file keeping the reasons written):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
