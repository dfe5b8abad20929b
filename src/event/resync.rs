//! The slow path of [`StreamParser`]: what happens after a malformed value, a value found
//! while resynchronising, and a value past the size limit. Kept apart from the fast path in
//! `stream.rs`, which only ever parses well-formed values from the start of its buffer.

use serde_json::Value;

use super::parse::{EventError, MAX_RAW, Position, classify};
use super::record::Event;
use super::recover::{Candidate, Junk, Restart, Skip, cut_restart, elements};
use super::stream::{DEEP, Mode, StreamParser, move_cursor};

impl StreamParser {
    /// Emit a parsed value's events, or, while resynchronising, keep it whole only when it is
    /// what it seems (a value that holds only events, or one that starts its own line), and
    /// otherwise keep only the whole records it holds: a fragment of a broken value can be an
    /// array whose first element is the rest of a broken record and the next ones records.
    pub(super) fn accept(
        &mut self,
        value: Value,
        position: Position,
        last: u8,
        out: &mut dyn FnMut(Result<Event, EventError>),
    ) {
        let origin = self.origin(position);
        let Some(candidate) = self.candidate.take() else {
            classify(value, &origin, out);
            return;
        };
        let mut items = Vec::new();
        classify(value, &origin, &mut |item| items.push(item));
        let events = !items.is_empty() && items.iter().all(Result::is_ok);
        let own_line = candidate == Candidate::Strong { line_start: true };
        if own_line {
            items.into_iter().for_each(&mut *out);
        } else {
            items.into_iter().filter(Result::is_ok).for_each(&mut *out);
        }
        if (events || own_line) && candidate != Candidate::Weak {
            self.in_junk_run = false;
        } else {
            // An element recovered from a broken array, or a fragment of a broken value:
            // resynchronising goes on after it.
            self.mode = Mode::Junk(Junk::after(last));
        }
    }

    /// A malformed value at `start`, with the fault `at` bytes into it: report it (once per
    /// stretch of junk), keep the whole records it held, and resynchronise after the fault.
    /// Returns the offset to go on from, or `None` to wait for more input.
    pub(super) fn fail(
        &mut self,
        start: usize,
        at: usize,
        message: String,
        at_end: bool,
        out: &mut dyn FnMut(Result<Event, EventError>),
    ) -> Option<usize> {
        let rest = self.buf.get(start..).unwrap_or_default();
        let at = at.min(rest.len());
        let found = elements(rest, at);
        let restart = match cut_restart(rest, found.last_string) {
            Restart::At(offset) => Some(offset),
            Restart::NeedMore(_) if !at_end => return None,
            // Cut short itself, at the end of the input: read it from there all the same, for
            // the whole records it may hold.
            Restart::NeedMore(offset) => Some(offset),
            Restart::None => None,
        };
        // Too deep is a fault of depth, not of syntax: a value on its own line inside the run
        // of brackets, or the object right after the run on the same line, may be whole.
        let deep = message.ends_with(DEEP);
        let restart = restart.or(found.reopen.filter(|_| deep));
        let report = match self.candidate.take() {
            None => true,
            Some(Candidate::Strong { line_start }) => line_start || !self.in_junk_run,
            Some(Candidate::Weak) => false,
        };
        if report {
            let end = rest
                .iter()
                .skip(at)
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |n| at + n)
                .min(MAX_RAW);
            let raw = String::from_utf8_lossy(rest.get(..end).unwrap_or_default());
            out(Err(EventError {
                origin: self.origin(self.position()),
                message,
                raw: Some(raw.trim_end().to_owned()),
            }));
            self.in_junk_run = true;
        }
        let mut cursor = (self.line, self.column, 0);
        // Elements inside one already kept are part of it.
        let mut kept_until = 0;
        for (offset, len) in found.spans() {
            let Some(bytes) = rest
                .get(offset..offset + len)
                .filter(|_| offset >= kept_until)
            else {
                continue;
            };
            let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
                continue;
            };
            let mut items = Vec::new();
            cursor = move_cursor(rest, cursor, offset);
            let origin = self.origin(Position {
                line: cursor.0,
                column: cursor.1,
                index: None,
            });
            classify(value, &origin, &mut |item| items.push(item));
            if !items.is_empty() && items.iter().all(Result::is_ok) {
                items.into_iter().for_each(&mut *out);
                kept_until = offset + len;
            }
        }
        // The object after the run of brackets, unless it was kept above as an element.
        let restart = restart
            .or_else(|| after_bracket_run(rest).filter(|&offset| deep && offset >= kept_until));
        // The byte before the fault, as resynchronising sees it: inside a string, the string.
        let prev = if found.in_string {
            Some(b'"')
        } else {
            rest.get(..at)
                .and_then(|r| r.iter().rev().find(|b| !b.is_ascii_whitespace()))
                .copied()
        };
        let line_start = rest
            .get(..at)
            .and_then(|r| r.iter().rev().find(|b| !matches!(b, b' ' | b'\t' | b'\r')))
            .is_none_or(|&b| b == b'\n');
        let (skip, next) = match restart {
            Some(offset) => (offset, Mode::Values),
            // A value never fails on its first byte unless that byte is junk; step over it
            // anyway, so that resynchronising always moves on.
            None if at == 0 => (1, Mode::Junk(Junk::after(b'?'))),
            None => (at, Mode::Junk(Junk::new(prev, line_start))),
        };
        if restart.is_some() {
            self.candidate = Some(Candidate::Strong { line_start: false });
        }
        let skip = skip.min(rest.len());
        self.advance(start, skip);
        self.mode = next;
        Some(start + skip)
    }

    /// The buffer holds an unfinished value past the size limit: report it, and skip it.
    pub(super) fn oversize(&mut self, out: &mut dyn FnMut(Result<Event, EventError>)) {
        if self.candidate.take() != Some(Candidate::Weak) || !self.in_junk_run {
            out(Err(self.too_large(&self.buf)));
            self.in_junk_run = true;
        }
        let mut skip = Skip::default();
        let len = self.buf.len();
        let used = skip.end(&self.buf).unwrap_or(len);
        self.advance(0, used);
        self.buf.drain(..used.min(len));
        self.mode = if used < len {
            Mode::Values
        } else {
            Mode::Skip(skip)
        };
    }

    /// The error for a value past the size limit, starting at the cursor.
    pub(super) fn too_large(&self, bytes: &[u8]) -> EventError {
        let raw =
            String::from_utf8_lossy(bytes.get(..bytes.len().min(MAX_RAW)).unwrap_or_default());
        EventError {
            origin: self.origin(self.position()),
            message: format!(
                "value larger than the limit of {} bytes (set --max-event-bytes or \
                 SNAPBACK_MAX_EVENT_BYTES to read it): skipped",
                self.max_value
            ),
            raw: Some(raw.into_owned()),
        }
    }

    pub(super) fn describe(&self, err: &serde_json::Error, rest: &[u8], at: usize) -> String {
        let (line, column, _) = move_cursor(rest, (self.line, self.column, 0), at);
        let text = err.to_string();
        let what = text
            .rfind(" at line ")
            .and_then(|i| text.get(..i))
            .unwrap_or(&text);
        if what.contains("recursion limit") {
            format!("invalid JSON at {line}:{column}: {DEEP}")
        } else {
            format!("invalid JSON at {line}:{column}: {what}")
        }
    }
}

/// Where the object after a leading run of `[` starts (`[[[[{"eventName":…`), when the run is
/// followed by one: a value too deep only because of the run can be read from there.
fn after_bracket_run(value: &[u8]) -> Option<usize> {
    let at = value
        .iter()
        .position(|&b| b != b'[' && !b.is_ascii_whitespace())?;
    (at > 0 && value.get(at) == Some(&b'{')).then_some(at)
}
