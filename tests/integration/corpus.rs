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
