//! The decision log as auditors rely on it: the hash chain survives appends across processes,
//! `verify` names each kind of tampering, secrets never reach the log, and the log of the
//! bundled examples matches its golden copy.

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use snapback::decision_log::{LogWriter, Recorder, Redactor, verify};
use snapback::{Engine, StreamParser};

fn engine() -> Engine {
    Engine::new(
        snapback::load_policies(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")).unwrap(),
    )
}

fn events() -> Vec<snapback::Event> {
    let mut out = Vec::new();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/events.jsonl");
    snapback::input::read_path(&path, &mut |e| out.push(e.unwrap()));
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snapback-log-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("decisions.jsonl")
}

/// A log of every example event, written in two sessions to exercise reopening.
fn write_log(name: &str, key: Option<&[u8]>) -> PathBuf {
    let path = scratch(name);
    let engine = engine();
    let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());
    let events = events();
    let (first, second) = events.split_at(events.len() / 2);
    for half in [first, second] {
        let mut writer = LogWriter::open(&path, key).unwrap();
        for event in half {
            let mut record =
                recorder.record(event, &engine.decide(event), std::time::SystemTime::now());
            writer.append(&mut record).unwrap();
        }
    }
    path
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn rewrite(path: &Path, lines: &[String]) {
    std::fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

fn problem(path: &Path, key: Option<&[u8]>) -> String {
    verify(path, key)
        .problem
        .unwrap_or_else(|| "intact".to_owned())
}

#[test]
fn an_untouched_log_is_intact_across_reopens() {
    let path = write_log("intact", None);
    let verdict = verify(&path, None);
    assert_eq!(verdict.problem, None);
    assert_eq!(verdict.records as usize, events().len());
    let seqs: Vec<u64> = lines(&path)
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, (0..seqs.len() as u64).collect::<Vec<_>>());
}

#[test]
fn an_edited_record_is_named() {
    let path = write_log("edited", None);
    let mut all = lines(&path);
    all[3] = all[3]
        .replacen("\"non_compliant\"", "\"compliant\"", 1)
        .replacen("\"skipped\"", "\"compliant\"", 1);
    rewrite(&path, &all);
    let p = problem(&path, None);
    assert!(p.contains("line 4") && p.contains("edited"), "{p}");
}

#[test]
fn an_edit_with_a_recomputed_hash_breaks_the_next_link() {
    let path = write_log("rehashed", None);
    let mut all = lines(&path);
    let mut value: serde_json::Value = serde_json::from_str(&all[2]).unwrap();
    value["decision"] = "compliant".into();
    value["hash"] = snapback::decision_log::chain::hash_value(&value, None).into();
    all[2] = serde_json::to_string(&value).unwrap();
    rewrite(&path, &all);
    let p = problem(&path, None);
    assert!(p.contains("line 4") && p.contains("does not chain"), "{p}");
}

#[test]
fn with_a_key_a_recomputed_hash_is_caught_at_once() {
    let key = b"auditor-held key".as_slice();
    let path = write_log("keyed", Some(key));
    assert_eq!(problem(&path, Some(key)), "intact");
    let mut all = lines(&path);
    let mut value: serde_json::Value = serde_json::from_str(&all[2]).unwrap();
    value["decision"] = "compliant".into();
    value["hash"] = snapback::decision_log::chain::hash_value(&value, None).into();
    all[2] = serde_json::to_string(&value).unwrap();
    rewrite(&path, &all);
    let p = problem(&path, Some(key));
    assert!(p.contains("line 3") && p.contains("edited"), "{p}");
}

#[test]
fn a_removed_record_is_named() {
    let path = write_log("removed", None);
    let mut all = lines(&path);
    all.remove(5);
    rewrite(&path, &all);
    let p = problem(&path, None);
    assert!(
        p.contains("line 6") && p.contains("removed") && p.contains("expected seq 5"),
        "{p}"
    );
}

#[test]
fn reordered_records_are_named() {
    let path = write_log("reordered", None);
    let mut all = lines(&path);
    all.swap(4, 5);
    rewrite(&path, &all);
    let p = problem(&path, None);
    assert!(p.contains("out of order") && p.contains("seq 4"), "{p}");
}

#[test]
fn a_cut_tail_is_caught_by_the_digest() {
    let path = write_log("cut", None);
    let mut all = lines(&path);
    all.truncate(all.len() - 2);
    rewrite(&path, &all);
    let p = problem(&path, None);
    assert!(
        p.contains("truncated tail") && p.contains("2 record(s) missing"),
        "{p}"
    );
}

#[test]
fn a_half_written_last_record_is_a_truncated_tail() {
    let path = write_log("partial", None);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() - 40]).unwrap();
    let p = problem(&path, None);
    assert!(p.contains("truncated tail"), "{p}");
    assert!(
        LogWriter::open(&path, None).is_err(),
        "appending to a broken tail must be refused"
    );
}

#[test]
fn a_record_from_another_stream_is_caught() {
    let a = write_log("splice-a", None);
    let b = write_log("splice-b", None);
    let mut all = lines(&a);
    all[2] = lines(&b)[2].clone();
    rewrite(&a, &all);
    let p = problem(&a, None);
    assert!(p.contains("another log stream"), "{p}");
}

#[test]
fn verify_command_exit_codes() {
    let path = write_log("cli", None);
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_snapback"))
            .args(["audit", "verify"])
            .arg(&path)
            .output()
            .unwrap()
    };
    let ok = run();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact"));
    let mut all = lines(&path);
    all.remove(1);
    rewrite(&path, &all);
    let bad = run();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("TAMPERED"));
}

const KEY: &[u8] = b"auditor-held key";

fn digest_file(path: &Path) -> PathBuf {
    snapback::decision_log::chain::digest_path(path)
}

/// What someone without the key does after cutting a log's tail: point the digest's `seq`,
/// `hash` and (when it has one) `records` at the new last record, keeping everything else.
fn forge_digest(path: &Path, all: &[String]) {
    let last: serde_json::Value = serde_json::from_str(all.last().unwrap()).unwrap();
    let text = std::fs::read_to_string(digest_file(path)).unwrap();
    let mut digest: serde_json::Value = serde_json::from_str(&text).unwrap();
    digest["seq"] = last["seq"].clone();
    digest["hash"] = last["hash"].clone();
    if digest.get("records").is_some() {
        digest["records"] = all.len().into();
    }
    std::fs::write(digest_file(path), digest.to_string()).unwrap();
}

/// The same, written in the digest format of snapback 0.1 (no record count, no MAC).
fn forge_old_format_digest(path: &Path, all: &[String]) {
    let last: serde_json::Value = serde_json::from_str(all.last().unwrap()).unwrap();
    let digest = serde_json::json!({
        "stream": last["stream"], "seq": last["seq"], "hash": last["hash"],
        "updated_at": "2026-11-28T00:00:00.000Z"
    });
    std::fs::write(digest_file(path), digest.to_string()).unwrap();
}

#[test]
fn with_a_key_a_cut_tail_and_a_rewritten_digest_fail_verification() {
    let path = write_log("keyed-cut", Some(KEY));
    assert_eq!(problem(&path, Some(KEY)), "intact");
    let mut all = lines(&path);
    all.truncate(all.len() - 2);
    rewrite(&path, &all);
    let p = problem(&path, Some(KEY));
    assert!(p.contains("2 record(s) missing"), "{p}");
    forge_digest(&path, &all);
    let p = problem(&path, Some(KEY));
    assert!(p.contains("digest") && p.contains("MAC"), "{p}");
    forge_old_format_digest(&path, &all);
    let p = problem(&path, Some(KEY));
    assert!(p.contains("digest") && p.contains("old format"), "{p}");
}

#[test]
fn with_a_key_a_deleted_digest_fails_verification() {
    let path = write_log("keyed-no-digest", Some(KEY));
    std::fs::remove_file(digest_file(&path)).unwrap();
    let p = problem(&path, Some(KEY));
    assert!(p.contains("digest") && p.contains("missing"), "{p}");
}

#[test]
fn without_a_key_a_deleted_digest_is_a_warning_that_says_why() {
    let path = write_log("unkeyed-no-digest", None);
    std::fs::remove_file(digest_file(&path)).unwrap();
    let verdict = verify(&path, None);
    assert_eq!(verdict.problem, None);
    let warnings = verdict.warnings.join("\n");
    assert!(
        warnings.contains("no digest") && warnings.contains("without a key"),
        "{warnings}"
    );
}

#[test]
fn the_digest_carries_the_stream_and_the_record_count() {
    let path = write_log("digest-count", Some(KEY));
    let all = lines(&path);
    let text = std::fs::read_to_string(digest_file(&path)).unwrap();
    let digest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let last: serde_json::Value = serde_json::from_str(all.last().unwrap()).unwrap();
    assert_eq!(digest["records"], all.len(), "{text}");
    assert_eq!(digest["stream"], last["stream"], "{text}");
    assert!(
        digest["mac"].as_str().unwrap().starts_with("hmac-sha256:"),
        "{text}"
    );
}

#[test]
fn an_emptied_log_is_not_started_over_as_a_new_stream() {
    let path = write_log("emptied", Some(KEY));
    std::fs::write(&path, "").unwrap();
    let p = problem(&path, Some(KEY));
    assert!(p.contains("the log is empty"), "{p}");
    assert!(
        LogWriter::open(&path, Some(KEY)).is_err(),
        "a new stream would overwrite the digest that proves the log was cut"
    );
    // A stream that never got a record may be reopened, and verifies under the key.
    let fresh = scratch("fresh");
    drop(LogWriter::open(&fresh, Some(KEY)).unwrap());
    assert!(LogWriter::open(&fresh, Some(KEY)).is_ok());
    assert_eq!(problem(&fresh, Some(KEY)), "intact");
}

#[test]
fn a_duplicated_key_fails_verification_naming_the_line() {
    let path = write_log("duplicate-key", Some(KEY));
    let mut all = lines(&path);
    let violation = "\"decision\":\"non_compliant\"";
    let i = all.iter().position(|l| l.contains(violation)).unwrap();
    all[i] = all[i].replacen(
        violation,
        "\"decision\":\"compliant\",\"decision\":\"non_compliant\"",
        1,
    );
    rewrite(&path, &all);
    let p = problem(&path, Some(KEY));
    assert!(
        p.contains(&format!("line {}", i + 1)) && p.contains("duplicate key `decision`"),
        "{p}"
    );
}

#[test]
fn a_reformatted_record_fails_verification_naming_the_line() {
    let path = write_log("reformatted", Some(KEY));
    let original = lines(&path);
    type Edit = fn(&str) -> String;
    let edits: [(&str, Edit); 3] = [
        ("spaces", |l| {
            l.replacen('{', "{ ", 1).replacen("\":", "\": ", 1)
        }),
        ("escape", |l| {
            l.replacen("\"decision\":", "\"decisio\\u006e\":", 1)
        }),
        ("crlf", |l| format!("{l}\r")),
    ];
    for (what, edit) in edits {
        let mut all = original.clone();
        all[2] = edit(&all[2]);
        rewrite(&path, &all);
        let p = problem(&path, Some(KEY));
        assert!(
            p.contains("line 3") && p.contains("canonical"),
            "{what}: {p}"
        );
    }
}

#[test]
fn an_hmac_log_verified_without_the_key_says_a_key_is_required() {
    let path = write_log("key-required", Some(KEY));
    let run = |key: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_snapback"));
        cmd.args(["audit", "verify"]).arg(&path);
        match key {
            Some(key) => cmd.env("SNAPBACK_DECISION_LOG_KEY", key),
            None => cmd.env_remove("SNAPBACK_DECISION_LOG_KEY"),
        };
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, stdout) = run(None);
    assert_eq!(code, Some(4), "{stdout}");
    assert!(
        stdout.contains("key required") && !stdout.contains("TAMPERED"),
        "{stdout}"
    );
    let (code, stdout) = run(Some("auditor-held key"));
    assert_eq!(code, Some(0), "{stdout}");
    std::fs::remove_file(digest_file(&path)).unwrap();
    let (code, stdout) = run(Some("auditor-held key"));
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("TAMPERED") && stdout.contains("missing"),
        "{stdout}"
    );
}

#[test]
fn an_unkeyed_log_verified_with_a_key_fails() {
    let path = write_log("keyed-verify-of-unkeyed", None);
    let p = problem(&path, Some(KEY));
    assert!(p.contains("line 1") && p.contains("without the key"), "{p}");
}

#[test]
fn golden_decision_log_of_the_examples() {
    let path = scratch("golden");
    let out = Command::new(env!("CARGO_BIN_EXE_snapback"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--decision-log"])
        .arg(&path)
        .arg("examples")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<serde_json::Value> = lines(&path)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_json_snapshot!("examples_decision_log", records, {
            "[].decision_id" => "[decision_id]",
            "[].received_at" => "[received_at]",
            "[].decided_at" => "[decided_at]",
            "[].decide_us" => "[decide_us]",
            "[].policy_set" => "[policy_set]",
            "[].engine_version" => "[engine_version]",
            "[].stream" => "[stream]",
            "[].prev_hash" => "[hash]",
            "[].hash" => "[hash]",
        });
    });
    assert_eq!(verify(&path, None).problem, None);
}

const NORMAL_KEYS: &[&str] = &[
    "bucketName",
    "groupId",
    "items",
    "tags",
    "value",
    "name",
    "config",
    "spec",
];
const SECRET_KEYS: &[&str] = &[
    "password",
    "newPassword",
    "MasterUserPassword",
    "privateKey",
    "userData",
    "sessionToken",
    "SecretString",
    "client_secret",
];

/// A JSON tree with secrets planted under secret-bearing keys (and only there).
fn tree() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        "[a-z]{1,8}".prop_map(serde_json::Value::String),
        any::<i32>().prop_map(serde_json::Value::from),
        ("[A-Za-z0-9]{20}", 0..SECRET_KEYS.len()).prop_map(|(secret, k)| {
            serde_json::json!({ SECRET_KEYS[k]: format!("S3CR3T{secret}") })
        }),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((0..NORMAL_KEYS.len(), inner), 0..4).prop_map(|fields| {
                serde_json::Value::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| (NORMAL_KEYS[k].to_owned(), v))
                        .collect(),
                )
            }),
        ]
    })
}

fn collect_secrets(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) if s.starts_with("S3CR3T") => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().flat_map(collect_secrets).collect(),
        serde_json::Value::Object(m) => m.values().flat_map(collect_secrets).collect(),
        _ => Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn redaction_never_leaks(params in tree(), configured in "[A-Za-z0-9]{20}") {
        let planted = collect_secrets(&params);
        let mut params = match params {
            serde_json::Value::Object(m) => m,
            other => { let mut m = serde_json::Map::new(); m.insert("items".into(), other); m }
        };
        // A secret under a user-configured path too.
        let custom = format!("S3CR3T{configured}");
        params.insert("connection".into(), serde_json::json!({"dsn": custom}));
        let record = serde_json::json!({"eventName": "PutThing", "eventSource": "thing.amazonaws.com",
            "eventID": "e", "readOnly": false, "requestParameters": params});
        let mut events = Vec::new();
        let mut parser = StreamParser::new("prop");
        parser.push(record.to_string().as_bytes(), &mut |e| events.push(e));
        parser.finish(&mut |e| events.push(e));
        let event = events.pop().unwrap().unwrap();
        let engine = engine_once();
        let recorder = Recorder::new("p", Redactor::new(&["connection.dsn".to_owned()]));
        let decided = recorder.record(&event, &engine.decide(&event), std::time::SystemTime::now());
        let text = serde_json::to_string(&decided).unwrap();
        for secret in planted.iter().chain([&custom]) {
            prop_assert!(!text.contains(secret.as_str()), "leaked {secret} in {text}");
        }
        prop_assert!(decided.redacted.contains(&"connection.dsn".to_owned()));
    }
}

fn engine_once() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(engine)
}

/// The published JSON Schema is the one the code generates. Regenerate it with
/// `SNAPBACK_UPDATE_SCHEMA=1 cargo test --test integration decision_log::published_schema`.
#[test]
fn published_schema_matches_the_record_type() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/decision-record.schema.json");
    let generated =
        serde_json::to_string_pretty(&snapback::decision_log::json_schema()).unwrap() + "\n";
    if std::env::var_os("SNAPBACK_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == generated,
        "docs/decision-record.schema.json is stale; regenerate it (see this test's doc)"
    );
}

#[test]
fn every_record_in_the_golden_log_has_every_required_field() {
    let schema = snapback::decision_log::json_schema();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let engine = engine();
    let recorder = Recorder::new("x", Redactor::default());
    for event in events() {
        let record = serde_json::to_value(recorder.record(
            &event,
            &engine.decide(&event),
            std::time::SystemTime::now(),
        ))
        .unwrap();
        for field in &required {
            assert!(
                record.get(field).is_some(),
                "record lacks required `{field}`"
            );
        }
    }
}
