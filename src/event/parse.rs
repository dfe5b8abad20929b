//! Detecting what a stream of bytes holds and splitting it into events.
//!
//! A stream is JSON Lines or concatenated JSON; each top-level value may be an EventBridge event,
//! a bare CloudTrail record, a log file (`{"Records": [...]}`), LookupEvents output, or an array
//! of these. A value that cannot be understood becomes an [`EventError`] naming its position,
//! and parsing resumes at the next line that opens a JSON value, so one bad event never hides
//! the rest of the stream.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::CLOUDTRAIL_DETAIL_TYPES;
use super::record::{Envelope, Event, Origin};

/// A position in a stream: 1-based line and column of the top-level JSON value, and the index
/// of the record inside it when the value holds several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub index: Option<usize>,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)?;
        if let Some(index) = self.index {
            write!(f, " (record {index})")?;
        }
        Ok(())
    }
}

/// An event that could not be understood, with where it was and what was there.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct EventError {
    pub origin: Origin,
    pub message: String,
    /// The text or JSON that failed, so that it can be kept (at most 64 KiB of it).
    pub raw: Option<String>,
}

const MAX_RAW: usize = 64 * 1024;

/// An unfinished value this large is scanned for its end rather than parsed again at every
/// chunk.
const SCAN_FROM: usize = 64 * 1024;

/// Splits a byte stream, pushed in chunks of any size, into events.
pub struct StreamParser {
    source: Arc<str>,
    buf: Vec<u8>,
    line: usize,
    column: usize,
    /// Where the bytes held stand structurally, so that a value is parsed once it is whole,
    /// not once per chunk: a 5 MB log file read in 32 KiB chunks was parsed 150 times over.
    scan: Scan,
    /// The buffer's length at the last parse that ran out of input (0: none pending).
    tried_at: usize,
    /// Parses tried, for tests.
    attempts: usize,
}

/// A byte scanner that follows JSON nesting and strings, to tell when a top-level value may
/// have ended. It only decides when to parse: serde_json still judges the bytes, and a buffer
/// that has grown fourfold since the last try is parsed regardless, so malformed input that
/// confuses the scanner is still reported.
#[derive(Debug, Clone, Copy, Default)]
struct Scan {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// A top-level value may have ended in the bytes fed since the last parse.
    ready: bool,
}

impl Scan {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                    self.ready |= self.depth == 0;
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.ready |= self.depth == 0;
                }
                b' ' | b'\t' | b'\r' | b'\n' => {}
                // A scalar (or junk) at the top level: let serde_json judge it.
                _ => self.ready |= self.depth == 0,
            }
        }
    }
}

impl StreamParser {
    pub fn new(source: impl Into<Arc<str>>) -> Self {
        Self {
            source: source.into(),
            buf: Vec::new(),
            line: 1,
            column: 1,
            scan: Scan::default(),
            tried_at: 0,
            attempts: 0,
        }
    }

    pub fn source(&self) -> &Arc<str> {
        &self.source
    }

    /// Add bytes and emit every value they complete.
    pub fn push(&mut self, chunk: &[u8], out: &mut dyn FnMut(Result<Event, EventError>)) {
        self.buf.extend_from_slice(chunk);
        if self.tried_at < SCAN_FROM {
            // Nothing large is pending (a JSON Lines stream, mostly): parsing again is cheaper
            // than scanning.
            self.drain(false, out);
            return;
        }
        self.scan.feed(chunk);
        if self.scan.ready || self.buf.len() >= self.tried_at.saturating_mul(4) {
            self.drain(false, out);
        }
    }

    /// How many times a parse was tried (tests check that it stays linear).
    #[doc(hidden)]
    pub fn attempts(&self) -> usize {
        self.attempts
    }

    /// End of stream: emit what is left, and an error for a truncated value.
    pub fn finish(mut self, out: &mut dyn FnMut(Result<Event, EventError>)) {
        self.drain(true, out);
    }

    fn drain(&mut self, at_end: bool, out: &mut dyn FnMut(Result<Event, EventError>)) {
        self.attempts += 1;
        let mut start = 0;
        loop {
            start += self.skip_whitespace(start);
            let Some(rest) = self.buf.get(start..).filter(|r| !r.is_empty()) else {
                break;
            };
            let position = Position {
                line: self.line,
                column: self.column,
                index: None,
            };
            let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<Value>();
            match values.next() {
                None => break,
                Some(Ok(value)) => {
                    let used = values.byte_offset();
                    self.advance(start, used);
                    start += used;
                    classify(value, &self.origin(position), out);
                }
                Some(Err(err)) if err.is_eof() && !at_end => break,
                Some(Err(err)) => {
                    let (line, column) = if err.line() <= 1 {
                        (self.line, self.column + err.column().saturating_sub(1))
                    } else {
                        (self.line + err.line() - 1, err.column())
                    };
                    let Some(skip) = resync(rest, at_end) else {
                        break;
                    };
                    let raw =
                        String::from_utf8_lossy(rest.get(..skip.min(MAX_RAW)).unwrap_or_default());
                    let text = err.to_string();
                    let what = text
                        .rfind(" at line ")
                        .and_then(|i| text.get(..i))
                        .unwrap_or(&text);
                    out(Err(EventError {
                        origin: self.origin(position),
                        message: if err.is_eof() {
                            "truncated JSON: the value starting here never ends".to_owned()
                        } else {
                            format!("invalid JSON at {line}:{column}: {what}")
                        },
                        raw: Some(raw.trim_end().to_owned()),
                    }));
                    self.advance(start, skip);
                    start += skip;
                }
            }
        }
        self.buf.drain(..start.min(self.buf.len()));
        // What is left is one unfinished value (or nothing). When it is large, scan it afresh
        // (skipping a malformed value may have left the old scan state meaningless), so that
        // the next pushes can tell when it ends.
        self.tried_at = self.buf.len();
        self.scan = Scan::default();
        if self.tried_at >= SCAN_FROM {
            self.scan.feed(&self.buf);
            self.scan.ready = false;
        }
    }

    fn origin(&self, position: Position) -> Origin {
        Origin {
            source: self.source.clone(),
            position,
        }
    }

    fn skip_whitespace(&mut self, start: usize) -> usize {
        let rest = self.buf.get(start..).unwrap_or_default();
        let n = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        self.advance(start, n);
        n
    }

    /// Move the line/column cursor over `len` bytes at `start`.
    fn advance(&mut self, start: usize, len: usize) {
        for &b in self.buf.get(start..start + len).unwrap_or_default() {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
    }
}

/// How many bytes to skip after a syntax error: up to the next line that opens an object or
/// array, or everything at the end of the stream. `None` means: wait for more data.
fn resync(rest: &[u8], at_end: bool) -> Option<usize> {
    let next = rest
        .windows(2)
        .position(|w| matches!(w, [b'\n', b'{' | b'[']))
        .map(|i| i + 1);
    match next {
        Some(n) => Some(n),
        None if at_end => Some(rest.len()),
        None => None,
    }
}

/// Turn one top-level JSON value into events.
fn classify(value: Value, origin: &Origin, out: &mut dyn FnMut(Result<Event, EventError>)) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.into_iter().enumerate() {
                let origin = at_index(origin, i);
                classify_one(item, &origin, out);
            }
        }
        other => classify_one(other, origin, out),
    }
}

fn at_index(origin: &Origin, index: usize) -> Origin {
    Origin {
        source: origin.source.clone(),
        position: Position {
            index: Some(index),
            ..origin.position
        },
    }
}

fn classify_one(value: Value, origin: &Origin, out: &mut dyn FnMut(Result<Event, EventError>)) {
    let Value::Object(mut map) = value else {
        out(Err(error(
            origin,
            "expected a JSON object, found a scalar or nested array",
            &value,
        )));
        return;
    };
    if let Some(Value::Array(records)) = map.get_mut("Records") {
        for (i, record) in std::mem::take(records).into_iter().enumerate() {
            let origin = at_index(origin, i);
            out(bare(record, &origin));
        }
    } else if let Some(Value::Array(events)) = map.get_mut("Events") {
        // LookupEvents output: each element carries the record as a JSON string.
        for (i, item) in std::mem::take(events).into_iter().enumerate() {
            let origin = at_index(origin, i);
            out(lookup_event(item, &origin));
        }
    } else if map.contains_key("detail-type") {
        out(envelope(map, origin));
    } else if map.get("CloudTrailEvent").is_some_and(Value::is_string) {
        out(lookup_event(Value::Object(map), origin));
    } else {
        out(bare(Value::Object(map), origin));
    }
}

fn error(origin: &Origin, message: impl Into<String>, value: &Value) -> EventError {
    let mut raw = value.to_string();
    if raw.len() > MAX_RAW {
        let mut cut = MAX_RAW;
        while !raw.is_char_boundary(cut) {
            cut -= 1;
        }
        raw.truncate(cut);
    }
    EventError {
        origin: origin.clone(),
        message: message.into(),
        raw: Some(raw),
    }
}

fn envelope(mut map: Map<String, Value>, origin: &Origin) -> Result<Event, EventError> {
    let text =
        |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).map(str::to_owned);
    let detail_type = text(&map, "detail-type").unwrap_or_default();
    if !CLOUDTRAIL_DETAIL_TYPES.contains(&detail_type.as_str()) {
        return Err(error(
            origin,
            format!(
                "unsupported EventBridge detail-type `{detail_type}`: snapback reads only `{}`",
                CLOUDTRAIL_DETAIL_TYPES.join("`, `")
            ),
            &Value::Object(map),
        ));
    }
    let env = Envelope {
        id: text(&map, "id"),
        source: text(&map, "source"),
        account: text(&map, "account"),
        region: text(&map, "region"),
        time: text(&map, "time"),
        detail_type,
    };
    match map.remove("detail") {
        Some(Value::Object(record)) => Ok(Event {
            record,
            envelope: Some(env),
            origin: origin.clone(),
        }),
        _ => Err(error(
            origin,
            "EventBridge event has no `detail` object",
            &Value::Object(map),
        )),
    }
}

fn lookup_event(item: Value, origin: &Origin) -> Result<Event, EventError> {
    let inner = item.get("CloudTrailEvent").and_then(Value::as_str);
    match inner.map(serde_json::from_str::<Value>) {
        Some(Ok(record)) => bare(record, origin),
        Some(Err(err)) => Err(error(
            origin,
            format!("LookupEvents `CloudTrailEvent` is not valid JSON: {err}"),
            &item,
        )),
        None => Err(error(
            origin,
            "LookupEvents item has no `CloudTrailEvent` string",
            &item,
        )),
    }
}

fn bare(value: Value, origin: &Origin) -> Result<Event, EventError> {
    match value {
        Value::Object(record) if is_record(&record) => Ok(Event {
            record,
            envelope: None,
            origin: origin.clone(),
        }),
        Value::Object(_) => Err(error(
            origin,
            "not a CloudTrail event: expected an EventBridge event, a CloudTrail record with \
             `eventName`, a `{\"Records\": [...]}` log file or LookupEvents output",
            &value,
        )),
        other => Err(error(
            origin,
            "a CloudTrail record must be a JSON object",
            &other,
        )),
    }
}

fn is_record(record: &Map<String, Value>) -> bool {
    let named = |m: &Map<String, Value>| {
        m.get("eventName")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    named(record)
        || record
            .get("insightDetails")
            .and_then(Value::as_object)
            .is_some_and(named)
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn foreign_detail_type_is_an_error() {
        let events =
            parse(&[r#"{"detail-type": "EC2 Instance State-change Notification", "detail": {}}"#]);
        assert!(matches!(events.first(), Some(Err(e)) if e.message.contains("detail-type")));
    }
}
