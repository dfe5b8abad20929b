//! The policy cases under `rules-tests/cases/` as one cargo test: every case must reach its
//! expected decision, and its full decision record must match its insta snapshot (with ids,
//! times, the engine version and the policy-set hash redacted). Every policy needs its cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use snapback::{Engine, cases};

#[test]
fn policy_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pack = match snapback::load_policies(&root.join("policies")) {
        Ok(pack) => pack,
        Err(errors) => panic!("policies do not validate: {errors:?}"),
    };
    let decider = cases::decider(Engine::new(pack));
    let engine = &decider.engine;
    let cases = match cases::load(&root.join("rules-tests/cases")) {
        Ok(cases) => cases,
        Err(errors) => panic!("unreadable cases:\n{}", errors.join("\n")),
    };
    assert!(!cases.is_empty(), "no cases under rules-tests/cases");

    let mut failures = Vec::new();
    for case in &cases {
        let outcome = cases::run(&decider, case);
        let stem = case
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = format!("{}__{stem}", case.policy);
        for f in &outcome.failures {
            failures.push(format!("{name}: {f}"));
        }
        let snapshot = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => root.join("rules-tests/snapshots"),
                prepend_module_to_snapshot => false,
                omit_expression => true,
                description => case.description.clone(),
            }, {
                insta::assert_json_snapshot!(name.clone(), outcome.record, {
                    ".decision_id" => "[decision_id]",
                    ".received_at" => "[received_at]",
                    ".decided_at" => "[decided_at]",
                    ".decide_us" => "[decide_us]",
                    ".cold_start" => "[cold_start]",
                    ".engine_version" => "[engine_version]",
                    ".policy_set" => "[policy_set]",
                });
            });
        }));
        if snapshot.is_err() {
            failures.push(format!(
                "{name}: decision differs from rules-tests/snapshots/{name}.snap"
            ));
        }
    }
    failures.extend(cases::coverage(engine, &cases));
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
