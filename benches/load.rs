//! Load and faults through the Lambda handler with the shared DynamoDB state table: at least
//! 10,000 CloudTrail events, one in nine a violation (a trail stopped, each its own trail), with
//! duplicate deliveries, a share withheld from EventBridge and seen only in the log files
//! (the backstop), spread over several containers (each a `Function` with its own memory, as
//! Lambda runs them) sharing one table. With `--faults`, the proxy in front of moto throttles
//! and fails a share of calls and stops answering for a while.
//!
//! Lambda's own behaviour is played by the driver: an invocation that fails is delivered again
//! (twice, as template.yaml's `MaximumRetryAttempts: 2`), then goes to the on-failure
//! destination; a log-file message in `batchItemFailures` is delivered again up to five times
//! (the queue's `maxReceiveCount`), then goes to its dead-letter queue. After the run, with
//! the faults off, what reached a dead-letter place is redriven once. Then every trail is read
//! back: a violation still in place is an event lost; an event reverted by two records is
//! an event done twice.
//!
//! Run by `benches/load.sh`, which starts moto and the fault proxy:
//! `cargo bench --profile dev --bench load -- --endpoint URL --moto URL [--events N]
//! [--containers 2,8,32] [--faults]`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "benchmark"
)]

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use serde_json::{Map, Value, json};
use snapback::lambda::{Function, Invocation, Settings};

const ACCOUNT: &str = "123456789012";

struct Args {
    endpoint: String,
    moto: String,
    events: usize,
    containers: Vec<usize>,
    faults: bool,
}

fn args() -> Args {
    let mut args = Args {
        endpoint: String::new(),
        moto: String::new(),
        events: 10_000,
        containers: vec![2, 8, 32],
        faults: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--endpoint" => args.endpoint = it.next().unwrap(),
            "--moto" => args.moto = it.next().unwrap(),
            "--events" => args.events = it.next().unwrap().parse().unwrap(),
            "--containers" => {
                args.containers = it
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|n| n.parse().unwrap())
                    .collect();
            }
            "--faults" => args.faults = true,
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(
        !args.endpoint.is_empty() && !args.moto.is_empty(),
        "--endpoint and --moto"
    );
    args
}

/// A small deterministic generator (xorshift), so that every run sees the same mix.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn chance(&mut self, share: f64) -> bool {
        (self.next() % 1_000_000) < (share * 1_000_000.0) as u64
    }
}

async fn sdk(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .load()
        .await
}

fn s3(config: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    )
}

/// Corpus records the shipped pack finds compliant (or skips): the background of real
/// changes. (The corpus's own attacks would be reverted against resources moto does not
/// have, and be dead letters that say nothing about load.)
fn background() -> Vec<Map<String, Value>> {
    let pack = snapback::policy::load_embedded(&snapback::remediation::names()).unwrap();
    let engine = snapback::Engine::new(pack);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/cloudtrail-records");
    let mut kept = Vec::new();
    for path in snapback::input::expand(&[root]).files {
        snapback::input::read_path(&path, &mut |item| {
            if let Ok(event) = item {
                let outcome = engine.decide(&event).outcome;
                if matches!(
                    outcome,
                    snapback::Outcome::Compliant | snapback::Outcome::Skipped
                ) && let Value::Object(map) = event.original()
                {
                    kept.push(map);
                }
            }
        });
    }
    assert!(!kept.is_empty(), "no corpus records under ../shared/corpus");
    kept
}

fn stop_logging(trail: &str) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "eventVersion": "1.09", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
        "awsRegion": "us-east-1", "readOnly": false, "recipientAccountId": ACCOUNT,
        "eventType": "AwsApiCall", "managementEvent": true,
        "userIdentity": {"type": "AssumedRole", "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/Developer/dev"),
            "accountId": ACCOUNT, "principalId": "AROAEXAMPLE:dev",
            "sessionContext": {"sessionIssuer": {"type": "Role", "arn": format!("arn:aws:iam::{ACCOUNT}:role/Developer"), "accountId": ACCOUNT, "userName": "Developer"}}},
        "requestParameters": {"name": trail}
    }) else {
        unreachable!()
    };
    map
}

fn eventbridge(record: &Map<String, Value>) -> Value {
    json!({
        "version": "0", "id": format!("eb-{}", record["eventID"].as_str().unwrap_or("")),
        "detail-type": "AWS API Call via CloudTrail", "source": "aws.cloudtrail",
        "account": ACCOUNT, "time": record["eventTime"], "region": "us-east-1",
        "resources": [], "detail": record
    })
}

/// What is waiting to be delivered: an EventBridge event or a log-file notification, with the
/// attempts made so far.
enum Delivery {
    Event { payload: Value, attempt: u32 },
    LogFile { body: String, attempt: u32 },
}

#[derive(Default, Debug)]
struct Tally {
    invocations: u64,
    records: u64,
    applied: u64,
    noop: u64,
    duplicates: u64,
    from_log_files: u64,
    handed_back: u64,
    on_failure: Vec<Value>,
    log_file_dead: Vec<String>,
    acted_by_event: HashMap<String, u32>,
}

impl Tally {
    fn records(&mut self, records: &[snapback::decision_log::DecisionRecord]) {
        for r in records {
            self.records += 1;
            if r.reason.starts_with("duplicate delivery") {
                self.duplicates += 1;
            }
            if r.delivery.as_deref() == Some("log-file") {
                self.from_log_files += 1;
            }
            match r.remediation.as_ref().map(|m| m.status.as_str()) {
                Some("applied") => self.applied += 1,
                Some("noop") => {
                    self.noop += 1;
                    continue;
                }
                _ => continue,
            }
            // A change made: two for one event is an event done twice.
            if let Some(id) = &r.event_id {
                *self.acted_by_event.entry(id.clone()).or_default() += 1;
            }
        }
    }
}

fn settings(vars: Vec<(&'static str, String)>) -> Settings {
    Settings::from_env(move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap()
}

/// Deliver everything in `queue` through `containers`, playing Lambda's retries.
async fn drive(
    containers: &[Arc<Function<snapback::aws::Factory>>],
    queue: Vec<Delivery>,
) -> Tally {
    let queue = Arc::new(Mutex::new(VecDeque::from(queue)));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut tasks = Vec::new();
    for (n, function) in containers.iter().enumerate() {
        let (queue, tally, function) = (queue.clone(), tally.clone(), function.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            loop {
                let Some(delivery) = queue.lock().unwrap().pop_front() else {
                    return;
                };
                i += 1;
                let invocation = Invocation {
                    request_id: format!("c{n}-{i}"),
                    xray_trace_id: None,
                };
                match delivery {
                    Delivery::Event { payload, attempt } => {
                        let report = function.handle(&payload, &invocation).await;
                        let mut t = tally.lock().unwrap();
                        t.invocations += 1;
                        t.records(&report.records);
                        if report.result.is_err() {
                            t.handed_back += 1;
                            if attempt < 2 {
                                queue.lock().unwrap().push_back(Delivery::Event {
                                    payload,
                                    attempt: attempt + 1,
                                });
                            } else {
                                t.on_failure.push(payload);
                            }
                        }
                    }
                    Delivery::LogFile { body, attempt } => {
                        let payload = json!({"Records": [{"messageId": "m", "body": body, "eventSource": "aws:sqs"}]});
                        let report = function.handle(&payload, &invocation).await;
                        let failed = report
                            .result
                            .as_ref()
                            .map(|v| !v["batchItemFailures"].as_array().unwrap().is_empty())
                            .unwrap_or(true);
                        let mut t = tally.lock().unwrap();
                        t.invocations += 1;
                        t.records(&report.records);
                        if failed {
                            t.handed_back += 1;
                            if attempt < 4 {
                                queue.lock().unwrap().push_back(Delivery::LogFile {
                                    body,
                                    attempt: attempt + 1,
                                });
                            } else {
                                t.log_file_dead.push(body);
                            }
                        }
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    Arc::try_unwrap(tally).unwrap().into_inner().unwrap()
}

async fn set_faults(endpoint: &str, faults: Value) {
    let url = format!("{endpoint}/__faults");
    let body = faults.to_string();
    tokio::task::spawn_blocking(move || http_post(&url, &body))
        .await
        .unwrap();
}

fn http_request(url: &str, method: &str, body: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "{method} /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
    response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default()
}

fn http_post(url: &str, body: &str) {
    http_request(url, "POST", body);
}

fn stats(endpoint: &str) -> Value {
    serde_json::from_str(&http_request(&format!("{endpoint}/__stats"), "GET", "")).unwrap()
}

fn count(stats: &Value, prefix: &str) -> u64 {
    stats["forwarded"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(_, v)| v.as_u64().unwrap())
        .sum()
}

async fn run(args: &Args, background: &[Map<String, Value>], containers: usize, run_no: usize) {
    let moto = sdk(&args.moto).await;
    let tag = format!("load{run_no}-{}", std::process::id());
    // The state table, the dead-letter queue, the trail bucket, and one stopped trail per
    // violation, made directly on moto (no faults).
    let ddb = aws_sdk_dynamodb::Client::new(&moto);
    let table = format!("{tag}-state");
    ddb.create_table()
        .table_name(&table)
        .attribute_definitions(
            aws_sdk_dynamodb::types::AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            aws_sdk_dynamodb::types::KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    let sqs = aws_sdk_sqs::Client::new(&moto);
    let dlq = sqs
        .create_queue()
        .queue_name(format!("{tag}-dlq"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let s3 = s3(&moto);
    let bucket = format!("{tag}-trail");
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let ct = aws_sdk_cloudtrail::Client::new(&moto);
    let violations = args.events / 9;
    let mut trails = Vec::with_capacity(violations);
    for v in 0..violations {
        let name = format!("{tag}-t{v}");
        ct.create_trail()
            .name(&name)
            .s3_bucket_name(&bucket)
            .send()
            .await
            .unwrap();
        trails.push(name);
    }

    // The stream: one event in nine a violation; 10% delivered twice (the copy soon after);
    // 5% withheld from EventBridge.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ run_no as u64);
    let now = snapback::decision_log::recorder::timestamp(SystemTime::now());
    let mut events = Vec::with_capacity(args.events);
    for i in 0..args.events {
        let mut record = if i % 9 == 8 {
            stop_logging(&trails[i / 9])
        } else {
            background[i % background.len()].clone()
        };
        record.insert("eventID".into(), json!(format!("{tag}-e{i}")));
        record.insert("eventTime".into(), json!(now));
        events.push(record);
    }
    let mut deliveries = VecDeque::new();
    let (mut withheld, mut duplicated) = (0, 0);
    for record in &events {
        if rng.chance(0.05) {
            withheld += 1;
            continue;
        }
        let payload = eventbridge(record);
        if rng.chance(0.10) {
            duplicated += 1;
            // The copy arrives a few deliveries later: often at another container at once.
            let at = deliveries.len().saturating_sub((rng.next() % 4) as usize);
            deliveries.insert(
                at,
                Delivery::Event {
                    payload: payload.clone(),
                    attempt: 0,
                },
            );
        }
        deliveries.push_back(Delivery::Event {
            payload,
            attempt: 0,
        });
    }
    let delivered = deliveries.len();

    // The containers: each its own Function (its own memory), all on the shared table,
    // reaching AWS through the proxy.
    let vars = vec![
        ("SNAPBACK_DEAD_LETTER_QUEUE_URL", dlq.clone()),
        ("SNAPBACK_MODE", "enforce".to_owned()),
        ("SNAPBACK_HOME_ACCOUNT", ACCOUNT.to_owned()),
        ("SNAPBACK_STATE", format!("dynamodb://{table}")),
        ("SNAPBACK_FLAP_MAX", "1000".to_owned()),
        ("AWS_ENDPOINT_URL", args.endpoint.clone()),
    ];
    let settings = settings(vars);
    let mut functions = Vec::new();
    for _ in 0..containers {
        functions.push(Arc::new(Function::init(&settings).await.unwrap()));
    }

    let before = stats(&args.endpoint);
    if args.faults {
        // 2% throttled, 1% failing, and 3 s in which every call is held for 6 s (longer than
        // the clients' 5 s attempt timeout).
        set_faults(
            &args.endpoint,
            json!({"throttle": 0.02, "error": 0.01, "stall": [2.0, 3.0, 6.0]}),
        )
        .await;
    }
    let started = Instant::now();
    let mut tally = drive(&functions, deliveries.into()).await;
    let eventbridge_secs = started.elapsed().as_secs_f64();

    // CloudTrail's log files, 100 events each, then their notifications through the backstop.
    let mut files = Vec::new();
    for (n, chunk) in events.chunks(100).enumerate() {
        let key = format!(
            "AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/29/{ACCOUNT}_CloudTrail_us-east-1_20261129T1200Z_{tag}{n}.json.gz"
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(json!({"Records": chunk}).to_string().as_bytes())
            .unwrap();
        s3.put_object()
            .bucket(&bucket)
            .key(&key)
            .body(gz.finish().unwrap().into())
            .send()
            .await
            .unwrap();
        let body = json!({"Records": [{"eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}]})
        .to_string();
        files.push(Delivery::LogFile { body, attempt: 0 });
    }
    let backstop = drive(&functions, files).await;
    let wall = started.elapsed().as_secs_f64();
    set_faults(
        &args.endpoint,
        json!({"throttle": 0.0, "error": 0.0, "stall": null}),
    )
    .await;
    merge(&mut tally, backstop);

    // Redrive, faults off: the on-failure destination's events and the log-file DLQ's.
    let mut redrive: Vec<Delivery> = tally
        .on_failure
        .drain(..)
        .map(|payload| Delivery::Event {
            payload,
            attempt: 2,
        })
        .collect();
    redrive.extend(
        tally
            .log_file_dead
            .drain(..)
            .map(|body| Delivery::LogFile { body, attempt: 4 }),
    );
    let redriven = redrive.len();
    if redriven > 0 {
        // A redrive comes minutes later; at the least, after any claim a failed attempt left
        // behind has run out (the deadline, 25 s, and 5 s more).
        tokio::time::sleep(std::time::Duration::from_secs(31)).await;
    }
    let again = drive(&functions, redrive).await;
    let still_failing = again.on_failure.len() + again.log_file_dead.len();
    merge(&mut tally, again);
    let after = stats(&args.endpoint);

    let dead_letters = sqs
        .get_queue_attributes()
        .queue_url(&dlq)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap_or_default()
        .get(&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(0);
    let mut lost = 0;
    for name in &trails {
        let status = ct.get_trail_status().name(name).send().await.unwrap();
        if status.is_logging != Some(true) {
            lost += 1;
        }
    }
    let twice = tally.acted_by_event.values().filter(|n| **n > 1).count();
    // The calls each event cost, by operation: what docs/deploy.md prices.
    let per_event: std::collections::BTreeMap<String, f64> = after["forwarded"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(op, n)| {
            let was = before["forwarded"][op.as_str()].as_u64().unwrap_or(0);
            let calls = n.as_u64().unwrap().saturating_sub(was);
            (op.clone(), calls as f64 / args.events as f64)
        })
        .filter(|(_, n)| *n > 0.0)
        .collect();
    eprintln!("calls per event, {containers} containers: {per_event:?}");
    let diff = |prefix: &str| count(&after, prefix).saturating_sub(count(&before, prefix));
    let dynamodb = diff("dynamodb") as f64 / args.events as f64;
    let s3_gets = diff("GET /") as f64 / args.events as f64;
    let injected = after["throttled"].as_u64().unwrap_or(0)
        + after["errors"].as_u64().unwrap_or(0)
        + after["stalled"].as_u64().unwrap_or(0)
        - before["throttled"].as_u64().unwrap_or(0)
        - before["errors"].as_u64().unwrap_or(0)
        - before["stalled"].as_u64().unwrap_or(0);
    println!(
        "| {containers} | {} | {} | {delivered} ({duplicated} dup) | {withheld} | {} | {} | {} | {} | {} | {} | {} | {injected} | {} | {redriven} | {still_failing} | {dead_letters} | {lost} | {twice} | {:.1} | {:.0} | {dynamodb:.2} | {s3_gets:.3} |",
        if args.faults { "on" } else { "off" },
        args.events,
        tally.invocations,
        tally.records,
        violations,
        tally.applied,
        tally.noop,
        tally.duplicates,
        tally.from_log_files,
        tally.handed_back,
        wall,
        args.events as f64 / eventbridge_secs,
    );
}

fn merge(into: &mut Tally, from: Tally) {
    into.invocations += from.invocations;
    into.records += from.records;
    into.applied += from.applied;
    into.noop += from.noop;
    into.duplicates += from.duplicates;
    into.from_log_files += from.from_log_files;
    into.handed_back += from.handed_back;
    into.on_failure.extend(from.on_failure);
    into.log_file_dead.extend(from.log_file_dead);
    for (id, n) in from.acted_by_event {
        *into.acted_by_event.entry(id).or_default() += n;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let background = background();
    eprintln!(
        "{} background records from the corpus; {} events per run",
        background.len(),
        args.events
    );
    println!(
        "| containers | faults | events | deliveries | withheld | invocations | records | violations | applied | noop | duplicates suppressed | from log files | faults injected | handed back | redriven | still failing | dead letters | lost | done twice | wall s | events/s (EventBridge) | DynamoDB calls/event | S3 GETs/event |"
    );
    println!("|{}", "---|".repeat(23));
    for (n, containers) in args.containers.iter().enumerate() {
        run(&args, &background, *containers, n).await;
    }
}
