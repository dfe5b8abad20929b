//! `check` throughput over two mixed streams. Three measurements on each in one run, so ratios
//! between them are meaningful on a noisy machine:
//!
//! * `serde_json`: parsing the stream into `serde_json::Value`s, the floor;
//! * `parse` (corpus stream only): snapback's stream parser (detecting forms, positions);
//! * `check`: parsing, building the Cedar request, deciding with the shipped pack, making the
//!   decision record and serialising it to a buffer.
//!
//! The `check` group reads the corpus stream: every record under ../shared/corpus as one JSON
//! Lines stream, repeated to about 4,000 events. Most of it is reads and changes no policy
//! concerns, so it is the cheap end.
//!
//! The `realistic` group reads a stream shaped like an account where the policies matter: one
//! event in nine is a violation and three in four are decided by some policy (they reach a
//! non-empty policy bucket and are evaluated by Cedar). It is built from the policy cases
//! (`rules-tests/cases/<policy-id>/*.json`): the cases the engine decides `non_compliant` are
//! the violations, the ones it decides `compliant` after evaluating policies make up the rest of
//! the decided three quarters, and the last quarter are corpus events no policy concerns (not
//! evaluated, and not an error). The three kinds are interleaved 4 : 23 : 9 in every 36
//! events (4,032 in all), each kind cycling through its events in order; the proportions are
//! counted again with the engine over the finished stream and asserted.
//!
//! A second group, `decide`, times deciding alone (events parsed beforehand) with the shipped
//! pack and with a pack ten times larger whose extra policies are on synthetic actions that
//! no event in the stream has (made by `benches/gen.py pack`): the ratio is what pack size
//! costs events that the extra policies do not concern.
//!
//! Run: `cargo bench --bench check` (set SNAPBACK_CORPUS to read another corpus); one group
//! alone with `cargo bench --bench check -- realistic`.

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
use snapback::{Engine, Outcome, StreamParser};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every event of the corpus, one JSON line each.
fn corpus_lines() -> Vec<String> {
    let corpus = std::env::var_os("SNAPBACK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
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
    lines
}

/// The corpus stream: every corpus event in turn, repeated to at least 4,000 events.
fn stream(lines: &[String]) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let mut count = 0u64;
    while count < 4000 {
        for line in lines {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
            count += 1;
        }
    }
    (out, count)
}

/// The events of a stream, parsed.
fn events(bytes: &[u8]) -> Vec<snapback::Event> {
    let mut events = Vec::new();
    let mut parser = StreamParser::new("bench");
    let mut keep = |item: Result<snapback::Event, snapback::EventError>| {
        if let Ok(event) = item {
            events.push(event);
        }
    };
    parser.push(bytes, &mut keep);
    parser.finish(&mut keep);
    events
}

/// What the engine made of one event: violation, decided by a policy, or concerned by none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Violation,
    Decided,
    Unconcerned,
    /// Anything else (an error, a case for a skipped call): not used in the mix.
    Other,
}

fn kind(engine: &Engine, event: &snapback::Event) -> Kind {
    let decision = engine.decide(event);
    match (decision.outcome, decision.evaluated) {
        (Outcome::NonCompliant, _) => Kind::Violation,
        (Outcome::Compliant, true) => Kind::Decided,
        (Outcome::Compliant | Outcome::Skipped, false) => Kind::Unconcerned,
        _ => Kind::Other,
    }
}

/// Events per 36 in the realistic mix: violations, other decided events, unconcerned events.
const MIX: [(Kind, u64); 3] = [
    (Kind::Violation, 4),
    (Kind::Decided, 23),
    (Kind::Unconcerned, 9),
];

/// The realistic stream (see the file's documentation): 4,032 events.
fn realistic(engine: &Engine, corpus: &[String]) -> (Vec<u8>, u64) {
    let cases = snapback::cases::load(&root().join("rules-tests/cases"))
        .unwrap_or_else(|e| panic!("unreadable cases: {e:?}"));
    let mut pools: [Vec<String>; 3] = Default::default();
    let lines = cases
        .iter()
        .map(|case| serde_json::to_string(&case.event).unwrap())
        .chain(corpus.iter().cloned());
    for (n, line) in lines.enumerate() {
        let parsed = events(line.as_bytes());
        assert_eq!(parsed.len(), 1, "{line}");
        let is_case = n < cases.len();
        let pool = match kind(engine, &parsed[0]) {
            Kind::Violation if is_case => 0,
            Kind::Decided if is_case => 1,
            Kind::Unconcerned if !is_case => 2,
            _ => continue,
        };
        pools[pool].push(line);
    }
    for (pool, (kind, _)) in pools.iter().zip(MIX) {
        assert!(!pool.is_empty(), "no {kind:?} events for the realistic mix");
    }
    // Each event goes to the kind furthest below its share so far: exact in every 36.
    let period: u64 = MIX.iter().map(|(_, n)| n).sum();
    let total = 112 * period;
    let mut taken = [0u64; 3];
    let mut out = Vec::new();
    for n in 1..=total {
        let pick = (0..3)
            .max_by_key(|&k| (MIX[k].1 * n).saturating_sub(taken[k] * period))
            .unwrap();
        let pool = &pools[pick];
        let line = &pool[(taken[pick] % pool.len() as u64) as usize];
        taken[pick] += 1;
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    // The proportions, counted again with the engine over the finished stream.
    let parsed = events(&out);
    assert_eq!(parsed.len() as u64, total);
    let kinds: Vec<Kind> = parsed.iter().map(|e| kind(engine, e)).collect();
    let count = |k: Kind| kinds.iter().filter(|&&x| x == k).count() as u64;
    let (violations, decided) = (count(Kind::Violation), count(Kind::Decided));
    assert_eq!(violations * 9, total, "one event in nine is a violation");
    assert_eq!(
        (violations + decided) * 4,
        total * 3,
        "three in four decided"
    );
    assert_eq!(
        count(Kind::Unconcerned) * 4,
        total,
        "one in four concerned by no policy"
    );
    eprintln!(
        "realistic mix: {total} events, {violations} violations, {} decided by a policy in all, \
         from {} violating cases, {} other decided cases and {} corpus events no policy concerns",
        violations + decided,
        pools[0].len(),
        pools[1].len(),
        pools[2].len(),
    );
    (out, total)
}

/// `check` on a stream: parse, decide, record, and serialise each record to a buffer.
fn check_stream(bytes: &[u8], engine: &Engine, recorder: &Recorder) {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut parser = StreamParser::new("bench");
    let mut decide = |item: Result<snapback::Event, snapback::EventError>| {
        let record = match item {
            Ok(event) => {
                recorder.record(&event, &engine.decide(&event), std::time::SystemTime::now())
            }
            Err(err) => recorder.unreadable(&err, std::time::SystemTime::now()),
        };
        out.clear();
        let _ = serde_json::to_writer(&mut out, &record);
    };
    parser.push(bytes, &mut decide);
    parser.finish(&mut decide);
}

fn bench_serde_json(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    bytes: &[u8],
    events: u64,
) {
    group.bench_function("serde_json", |b| {
        b.iter(|| {
            let n = serde_json::Deserializer::from_slice(bytes)
                .into_iter::<serde_json::Value>()
                .count();
            assert_eq!(n as u64, events);
        });
    });
}

fn bench_check(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    bytes: &[u8],
    engine: &Engine,
    recorder: &Recorder,
) {
    group.bench_function("check", |b| {
        b.iter_batched(
            || (),
            |()| check_stream(bytes, engine, recorder),
            BatchSize::SmallInput,
        );
    });
}

fn bench(c: &mut Criterion) {
    let corpus = corpus_lines();
    let (bytes, events) = stream(&corpus);
    let pack = snapback::load_policies(&root().join("policies"))
        .unwrap_or_else(|e| panic!("policies do not validate: {e:?}"));
    let engine = Engine::new(pack);
    let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());

    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements(events));
    group.sample_size(20);
    bench_serde_json(&mut group, &bytes, events);
    group.bench_function("parse", |b| {
        b.iter(|| {
            let mut n = 0u64;
            let mut parser = StreamParser::new("bench");
            parser.push(&bytes, &mut |e| n += u64::from(e.is_ok()));
            parser.finish(&mut |e| n += u64::from(e.is_ok()));
            assert_eq!(n, events);
        });
    });
    bench_check(&mut group, &bytes, &engine, &recorder);
    group.finish();

    let (mixed, mixed_events) = realistic(&engine, &corpus);
    let mut group = c.benchmark_group("realistic");
    group.throughput(Throughput::Elements(mixed_events));
    group.sample_size(20);
    bench_serde_json(&mut group, &mixed, mixed_events);
    bench_check(&mut group, &mixed, &engine, &recorder);
    group.finish();

    let events = self::events(&bytes);
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
    let root = root();
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
