//! The stream parser's tests: splitting, the linear fast path, resynchronising after every
//! kind of fault in every layout, and the bounds on time and memory.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use super::*;

fn parse(chunks: &[&str]) -> Vec<Result<Event, EventError>> {
    let mut out = Vec::new();
    let mut parser = StreamParser::new("test.json");
    for chunk in chunks {
        parser.push(chunk.as_bytes(), &mut |r| out.push(r));
    }
    parser.finish(&mut |r| out.push(r));
    out
}

const RECORD: &str = r#"{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com"}"#;

#[test]
fn json_lines_split_across_chunks() {
    let text = format!("{RECORD}\n{RECORD}\n");
    let (a, b) = text.split_at(20);
    let events = parse(&[a, b]);
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(Result::is_ok));
}

#[test]
fn bad_line_is_reported_and_the_rest_is_kept() {
    let text = format!("{RECORD}\n{{\"eventName\": oops}}\n{RECORD}\n");
    let events = parse(&[&text]);
    assert_eq!(events.len(), 3);
    let Some(Err(err)) = events.get(1) else {
        panic!("expected an error: {events:?}")
    };
    assert_eq!(err.origin.position.line, 2);
    assert!(err.to_string().starts_with("test.json:2:"), "{err}");
    assert!(events.get(2).is_some_and(Result::is_ok));
}

#[test]
fn truncated_tail_is_an_error() {
    let events = parse(&[&format!("{RECORD}\n{{\"eventName\": \"x\"")]);
    assert_eq!(events.len(), 2);
    assert!(matches!(events.get(1), Some(Err(e)) if e.message.contains("truncated")));
}

#[test]
fn log_file_records_get_indexes() {
    let events = parse(&[&format!("{{\"Records\": [{RECORD}, {RECORD}]}}")]);
    let indexes: Vec<_> = events
        .iter()
        .map(|e| e.as_ref().ok().and_then(|e| e.origin.position.index))
        .collect();
    assert_eq!(indexes, vec![Some(0), Some(1)]);
}

/// A 1.4 MB log file read in 1 KiB chunks is parsed about once per KiB only until 64 KiB
/// are pending, then a handful of times, not once per chunk (which would be quadratic in
/// its size), and every record comes out.
#[test]
fn a_large_value_is_parsed_when_whole_not_at_every_chunk() {
    let records = vec![RECORD; 20_000].join(", ");
    let text = format!("{{\"Records\": [{records}]}}\n");
    let mut parser = StreamParser::new("big.json");
    let mut events = 0;
    for chunk in text.as_bytes().chunks(1024) {
        parser.push(chunk, &mut |r| events += usize::from(r.is_ok()));
    }
    let attempts = parser.attempts();
    parser.finish(&mut |r| events += usize::from(r.is_ok()));
    assert_eq!(events, 20_000);
    assert!(
        attempts <= 64 + 8,
        "{attempts} parses for {} chunks",
        text.len() / 1024
    );
}

/// The same with strings full of escaped quotes and backslashes and brackets inside them, in
/// chunks of odd sizes (a backslash last in one chunk, the quote it escapes first in the next):
/// a string that seemed to end early would make the parser try at every chunk.
#[test]
fn escaped_quotes_across_chunks_do_not_end_a_string_early() {
    let record = r#"{"eventName":"A","note":"say \"}]\" and \\","path":"C:\\x\\\"{["}"#;
    let records = vec![record; 2_000].join(", ");
    let text = format!("{{\"Records\": [{records}]}}\n");
    for chunk in [509, 1021, 4099] {
        let mut parser = StreamParser::new("big.json");
        let mut events = 0;
        for piece in text.as_bytes().chunks(chunk) {
            parser.push(piece, &mut |r| events += usize::from(r.is_ok()));
        }
        let attempts = parser.attempts();
        parser.finish(&mut |r| events += usize::from(r.is_ok()));
        assert_eq!(events, 2_000, "chunk {chunk}");
        let small = 64 * 1024 / chunk;
        assert!(attempts <= small + 8, "chunk {chunk}: {attempts} parses");
    }
}

/// Where a string ends, from inside it, whatever the escapes and however it is cut.
#[test]
fn string_end_follows_escapes_across_cuts() {
    let text = br#"ab\"c\\"tail"#;
    assert_eq!(super::string_end(text, &mut false), Some(8));
    for cut in 0..=text.len() {
        let (a, b) = text.split_at(cut);
        let mut escaped = false;
        let end = match super::string_end(a, &mut escaped) {
            Some(end) => end,
            None => cut + super::string_end(b, &mut escaped).unwrap(),
        };
        assert_eq!(end, 8, "cut at {cut}");
    }
}

/// A stream still yields each event as soon as its last byte arrives, strings with
/// brackets and escaped quotes included.
#[test]
fn json_lines_are_emitted_as_they_complete() {
    let tricky = r#"{"eventName":"PutRule","eventSource":"events.amazonaws.com","requestParameters":{"p":"}]\"{["}}"#;
    let mut parser = StreamParser::new("stdin");
    let mut seen = 0;
    let text = format!("{tricky}\n{RECORD}\n");
    let (first, second) = text.split_at(tricky.len() - 3);
    parser.push(first.as_bytes(), &mut |_| seen += 1);
    assert_eq!(seen, 0);
    let (rest, partial) = second.split_at(4);
    parser.push(rest.as_bytes(), &mut |r| seen += usize::from(r.is_ok()));
    assert_eq!(
        seen, 1,
        "the first event, complete, is out before the stream ends"
    );
    parser.push(partial.as_bytes(), &mut |r| seen += usize::from(r.is_ok()));
    assert_eq!(seen, 2);
}

/// A truncated line in a stream does not hold back the lines after it for long.
#[test]
fn a_truncated_line_is_reported_once_more_input_comes() {
    // A short truncated value, and one past the size where the parser scans instead.
    for padding in [0, 100 * 1024] {
        let mut out = Vec::new();
        let mut parser = StreamParser::new("stdin");
        let head = format!(
            "{{\"eventName\": \"x\", \"a\": [\"{}\",\n",
            "p".repeat(padding)
        );
        parser.push(head.as_bytes(), &mut |r| out.push(r));
        for _ in 0..6000 {
            parser.push(format!("{RECORD}\n").as_bytes(), &mut |r| out.push(r));
        }
        assert!(
            out.first().is_some_and(Result::is_err),
            "{padding}: {:?}",
            out.first()
        );
        assert!(out.iter().skip(1).any(Result::is_ok), "{padding}");
    }
}

fn parse_bytes(bytes: &[u8], chunk: usize) -> Vec<Result<Event, EventError>> {
    let mut out = Vec::new();
    let mut parser = StreamParser::new("test.json");
    for piece in bytes.chunks(chunk.max(1)) {
        parser.push(piece, &mut |r| out.push(r));
    }
    parser.finish(&mut |r| out.push(r));
    out
}

/// The event names that came out, with `!` for an error.
fn names(out: &[Result<Event, EventError>]) -> Vec<String> {
    out.iter()
        .map(|r| match r {
            Ok(e) => e.event_name().to_owned(),
            Err(_) => "!".to_owned(),
        })
        .collect()
}

fn named(name: &str) -> String {
    format!(
        r#"{{"eventName":"{name}","eventSource":"s3.amazonaws.com","requestParameters":{{"a":[{{"b":1}}]}}}}"#
    )
}

/// Each layout, with a bad value between two good ones, in one chunk and byte by byte.
fn assert_resyncs(text: &str, expected: &[&str]) {
    for chunk in [text.len().max(1), 7, 1] {
        let out = parse_bytes(text.as_bytes(), chunk);
        assert_eq!(names(&out), expected, "chunk {chunk}: {text}");
    }
}

#[test]
fn events_on_indented_lines_after_a_bad_line_are_kept() {
    let text = format!(
        "  {}\n  {{\"eventName\": oops}}\n  {}\n",
        named("A"),
        named("B")
    );
    assert_resyncs(&text, &["A", "!", "B"]);
}

#[test]
fn events_on_tab_indented_lines_after_a_bad_line_are_kept() {
    let text = format!(
        "\t{}\n\t{{\"eventName\": \"x\"\n\t{}\n",
        named("A"),
        named("B")
    );
    assert_resyncs(&text, &["A", "!", "B"]);
}

#[test]
fn events_later_on_the_same_line_after_a_bad_value_are_kept() {
    let text = format!(
        "{}{{\"eventName\": oops, \"x\": [{{\"y\": 1}}]}}{} {}\n",
        named("A"),
        named("B"),
        named("C")
    );
    assert_resyncs(&text, &["A", "!", "B", "C"]);
    // Cut short, then the next value at once.
    let text = format!(
        "{}{{\"eventName\": \"x\", \"n\": 12{}\n",
        named("A"),
        named("B")
    );
    assert_resyncs(&text, &["A", "!", "B"]);
}

#[test]
fn a_value_cut_inside_a_string_does_not_hide_the_next_one() {
    let text = format!("{{\"eventName\": \"Put{}{}\n", named("B"), named("C"));
    assert_resyncs(&text, &["!", "B", "C"]);
}

#[test]
fn pretty_printed_events_after_a_bad_one_are_kept() {
    let pretty = |name: &str| {
        let value: Value = serde_json::from_str(&named(name)).unwrap();
        serde_json::to_string_pretty(&value).unwrap()
    };
    let bad = pretty("X").replace("\"s3.amazonaws.com\"", "s3.amazonaws.com");
    let text = format!("{}\n{bad}\n{}\n", pretty("A"), pretty("B"));
    assert_resyncs(&text, &["A", "!", "B"]);
}

#[test]
fn records_of_a_broken_array_are_kept() {
    let text = format!(
        "[{}, {{\"eventName\": oops}}, {}]\n{}\n",
        named("A"),
        named("B"),
        named("C")
    );
    assert_resyncs(&text, &["!", "A", "B", "C"]);
    let text = format!(
        "{{\"Records\": [\n  {},\n  {{\"eventName\": oops}},\n  {}\n]}}\n{}\n",
        named("A"),
        named("B"),
        named("C")
    );
    assert_resyncs(&text, &["!", "A", "B", "C"]);
}

#[test]
fn a_line_cut_after_a_comma_does_not_swallow_the_next_line() {
    let text = format!(
        "{{\"eventName\": \"x\", \"a\": [1,\n{}\n{}\n",
        named("A"),
        named("B")
    );
    assert_resyncs(&text, &["!", "A", "B"]);
}

#[test]
fn junk_between_events_is_one_error_each() {
    let text = format!(
        "{} garbage {}\n\u{0}\u{0}\u{0}{}",
        named("A"),
        named("B"),
        named("C")
    );
    assert_resyncs(&text, &["A", "!", "B", "!", "C"]);
}

#[test]
fn a_utf8_bom_at_the_start_is_skipped() {
    let text = format!("\u{feff}{}\n{}", named("A"), named("B"));
    assert_resyncs(&text, &["A", "B"]);
}

#[test]
fn utf16_input_is_one_error_that_says_so() {
    let utf16 = |bom: &[u8], big_endian: bool| {
        let mut bytes = bom.to_vec();
        for unit in format!("{}\n{}\n", named("A"), named("B")).encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    };
    for bytes in [
        utf16(&[0xFF, 0xFE], false),
        utf16(&[0xFE, 0xFF], true),
        utf16(&[], false),
        utf16(&[], true),
    ] {
        for chunk in [bytes.len(), 3, 1] {
            let out = parse_bytes(&bytes, chunk);
            assert_eq!(out.len(), 1, "{chunk}: {out:?}");
            let Some(Err(err)) = out.first() else {
                panic!()
            };
            assert!(err.message.contains("UTF-16"), "{err}");
        }
    }
}

/// 20 MB of NUL bytes took about 30 s and held all of it: now one error, in linear time, with
/// nothing held.
#[test]
fn nul_bytes_are_one_error_in_linear_time_and_bounded_memory() {
    let mut parser = StreamParser::new("nul");
    let mut out = Vec::new();
    let chunk = vec![0u8; 64 * 1024];
    let started = std::time::Instant::now();
    for _ in 0..(20 * 16) {
        parser.push(&chunk, &mut |r| out.push(r));
        assert!(parser.buffered() <= chunk.len(), "{}", parser.buffered());
    }
    parser.push(named("A").as_bytes(), &mut |r| out.push(r));
    parser.finish(&mut |r| out.push(r));
    assert_eq!(names(&out), ["!", "A"]);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn a_run_of_open_brackets_is_one_error_in_bounded_memory() {
    for byte in [b'[', b'{'] {
        let mut parser = StreamParser::new("brackets");
        let mut out = Vec::new();
        let chunk = vec![byte; 64 * 1024];
        for _ in 0..64 {
            parser.push(&chunk, &mut |r| out.push(r));
            assert!(
                parser.buffered() <= 2 * chunk.len(),
                "{}",
                parser.buffered()
            );
        }
        parser.push(format!("\n{}", named("A")).as_bytes(), &mut |r| out.push(r));
        parser.finish(&mut |r| out.push(r));
        assert_eq!(names(&out), ["!", "A"], "{}", byte as char);
    }
}

#[test]
fn deep_nesting_is_an_error_record_not_a_crash() {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let nested = format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    for value in [deep, nested] {
        let text = format!("{}\n{value}\n{}\n", named("A"), named("B"));
        let out = parse_bytes(text.as_bytes(), 64 * 1024);
        assert_eq!(names(&out), ["A", "!", "B"]);
        let Some(Err(err)) = out.get(1) else { panic!() };
        assert!(err.message.contains("nested more than 128"), "{err}");
    }
}

#[test]
fn a_value_past_the_size_limit_is_an_error_and_skipped_unheld() {
    let big = format!(
        r#"{{"eventName":"Big","p":"{}","q":[{{}}]}}"#,
        "x".repeat(500_000)
    );
    let unfinished = format!(r#"{{"eventName":"Big","p":"{}"#, "x".repeat(500_000));
    for (value, tail) in [(&big, "\n"), (&unfinished, "")] {
        let text = format!("{}\n{value}{tail}{}\n", named("A"), named("B"));
        let mut parser = StreamParser::new("big").with_max_value(100_000);
        let mut out = Vec::new();
        for chunk in text.as_bytes().chunks(16 * 1024) {
            parser.push(chunk, &mut |r| out.push(r));
            assert!(
                parser.buffered() <= 100_000 + 16 * 1024,
                "{}",
                parser.buffered()
            );
        }
        parser.finish(&mut |r| out.push(r));
        let expected: &[&str] = if tail.is_empty() {
            &["A", "!"]
        } else {
            &["A", "!", "B"]
        };
        assert_eq!(names(&out), expected);
        let Some(Err(err)) = out.get(1) else { panic!() };
        assert!(err.message.contains("limit of 100000 bytes"), "{err}");
    }
}

/// Cases the fuzzer found.
mod found;
