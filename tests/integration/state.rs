//! The shared state table on moto's DynamoDB: several `snapback react` processes fed the same
//! events at once revert each event exactly once; the flap limit holds across processes; and
//! a claim left by a process that died is taken over once its lease runs out.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TimeToLiveSpecification,
};
use serde_json::{Value, json};
use snapback::aws::{Claim, Factory, Settings, StateTable};
use snapback::decision_log::{Recorder, Redactor};
use snapback::reactor::{Config, ModeOverride, Reactor, StateStore};

use common::{ACCOUNT, endpoint, engine, event, logging, sdk_config, spool, stopped_trail, unique};

/// A fresh state table on moto, as template.yaml makes it: one string key, TTL on `expires`.
pub async fn state_table(config: &aws_config::SdkConfig) -> String {
    let ddb = aws_sdk_dynamodb::Client::new(config);
    let table = unique("snapback-state");
    ddb.create_table()
        .table_name(&table)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    ddb.update_time_to_live()
        .table_name(&table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name("expires")
                .enabled(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    table
}

fn stop(name: &str) -> snapback::Event {
    event(
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({"name": name}),
    )
}

/// `snapback react` with `args`, in enforce mode, on moto.
fn react(args: &[&str], spool: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_snapback"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["react", "--mode", "enforce", "--endpoint-url", &endpoint()])
        .arg("--dead-letter")
        .arg(spool)
        .args(args);
    command
}

fn records(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// Run `processes` react processes at once, each on every event of `file` (half of them in
/// reverse order), and return each event's records across all of them.
fn run_at_once(
    processes: usize,
    state: &str,
    files: (&Path, &Path),
    spool: &Path,
) -> BTreeMap<String, Vec<Value>> {
    let children: Vec<_> = (0..processes)
        .map(|i| {
            let file = if i % 2 == 0 { files.0 } else { files.1 };
            react(&["--state", state], spool)
                .arg(file)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut by_event: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.code() == Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for record in records(&out) {
            let id = record["event_id"].as_str().unwrap().to_owned();
            by_event.entry(id).or_default().push(record);
        }
    }
    by_event
}

/// Whether a record acted on its event (reverted it, or found it already reverted).
fn acted(record: &Value) -> bool {
    matches!(
        record["remediation"]["status"].as_str(),
        Some("applied" | "noop")
    )
}

#[tokio::test]
async fn several_react_processes_revert_each_event_exactly_once() {
    let config = sdk_config().await;
    let table = state_table(&config).await;
    let mut trails = Vec::new();
    for _ in 0..6 {
        trails.push(stopped_trail(&config).await);
    }
    let events: Vec<Value> = trails
        .iter()
        .map(|(name, _)| stop(name).original())
        .collect();
    let dir = std::env::temp_dir().join(unique("state-procs"));
    std::fs::create_dir_all(&dir).unwrap();
    let lines = |events: &mut dyn Iterator<Item = &Value>| {
        events
            .map(|e| format!("{e}\n"))
            .collect::<String>()
            .into_bytes()
    };
    let (forward, backward) = (dir.join("forward.jsonl"), dir.join("backward.jsonl"));
    std::fs::write(&forward, lines(&mut events.iter())).unwrap();
    std::fs::write(&backward, lines(&mut events.iter().rev())).unwrap();

    let by_event = run_at_once(
        4,
        &format!("dynamodb://{table}"),
        (&forward, &backward),
        &dir.join("dl"),
    );
    assert_eq!(by_event.len(), 6);
    for (id, records) in &by_event {
        // Every delivery has its record; exactly one of them acted.
        assert_eq!(records.len(), 4, "{id}");
        let acting: Vec<_> = records.iter().filter(|r| acted(r)).collect();
        assert_eq!(acting.len(), 1, "{id}: {records:#?}");
        assert_eq!(acting[0]["remediation"]["status"], "applied", "{id}");
        for other in records.iter().filter(|r| !acted(r)) {
            assert_eq!(other["decision"], "skipped", "{id}: {other}");
            assert!(
                other["reason"]
                    .as_str()
                    .unwrap()
                    .contains("duplicate delivery"),
                "{other}"
            );
        }
    }
    for (name, ct) in &trails {
        assert!(logging(ct, name).await, "{name}");
    }

    // The control: each process keeping its own state acts on every event it is given.
    for (name, ct) in &trails {
        ct.stop_logging().name(name).send().await.unwrap();
    }
    let by_event = run_at_once(2, "memory", (&forward, &backward), &dir.join("dl"));
    for (id, records) in &by_event {
        assert_eq!(records.iter().filter(|r| acted(r)).count(), 2, "{id}");
    }
}

#[tokio::test]
async fn the_flap_limit_holds_across_processes() {
    let config = sdk_config().await;
    let table = state_table(&config).await;
    let (name, ct) = stopped_trail(&config).await;
    let dir = std::env::temp_dir().join(unique("state-flap"));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |state: &str, i: usize| {
        // Another automation stops the trail again each time: a remediation war.
        let file = dir.join(format!("{i}.json"));
        std::fs::write(&file, stop(&name).original().to_string()).unwrap();
        let out = react(&["--state", state, "--flap-max", "3"], &dir.join("dl"))
            .arg(&file)
            .output()
            .unwrap();
        let records = records(&out);
        assert_eq!(records.len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
        records[0]["remediation"]["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let shared = format!("dynamodb://{table}");
    let mut statuses = Vec::new();
    for i in 0..4 {
        ct.stop_logging().name(&name).send().await.unwrap();
        statuses.push(run(&shared, i));
    }
    assert_eq!(statuses, ["applied", "applied", "applied", "flap_limited"]);
    assert!(!logging(&ct, &name).await);

    // The control: with its state in memory, each new process starts its count again.
    let mut statuses = Vec::new();
    for i in 4..8 {
        ct.stop_logging().name(&name).send().await.unwrap();
        statuses.push(run("memory", i));
    }
    assert_eq!(statuses, ["applied"; 4]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_left_by_a_dead_process_is_taken_over_after_its_lease() {
    let config = sdk_config().await;
    let table = state_table(&config).await;
    let (name, ct) = stopped_trail(&config).await;
    let event = stop(&name);
    let id = event.event_id().unwrap().to_owned();

    let reactor = |hand_back: bool| {
        let table = table.clone();
        async move {
            let engine = engine();
            let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());
            let settings = Settings {
                endpoint_url: Some(endpoint()),
                home_account: Some(ACCOUNT.into()),
                ..Settings::default()
            };
            let cfg = Config {
                mode: ModeOverride::Enforce,
                hand_back_retryable: hand_back,
                ..Config::default()
            };
            let factory = Factory::new(settings).await;
            let state = StateStore::Shared(StateTable::new(
                factory.sdk_config(),
                &table,
                &unique("owner"),
            ));
            Reactor::new(engine, recorder, factory, spool(), cfg).with_state(state)
        }
    };

    let lambda = reactor(true).await;
    let react = reactor(false).await;

    // A process claims the event for four seconds, then dies.
    let dead = StateTable::new(&config, &table, "dead-process");
    let claim = dead
        .claim(&id, Duration::from_secs(4), SystemTime::now())
        .await
        .unwrap();
    assert_eq!(claim, Claim::Won);

    // The Lambda hands the event back while the claim holds: Lambda delivers it again later.
    let handled = lambda.handle(&event, SystemTime::now()).await;
    assert!(handled.retry.is_some(), "{:?}", handled.record);
    assert!(handled.record.reason.contains("another process"));
    assert!(!logging(&ct, &name).await);

    // `react` waits for the lease to run out, then takes the event over and reverts it.
    let handled = react.handle(&event, SystemTime::now()).await;
    assert_eq!(
        handled
            .record
            .remediation
            .as_ref()
            .map(|r| r.status.as_str()),
        Some("applied"),
        "{:?}",
        handled.record
    );
    assert!(logging(&ct, &name).await);

    // A compliant event another process holds needs nothing done: recorded as that process's
    // duplicate, not handed back.
    let start = common::event(
        "cloudtrail.amazonaws.com",
        "StartLogging",
        json!({"name": name}),
    );
    let start_id = start.event_id().unwrap().to_owned();
    dead.claim(&start_id, Duration::from_secs(60), SystemTime::now())
        .await
        .unwrap();
    let held = lambda.handle(&start, SystemTime::now()).await;
    assert!(held.retry.is_none(), "{:?}", held.record);
    assert_eq!(held.record.decision, snapback::Outcome::Skipped);
    assert!(held.record.reason.contains("another process"));

    // Now decided: the Lambda's redelivery is a duplicate, and the dead process's late
    // attempt to mark it decided leaves the record alone.
    let again = lambda.handle(&event, SystemTime::now()).await;
    assert!(again.retry.is_none());
    assert_eq!(again.record.decision, snapback::Outcome::Skipped);
    dead.decided(&id, Duration::from_secs(60), SystemTime::now())
        .await
        .unwrap();
    assert_eq!(
        dead.claim(&id, Duration::from_secs(2), SystemTime::now())
            .await
            .unwrap(),
        Claim::Decided
    );
}
