//! `react` throughput against a local AWS API server (moto): the full pipeline (decide, plan,
//! read, revert, read back, record) for StopLogging events on trails that really are stopped.
//! Needs a server: run `benches/react.sh`, which starts moto and runs this.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark"
)]

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use snapback::aws::{Factory, Settings};
use snapback::decision_log::{Recorder, Redactor};
use snapback::reactor::{Config, ModeOverride, Reactor};
use snapback::resilience::SpoolDir;
use snapback::{Engine, StreamParser};

const TRAILS: usize = 20;

fn endpoint() -> String {
    std::env::var("SNAPBACK_TEST_ENDPOINT").expect("SNAPBACK_TEST_ENDPOINT: run benches/react.sh")
}

fn stop_event(trail: &str, n: u64) -> snapback::Event {
    let record = serde_json::json!({
        "eventVersion": "1.09", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
        "awsRegion": "us-east-1", "eventID": format!("bench-{n}"), "readOnly": false, "recipientAccountId": "123456789012",
        "eventTime": "2026-11-20T09:05:00Z",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/bench", "accountId": "123456789012"},
        "requestParameters": {"name": trail}
    });
    let mut events = Vec::new();
    let mut parser = StreamParser::new("bench");
    parser.push(record.to_string().as_bytes(), &mut |e| events.push(e));
    parser.finish(&mut |e| events.push(e));
    events.pop().unwrap().unwrap()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = runtime.block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(endpoint())
            .region(aws_config::Region::new("us-east-1"))
            .load(),
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let ct = aws_sdk_cloudtrail::Client::new(&config);
    let trails: Vec<String> = (0..TRAILS).map(|i| format!("bench-trail-{i}")).collect();
    runtime.block_on(async {
        s3.create_bucket()
            .bucket("snapback-bench")
            .send()
            .await
            .unwrap();
        for t in &trails {
            ct.create_trail()
                .name(t)
                .s3_bucket_name("snapback-bench")
                .send()
                .await
                .unwrap();
        }
    });
    let engine = Engine::new(
        snapback::load_policies(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies"))
            .unwrap(),
    );
    let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());
    let settings = Settings {
        endpoint_url: Some(endpoint()),
        home_account: Some("123456789012".into()),
        ..Settings::default()
    };
    let spool = SpoolDir::new(&std::env::temp_dir().join("snapback-bench-spool")).unwrap();
    let cfg = Config {
        mode: ModeOverride::Enforce,
        flap_max: usize::MAX,
        ..Config::default()
    };
    let reactor = Reactor::new(
        engine,
        recorder,
        runtime.block_on(Factory::new(settings)),
        spool,
        cfg,
    );

    let mut group = c.benchmark_group("react");
    group.throughput(Throughput::Elements(TRAILS as u64));
    group.sample_size(10);
    let mut n = 0u64;
    group.bench_function("revert_stop_logging", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                // Stop every trail (not timed), then time reverting them all.
                runtime.block_on(async {
                    for t in &trails {
                        ct.stop_logging().name(t).send().await.unwrap();
                    }
                });
                let events: Vec<_> = trails
                    .iter()
                    .map(|t| {
                        n += 1;
                        stop_event(t, n)
                    })
                    .collect();
                let start = Instant::now();
                for e in &events {
                    let handled = runtime.block_on(reactor.handle(e, SystemTime::now()));
                    let status = handled.record.remediation.map(|r| r.status.as_str());
                    assert_eq!(status, Some("applied"));
                }
                total += start.elapsed();
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
