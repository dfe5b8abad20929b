//! Splitting a byte stream, pushed in chunks of any size, into top-level JSON values.
//!
//! A stream is JSON Lines or concatenated JSON, in any layout (indented, several values on one
//! line, pretty-printed, arrays of records). Well-formed values are parsed by serde_json straight
//! from the buffer. After a malformed value, an error record names its position, the records
//! of a broken array or log file that were whole are kept, and reading resumes at the next
//! place where a value can start ([`super::recover`]); one bad event never hides the rest.
//!
//! Every byte is looked at a bounded number of times and at most one value is buffered: a
//! value longer than the size limit ([`DEFAULT_MAX_EVENT_BYTES`] unless set) is an error
//! record and is skipped, following its nesting, without being held in memory.

use std::sync::Arc;

use serde_json::Value;

use super::parse::{EventError, Position};
use super::record::{Event, Origin};
use super::recover::{Candidate, Junk, Skip, error_offset};

/// The default size limit of one top-level value (32 MiB): a CloudTrail log file is a few MB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 32 * 1024 * 1024;

/// An unfinished value this large is scanned for its end rather than parsed again at every
/// chunk.
const SCAN_FROM: usize = 64 * 1024;

const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// The end of the message for a value nested deeper than serde_json's recursion limit.
pub(super) const DEEP: &str = "nested more than 128 levels deep";

/// Splits a byte stream, pushed in chunks of any size, into events.
pub struct StreamParser {
    pub(super) source: Arc<str>,
    pub(super) buf: Vec<u8>,
    pub(super) line: usize,
    pub(super) column: usize,
    /// Where the bytes held stand structurally, so that a value is parsed once it is whole,
    /// not once per chunk: a 5 MB log file read in 32 KiB chunks was parsed 150 times over.
    scan: Scan,
    /// How many bytes at the start of the buffer `scan` has seen: when it has seen them all
    /// and a parse consumed nothing, its state stands and the buffer need not be scanned again.
    scanned: usize,
    /// The buffer's length at the last parse that ran out of input (0: none pending).
    tried_at: usize,
    /// Parses tried, for tests.
    attempts: usize,
    pub(super) max_value: usize,
    pub(super) mode: Mode,
    /// The value at the start of the buffer was found while resynchronising.
    pub(super) candidate: Option<Candidate>,
    /// An error was reported and no value has been read since: more failures in the same
    /// stretch of junk are part of it, not new records.
    pub(super) in_junk_run: bool,
    /// The stream's first bytes were checked for a byte order mark and for UTF-16.
    pub(super) sniffed: bool,
}

/// What the parser is doing with the bytes it is given.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mode {
    /// Parsing values from the start of the buffer.
    Values,
    /// After a malformed value: skipping to the next place a value can start.
    Junk(Junk),
    /// Skipping a value past the size limit, following its nesting to its end.
    Skip(Skip),
    /// UTF-16 input, reported once; the rest is ignored.
    Refused,
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
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if self.in_string {
                let rest = bytes.get(i..).unwrap_or_default();
                let Some(end) = string_end(rest, &mut self.escaped) else {
                    return;
                };
                i += end;
                self.in_string = false;
                self.ready |= self.depth == 0;
                continue;
            }
            i += 1;
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

/// Where a JSON string open at the start of `bytes` ends: the offset just past its closing
/// quote, or `None` when it goes on past them. `escaped` carries a backslash that ended the last
/// bytes. Most of a CloudTrail record's bytes are inside strings: this jumps from one quote or
/// backslash to the next.
pub(super) fn string_end(bytes: &[u8], escaped: &mut bool) -> Option<usize> {
    let mut i = 0;
    if *escaped {
        if bytes.is_empty() {
            return None;
        }
        *escaped = false;
        i = 1;
    }
    loop {
        let at = i + memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        if bytes.get(at) == Some(&b'"') {
            return Some(at + 1);
        }
        if at + 1 == bytes.len() {
            *escaped = true;
            return None;
        }
        i = at + 2;
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
            scanned: 0,
            tried_at: 0,
            attempts: 0,
            max_value: DEFAULT_MAX_EVENT_BYTES,
            mode: Mode::Values,
            candidate: None,
            in_junk_run: false,
            sniffed: false,
        }
    }

    /// Set the size limit of one top-level value, in bytes (at least 1).
    #[must_use]
    pub fn with_max_value(mut self, bytes: usize) -> Self {
        self.max_value = bytes.max(1);
        self
    }

    pub fn source(&self) -> &Arc<str> {
        &self.source
    }

    /// Add bytes and emit every value they complete.
    pub fn push(&mut self, chunk: &[u8], out: &mut dyn FnMut(Result<Event, EventError>)) {
        self.buf.extend_from_slice(chunk);
        if !self.sniffed {
            if self.buf.len() < 4 {
                return;
            }
            self.sniff(out);
        }
        if self.tried_at < SCAN_FROM {
            // Nothing large is pending (a JSON Lines stream, mostly): parsing again is cheaper
            // than scanning.
            self.drain(false, out);
            return;
        }
        self.scan.feed(chunk);
        self.scanned += chunk.len();
        if self.scan.ready
            || self.buf.len() >= self.tried_at.saturating_mul(4)
            || self.buf.len() > self.max_value
        {
            self.drain(false, out);
        }
    }

    /// How many times a parse was tried (tests check that it stays linear).
    #[doc(hidden)]
    pub fn attempts(&self) -> usize {
        self.attempts
    }

    /// How many bytes are held (tests check that it stays bounded).
    #[doc(hidden)]
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// End of stream: emit what is left, and an error for a truncated value.
    pub fn finish(mut self, out: &mut dyn FnMut(Result<Event, EventError>)) {
        if !self.sniffed {
            self.sniff(out);
        }
        self.drain(true, out);
    }

    /// Skip a UTF-8 byte order mark; refuse UTF-16 (a BOM, or ASCII with every other byte NUL).
    fn sniff(&mut self, out: &mut dyn FnMut(Result<Event, EventError>)) {
        self.sniffed = true;
        if self.buf.starts_with(BOM) {
            self.buf.drain(..BOM.len());
            return;
        }
        let utf16 = match self.buf.as_slice() {
            [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => true,
            [a, 0, b, 0, ..] | [0, a, 0, b, ..] => *a != 0 && *b != 0,
            _ => false,
        };
        if utf16 {
            out(Err(EventError {
                origin: self.origin(self.position()),
                message: "the input is UTF-16: snapback reads UTF-8 JSON; convert it first \
                          (`iconv -f UTF-16 -t UTF-8`)"
                    .to_owned(),
                raw: None,
            }));
            self.mode = Mode::Refused;
            self.buf.clear();
        }
    }

    fn drain(&mut self, at_end: bool, out: &mut dyn FnMut(Result<Event, EventError>)) {
        self.attempts += 1;
        let held = self.buf.len();
        let mut start = 0;
        while start < self.buf.len() {
            match self.mode {
                Mode::Refused => start = self.buf.len(),
                Mode::Skip(mut skip) => {
                    let rest = self.buf.get(start..).unwrap_or_default();
                    let used = skip.end(rest);
                    let len = used.unwrap_or(rest.len());
                    self.advance(start, len);
                    start += len;
                    self.mode = if used.is_some() {
                        Mode::Values
                    } else {
                        Mode::Skip(skip)
                    };
                }
                Mode::Junk(mut junk) => {
                    let rest = self.buf.get(start..).unwrap_or_default();
                    let found = junk.next(rest);
                    let used = found.map_or(rest.len(), |(at, _)| at);
                    self.advance(start, used);
                    start += used;
                    match found {
                        Some((_, candidate)) => {
                            self.candidate = Some(candidate);
                            self.mode = Mode::Values;
                        }
                        None => self.mode = Mode::Junk(junk),
                    }
                }
                Mode::Values => {
                    start += self.skip_whitespace(start);
                    if start >= self.buf.len() {
                        break;
                    }
                    match self.next_value(start, at_end, out) {
                        Some(next) => start = next,
                        None => break,
                    }
                }
            }
        }
        self.buf.drain(..start.min(self.buf.len()));
        if matches!(self.mode, Mode::Values) && self.buf.len() > self.max_value {
            self.oversize(out);
        }
        // What is left is one unfinished value (or nothing). When it is large, scan it afresh
        // (skipping a malformed value may have left the old scan state meaningless), so that
        // the next pushes can tell when it ends; unless nothing was consumed and the scan has
        // seen every byte held (a log file of many chunks), when its state still stands.
        self.tried_at = self.buf.len();
        let unchanged = self.buf.len() == held && matches!(self.mode, Mode::Values);
        if !(unchanged && self.scanned == self.buf.len()) {
            self.scan = Scan::default();
            self.scanned = 0;
            if self.tried_at >= SCAN_FROM {
                self.scan.feed(&self.buf);
                self.scanned = self.buf.len();
            }
        }
        self.scan.ready = false;
    }

    /// Parse the value at `start`: the offset after it, or `None` to wait for more input.
    fn next_value(
        &mut self,
        start: usize,
        at_end: bool,
        out: &mut dyn FnMut(Result<Event, EventError>),
    ) -> Option<usize> {
        let rest = self.buf.get(start..).filter(|r| !r.is_empty())?;
        let position = self.position();
        let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<Value>();
        match values.next()? {
            Ok(value) => {
                let used = values.byte_offset();
                let last = rest.get(used.saturating_sub(1)).copied().unwrap_or(b'}');
                if used > self.max_value {
                    // Whole in one chunk, but past the limit all the same: the outcome does
                    // not depend on how the input was cut.
                    let error = self.too_large(rest.get(..used).unwrap_or_default());
                    self.candidate = None;
                    out(Err(error));
                } else {
                    self.accept(value, position, last, out);
                }
                self.advance(start, used);
                Some(start + used)
            }
            Err(err) if err.is_eof() && !at_end => None,
            Err(err) => {
                let (at, message) = if err.is_eof() {
                    let message = "truncated JSON: the value starting here never ends";
                    (rest.len(), message.to_owned())
                } else {
                    let at = error_offset(rest, err.line(), err.column());
                    (at, self.describe(&err, rest, at))
                };
                self.fail(start, at, message, at_end, out)
            }
        }
    }

    pub(super) fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
            index: None,
        }
    }

    pub(super) fn origin(&self, position: Position) -> Origin {
        Origin {
            source: self.source.clone(),
            position,
        }
    }

    /// Skip whitespace, and byte order marks (files with one concatenated into a stream).
    fn skip_whitespace(&mut self, start: usize) -> usize {
        let rest = self.buf.get(start..).unwrap_or_default();
        let mut n = 0;
        loop {
            let tail = rest.get(n..).unwrap_or_default();
            let spaces = tail.iter().take_while(|b| b.is_ascii_whitespace()).count();
            n += spaces;
            if rest.get(n..).is_some_and(|t| t.starts_with(BOM)) {
                n += BOM.len();
            } else {
                break;
            }
        }
        self.advance(start, n);
        n
    }

    /// Move the line/column cursor over `len` bytes at `start`.
    pub(super) fn advance(&mut self, start: usize, len: usize) {
        let (line, column, _) = move_cursor(
            self.buf.get(start..).unwrap_or_default(),
            (self.line, self.column, 0),
            len,
        );
        self.line = line;
        self.column = column;
    }
}

/// A (line, column, offset) cursor over `bytes`, moved forward to `to`.
pub(super) fn move_cursor(
    bytes: &[u8],
    cursor: (usize, usize, usize),
    to: usize,
) -> (usize, usize, usize) {
    let (mut line, mut column, from) = cursor;
    for &b in bytes.get(from..to.max(from)).unwrap_or_default() {
        if b == b'\n' {
            line += 1;
            column = 1;
        } else if b & 0xC0 != 0x80 {
            column += 1;
        }
    }
    (line, column, to.max(from))
}

#[cfg(test)]
mod tests;
