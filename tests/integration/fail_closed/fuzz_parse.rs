//! A structure-aware fuzzer for the stream parser and the event reader, seeded from the shared
//! corpus (`../shared/corpus`, or `SNAPBACK_CORPUS`).
//!
//! Corpus events, each tagged with a marker, are laid out in every layout the reader accepts
//! (JSON Lines, indented, tab-indented, concatenated on one line, pretty-printed, an array of
//! records, a log file), some of them broken (cut short, junk or NUL bytes inserted, a byte
//! replaced, a run of brackets), a byte order mark in front or not, gzip or not, and pushed in
//! chunks of random sizes. Whatever the input: no panic; every well-formed event comes out
//! exactly once; the broken ones come out as at least one error, and as no event but their own
//! (or one written whole inside their bytes); and the parser holds at most
//! its size limit plus a chunk. Failures proptest finds are kept in
//! `tests/proptest-regressions/fail_closed/fuzz_parse.txt` and replayed first; the named tests
//! at the bottom, and in `src/event/stream/tests.rs`, are cases it found.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};
use snapback::{Event, EventError, StreamParser};

/// Corpus events: bare records and EventBridge envelopes, as JSON values.
fn corpus() -> &'static (Vec<Value>, Vec<Value>) {
    static CORPUS: OnceLock<(Vec<Value>, Vec<Value>)> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = std::env::var_os("SNAPBACK_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
        let load = |dir: &str| -> Vec<Value> {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("corpus at {}: {e}", root.display()))
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            paths.sort();
            paths
                .iter()
                .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
                .collect()
        };
        (load("cloudtrail-records"), load("eventbridge"))
    })
}

#[derive(Debug, Clone, Copy)]
enum Layout {
    Lines,
    Indented,
    Tabs,
    OneLine,
    Pretty,
    Array,
    LogFile,
}

#[derive(Debug, Clone)]
enum Fault {
    Cut(Index),
    Insert(Index, Vec<u8>),
    Nul(Index, usize),
    Replace(Index, u8),
    Brackets(usize),
}

#[derive(Debug, Clone)]
struct Piece {
    envelope: bool,
    event: Index,
    fault: Option<Fault>,
}

#[derive(Debug, Clone)]
struct Case {
    layout: Layout,
    pieces: Vec<Piece>,
    bom: bool,
    gzip: bool,
    chunks: Vec<usize>,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        any::<Index>().prop_map(Fault::Cut),
        (
            any::<Index>(),
            prop::collection::vec(
                prop_oneof![
                    Just(b'{'),
                    Just(b'['),
                    Just(b'"'),
                    Just(b':'),
                    Just(b'x'),
                    Just(b'\\'),
                    Just(0u8),
                    Just(b'\n')
                ],
                1..6
            )
        )
            .prop_map(|(at, junk)| Fault::Insert(at, junk)),
        (any::<Index>(), 1usize..2048).prop_map(|(at, n)| Fault::Nul(at, n)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, b)| Fault::Replace(at, b)),
        (1usize..600).prop_map(Fault::Brackets),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    let piece = (
        any::<bool>(),
        any::<Index>(),
        prop::option::weighted(0.35, fault()),
    )
        .prop_map(|(envelope, event, fault)| Piece {
            envelope,
            event,
            fault,
        });
    let layout = prop_oneof![
        Just(Layout::Lines),
        Just(Layout::Indented),
        Just(Layout::Tabs),
        Just(Layout::OneLine),
        Just(Layout::Pretty),
        Just(Layout::Array),
        Just(Layout::LogFile),
    ];
    (
        layout,
        prop::collection::vec(piece, 1..7),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(1usize..5000, 1..8),
    )
        .prop_map(|(layout, pieces, bom, gzip, chunks)| Case {
            layout,
            pieces,
            bom,
            gzip,
            chunks,
        })
}

/// The piece's event, marked so that it can be found in the output.
fn marked(piece: &Piece, marker: &str, layout: Layout) -> Value {
    let (records, envelopes) = corpus();
    let envelope = piece.envelope && !matches!(layout, Layout::LogFile);
    let mut value = if envelope {
        piece.event.get(envelopes).clone()
    } else {
        piece.event.get(records).clone()
    };
    let record: &mut Map<String, Value> = if envelope {
        value["detail"].as_object_mut().unwrap()
    } else {
        value.as_object_mut().unwrap()
    };
    record.insert("fuzzMarker".into(), marker.into());
    value
}

fn text(value: &Value, layout: Layout) -> String {
    match layout {
        Layout::Pretty => serde_json::to_string_pretty(value).unwrap(),
        _ => serde_json::to_string(value).unwrap(),
    }
}

/// Break a value's text; `None` when the fault left it valid JSON.
fn broken(mut bytes: Vec<u8>, fault: &Fault) -> Option<Vec<u8>> {
    match fault {
        Fault::Cut(at) => bytes.truncate(at.index(bytes.len()).max(1)),
        Fault::Insert(at, junk) => {
            let at = at.index(bytes.len());
            bytes.splice(at..at, junk.iter().copied());
        }
        Fault::Nul(at, n) => {
            let at = at.index(bytes.len());
            bytes.splice(at..at, std::iter::repeat_n(0, *n));
        }
        Fault::Replace(at, b) => {
            let at = at.index(bytes.len());
            bytes[at] = *b;
        }
        Fault::Brackets(n) => bytes = vec![b'['; *n],
    }
    serde_json::from_slice::<Value>(&bytes)
        .is_err()
        .then_some(bytes)
}

/// A broken piece: its bytes and everything after it in the stream (the separators, the
/// pieces after it and the layout's closing brackets), and how long the piece itself is.
struct Broken {
    rest: Vec<u8>,
    len: usize,
}

/// The bytes of a case, the markers of its well-formed events, and the broken pieces.
fn render(case: &Case) -> (Vec<u8>, Vec<String>, Vec<Broken>) {
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (i, piece) in case.pieces.iter().enumerate() {
        let marker = format!("piece-{i}");
        let value = marked(piece, &marker, case.layout);
        let bytes = text(&value, case.layout).into_bytes();
        match piece.fault.as_ref().and_then(|f| broken(bytes.clone(), f)) {
            Some(bytes) => {
                bad.push(parts.len());
                parts.push(bytes);
            }
            None => {
                good.push(marker);
                parts.push(bytes);
            }
        }
    }
    let mut out = Vec::new();
    if case.bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut starts = Vec::new();
    let mut join = |out: &mut Vec<u8>, sep: &[u8]| {
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(sep);
            }
            starts.push(out.len());
            out.extend_from_slice(part);
        }
    };
    match case.layout {
        Layout::Lines => join(&mut out, b"\n"),
        Layout::Pretty => join(&mut out, b"\n"),
        Layout::OneLine => join(&mut out, b""),
        Layout::Indented => {
            out.extend_from_slice(b"    ");
            join(&mut out, b"\n    ");
        }
        Layout::Tabs => {
            out.extend_from_slice(b"\t");
            join(&mut out, b"\n\t");
        }
        Layout::Array => {
            out.extend_from_slice(b"[");
            join(&mut out, b",\n ");
            out.extend_from_slice(b"]");
        }
        Layout::LogFile => {
            out.extend_from_slice(b"{\"Records\": [");
            join(&mut out, b", ");
            out.extend_from_slice(b"]}");
        }
    }
    out.push(b'\n');
    let bad = bad
        .into_iter()
        .map(|i| Broken {
            rest: out[starts[i]..].to_vec(),
            len: parts[i].len(),
        })
        .collect();
    (out, good, bad)
}

/// Feed a case through the parser (or, gzipped, through the event reader), checking the
/// buffer bound at every push.
fn run(case: &Case, bytes: &[u8]) -> Vec<Result<Event, EventError>> {
    let mut out = Vec::new();
    if case.gzip {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        let compressed = gz.finish().unwrap();
        snapback::input::read_stream(&compressed[..], "fuzz.json.gz".into(), &mut |r| out.push(r));
        return out;
    }
    let mut parser = StreamParser::new("fuzz.json");
    let mut rest = bytes;
    let biggest = case.chunks.iter().max().copied().unwrap_or(1);
    for size in case.chunks.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at((*size).min(rest.len()));
        parser.push(chunk, &mut |r| out.push(r));
        assert!(parser.buffered() <= bytes.len() + biggest);
        rest = tail;
    }
    parser.finish(&mut |r| out.push(r));
    out
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let (bytes, good, broken_bytes) = render(case);
    let bad = broken_bytes.len();
    let out = run(case, &bytes);
    // The records of the broken pieces: a byte replaced by `}` can close a record early, and
    // what comes out then is that record's first fields, unchanged (the marker is last).
    let broken: Vec<Map<String, Value>> = case
        .pieces
        .iter()
        .enumerate()
        .filter(|(_, piece)| piece.fault.is_some())
        .map(|(i, piece)| {
            let value = marked(piece, &format!("piece-{i}"), case.layout);
            match value.get("detail") {
                Some(Value::Object(detail)) => detail.clone(),
                _ => value.as_object().cloned().unwrap_or_default(),
            }
        })
        .collect();
    let cut_short = |record: &Map<String, Value>| {
        broken
            .iter()
            .any(|whole| record.iter().all(|(k, v)| whole.get(k) == Some(v)))
    };
    // An object written out whole from inside a broken piece: bytes inserted into a record can
    // make a value of its own out of part of it (`"":{` before a key), and those bytes are the
    // same as a record cut there with the next record after it; a record cut inside a list
    // (`"resources":[`) is closed by the stream's own `]}` after it, and is then whole.
    let written_in_broken = |record: &Map<String, Value>| {
        broken_bytes.iter().any(|broken| {
            let bytes = &broken.rest;
            (0..broken.len)
                .filter(|&i| bytes[i] == b'{')
                .filter_map(|i| {
                    serde_json::Deserializer::from_slice(&bytes[i..])
                        .into_iter::<Value>()
                        .next()
                })
                .any(|value| matches!(value, Ok(Value::Object(m)) if &m == record))
        })
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for event in out.iter().flatten() {
        let marker = event.record.get("fuzzMarker").and_then(Value::as_str);
        if marker.is_none() && (cut_short(&event.record) || written_in_broken(&event.record)) {
            continue;
        }
        prop_assert!(
            marker.is_some(),
            "an event no piece holds: {:?}",
            event.record
        );
        *seen
            .entry(marker.unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    for marker in &good {
        prop_assert_eq!(
            seen.get(marker).copied(),
            Some(1),
            "{} in {:?}",
            marker,
            String::from_utf8_lossy(&bytes)
        );
    }
    for (marker, n) in &seen {
        prop_assert!(
            good.contains(marker) || *n == 1,
            "{marker} came out {n} times"
        );
    }
    let errors = out.iter().filter(|r| r.is_err()).count();
    if bad > 0 {
        prop_assert!(errors >= 1, "{bad} broken values and no error");
    } else {
        prop_assert_eq!(
            errors,
            0,
            "errors for a clean stream: {:?}",
            out.iter()
                .filter_map(|r| r.as_ref().err())
                .collect::<Vec<_>>()
        );
    }
    Ok(())
}

proptest! {
    // About 6 s in the dev profile.
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn every_well_formed_event_comes_out_once_whatever_the_faults_around_it(case in case()) {
        check(&case)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Junk of any size, in any chunks, is held at most up to the size limit plus a chunk.
    #[test]
    fn junk_is_held_at_most_up_to_the_limit(
        byte in prop_oneof![Just(0u8), Just(b'['), Just(b'{'), Just(b'"'), Just(b'x')],
        len in 1usize..200_000,
        chunk in 64usize..9000,
    ) {
        let limit = 4096;
        let mut parser = StreamParser::new("junk").with_max_value(limit);
        let mut records = 0;
        let bytes = vec![byte; len];
        for piece in bytes.chunks(chunk) {
            parser.push(piece, &mut |_| records += 1);
            prop_assert!(parser.buffered() <= limit + chunk, "{} held", parser.buffered());
        }
        parser.finish(&mut |_| records += 1);
        prop_assert!(records >= 1);
    }
}
