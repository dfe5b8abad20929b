//! The stream parser alone, on clean and on malformed input, in bytes per second.
//!
//! * `clean/json-lines` and `clean/log-file`: every CloudTrail record of the third-party corpus
//!   (`../shared/corpus`), repeated to about 4 MiB, as JSON Lines and as one
//!   `{"Records": [...]}` log file, pushed in 256 KiB chunks as `snapback::input` reads files.
//! * `malformed/<kind>/<MiB>`: 1, 4, 16 and 64 MiB of NUL bytes, of `[`, of a string that never
//!   ends, and of junk between valid events. Time per MiB should be flat across sizes.
//!
//! Run: `cargo bench --bench parse` (`-- clean` for the clean group alone). The file uses only
//! `StreamParser::new`, `push` and `finish`, so that it runs unchanged against older versions of
//! the parser for comparison.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark"
)]

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use snapback::StreamParser;

const CHUNK: usize = 256 * 1024;
const MIB: usize = 1024 * 1024;

/// The corpus records as compact JSON, one string each.
fn records() -> Vec<String> {
    let corpus = std::env::var_os("SNAPBACK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let dir = corpus.join("cloudtrail-records");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus at {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let value: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            serde_json::to_string(&value).unwrap()
        })
        .collect()
}

/// Records repeated until the text is about `size` bytes, joined by `sep`.
fn repeated(records: &[String], size: usize, sep: &str) -> (String, usize) {
    let mut text = String::with_capacity(size + 16 * 1024);
    let mut n = 0;
    for record in records.iter().cycle() {
        if text.len() >= size {
            break;
        }
        if n > 0 {
            text.push_str(sep);
        }
        text.push_str(record);
        n += 1;
    }
    (text, n)
}

/// Parse `bytes` in chunks, returning how many events and errors came out.
fn parse(bytes: &[u8]) -> (usize, usize) {
    let mut parser = StreamParser::new("bench.json");
    let (mut events, mut errors) = (0, 0);
    let mut count = |r: Result<snapback::Event, snapback::EventError>| match r {
        Ok(_) => events += 1,
        Err(_) => errors += 1,
    };
    for chunk in bytes.chunks(CHUNK) {
        parser.push(chunk, &mut count);
    }
    parser.finish(&mut count);
    (events, errors)
}

fn clean(c: &mut Criterion) {
    let records = records();
    let (lines, n) = repeated(&records, 4 * MIB, "\n");
    let lines = lines + "\n";
    let (inner, m) = repeated(&records, 4 * MIB, ",");
    let log_file = format!("{{\"Records\":[{inner}]}}\n");
    assert_eq!(parse(lines.as_bytes()), (n, 0));
    assert_eq!(parse(log_file.as_bytes()), (m, 0));
    let mut group = c.benchmark_group("clean");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(lines.len() as u64));
    group.bench_function("json-lines", |b| b.iter(|| parse(lines.as_bytes())));
    group.throughput(Throughput::Bytes(log_file.len() as u64));
    group.bench_function("log-file", |b| b.iter(|| parse(log_file.as_bytes())));
    group.finish();
}

/// Makes malformed input of a given size from the corpus records.
type Make = fn(&[String], usize) -> Vec<u8>;

fn malformed(c: &mut Criterion) {
    let records = records();
    let kinds: [(&str, Make); 4] = [
        ("nul", |_, size| vec![0u8; size]),
        ("open-brackets", |_, size| vec![b'['; size]),
        ("endless-string", |_, size| {
            let mut bytes = b"{\"eventName\":\"x\",\"a\":\"".to_vec();
            bytes.resize(size, b'a');
            bytes
        }),
        ("junk-between-events", |records, size| {
            let (text, _) = repeated(records, size, "\n}garbage{[\n");
            text.into_bytes()
        }),
    ];
    let mut group = c.benchmark_group("malformed");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    for (kind, make) in kinds {
        for mib in [1, 4, 16, 64] {
            let bytes = make(&records, mib * MIB);
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_function(format!("{kind}/{mib}"), |b| b.iter(|| parse(&bytes)));
        }
    }
    group.finish();
}

criterion_group!(benches, clean, malformed);
criterion_main!(benches);
