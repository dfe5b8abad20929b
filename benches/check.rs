//! `check` throughput over a mixed stream built from the third-party corpus: every record
//! under ../shared/corpus as one JSON Lines stream, repeated to about 4,000 events. Three
//! measurements in one run, so ratios between them are meaningful on a noisy machine:
//!
//! * `serde_json`: parsing the stream into `serde_json::Value`s, the floor;
//! * `parse`: snapback's stream parser (detecting forms, positions);
//! * `check`: parsing, building the Cedar request and deciding with the shipped pack.
//!
//! A second group, `decide`, times deciding alone (events parsed beforehand) with the shipped
//! pack and with a pack ten times larger whose extra policies are on synthetic actions that
//! no event in the stream has (made by `benches/gen.py pack`): the ratio is what pack size
//! costs events that the extra policies do not concern.
//!
//! Run: `cargo bench --bench check` (set SNAPBACK_CORPUS to read another corpus).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark"
)]

use std::path::PathBuf;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use snapback::decision_log::{Recorder, Redactor};
use snapback::{Engine, StreamParser};

fn stream() -> (Vec<u8>, u64) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("SNAPBACK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let dirs: Vec<PathBuf> = [
        "cloudtrail-records",
        "cloudtrail-nonconforming",
        "eventbridge",
        "lookupevents",
    ]
    .iter()
    .map(|d| corpus.join(d))
    .collect();
    let mut lines = Vec::new();
    for path in snapback::input::expand(&dirs).files {
        snapback::input::read_path(&path, &mut |item| {
            if let Ok(event) = item {
                let value = match &event.envelope {
                    Some(_) => serde_json::json!({
                        "version": "0", "detail-type": "AWS API Call via CloudTrail",
                        "source": "aws.test", "detail": event.record,
                    }),
                    None => serde_json::Value::Object(event.record),
                };
                lines.push(serde_json::to_string(&value).unwrap_or_default());
            }
        });
    }
    assert!(
        !lines.is_empty(),
        "no corpus events found under {}",
        corpus.display()
    );
    let mut out = Vec::new();
    let mut count = 0u64;
    while count < 4000 {
        for line in &lines {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
            count += 1;
        }
    }
    (out, count)
}

fn bench(c: &mut Criterion) {
    let (bytes, events) = stream();
    let pack = snapback::load_policies(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies"))
        .unwrap_or_else(|e| panic!("policies do not validate: {e:?}"));
    let engine = Engine::new(pack);
    let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());

    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements(events));
    group.sample_size(20);
    group.bench_function("serde_json", |b| {
        b.iter(|| {
            let n = serde_json::Deserializer::from_slice(&bytes)
                .into_iter::<serde_json::Value>()
                .count();
            assert_eq!(n as u64, events);
        });
    });
    group.bench_function("parse", |b| {
        b.iter(|| {
            let mut n = 0u64;
            let mut parser = StreamParser::new("bench");
            parser.push(&bytes, &mut |e| n += u64::from(e.is_ok()));
            parser.finish(&mut |e| n += u64::from(e.is_ok()));
            assert_eq!(n, events);
        });
    });
    group.bench_function("check", |b| {
        b.iter_batched(
            || (),
            |()| {
                let mut out = Vec::with_capacity(64 * 1024);
                let mut parser = StreamParser::new("bench");
                let mut decide = |item: Result<snapback::Event, snapback::EventError>| {
                    let record = match item {
                        Ok(event) => recorder.record(
                            &event,
                            &engine.decide(&event),
                            std::time::SystemTime::now(),
                        ),
                        Err(err) => recorder.unreadable(&err, std::time::SystemTime::now()),
                    };
                    out.clear();
                    let _ = serde_json::to_writer(&mut out, &record);
                };
                parser.push(&bytes, &mut decide);
                parser.finish(&mut decide);
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();

    let mut events = Vec::new();
    let mut parser = StreamParser::new("bench");
    let mut keep = |item: Result<snapback::Event, snapback::EventError>| {
        if let Ok(event) = item {
            events.push(event);
        }
    };
    parser.push(&bytes, &mut keep);
    parser.finish(&mut keep);
    let large = synthetic_pack(10);
    let large_engine = Engine::new(
        snapback::load_policies(&large).unwrap_or_else(|e| panic!("synthetic pack: {e:?}")),
    );
    assert!(large_engine.pack().policies.len() >= 10 * engine.pack().policies.len());
    let mut group = c.benchmark_group("decide");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.sample_size(20);
    for (name, engine) in [("shipped", &engine), ("pack10x", &large_engine)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut non_compliant = 0usize;
                for event in &events {
                    let decision = engine.decide(event);
                    non_compliant +=
                        usize::from(decision.outcome == snapback::Outcome::NonCompliant);
                }
                non_compliant
            });
        });
    }
    group.finish();
}

/// The shipped pack plus synthetic policies, `factor` times as many in all (benches/gen.py).
fn synthetic_pack(factor: u32) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("snapback-pack{factor}x-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = std::process::Command::new("python3")
        .arg(root.join("benches/gen.py"))
        .args([
            "pack",
            &out.display().to_string(),
            "--factor",
            &factor.to_string(),
        ])
        .status()
        .unwrap_or_else(|e| panic!("cannot run benches/gen.py: {e}"));
    assert!(status.success(), "benches/gen.py pack failed");
    out
}

criterion_group!(benches, bench);
criterion_main!(benches);
