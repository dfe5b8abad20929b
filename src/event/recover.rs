//! Resynchronising after a malformed value, in time linear in the bytes skipped.
//!
//! After a fault, reading resumes at the next `{` or `[` that can open a value. After `[` or
//! `,` it may be an element of a broken array (a log file's `Records`), and after a key it may
//! be the next value after a cut right there: both are kept only when they hold events.
//! Anywhere else (after a complete value, after junk, at the start of a line) it is a value of
//! its own. The whole
//! array elements before the fault are kept too, and a value cut inside a string and followed
//! at once by the next value is found inside that string. [`Skip`] passes over a value past
//! the size limit without holding it.

use serde_json::Value;

use super::parse::classify;
use super::record::Origin;
use super::stream::string_end;

/// How a place where a value may start was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Candidate {
    /// After a complete value, after junk, or first on its line: a value of its own.
    Strong { line_start: bool },
    /// After `[`, `,` or a key: an element of a broken array, or the value after a cut, kept
    /// only when it holds events.
    Weak,
}

/// The state of a skip over junk, carried from one chunk to the next.
#[derive(Debug, Clone, Copy)]
pub(super) struct Junk {
    /// The last byte skipped that is not whitespace (a space: none).
    prev: u8,
    /// The one before it.
    before: u8,
    /// Only whitespace since the last line break.
    line_start: bool,
}

impl Junk {
    pub(super) fn new(prev: Option<u8>, line_start: bool) -> Self {
        Self {
            prev: prev.unwrap_or(b' '),
            before: b' ',
            line_start,
        }
    }

    /// Junk right after a value (or a byte) that ended with `last`.
    pub(super) fn after(last: u8) -> Self {
        Self {
            prev: last,
            before: b' ',
            line_start: false,
        }
    }

    /// The offset in `bytes` of the next place a value can start, and how it was found; `None`
    /// when all of `bytes` is junk.
    pub(super) fn next(&mut self, bytes: &[u8]) -> Option<(usize, Candidate)> {
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'{' | b'[' if opens(b, bytes.get(i + 1..)) => {
                    let candidate = if matches!(self.prev, b',' | b'[') || self.after_key() {
                        Candidate::Weak
                    } else {
                        Candidate::Strong {
                            line_start: self.line_start,
                        }
                    };
                    return Some((i, candidate));
                }
                b'\n' => self.line_start = true,
                b' ' | b'\t' | b'\r' => {}
                _ => {
                    self.line_start = false;
                    self.before = self.prev;
                    self.prev = b;
                }
            }
        }
        None
    }

    /// Whether the last bytes skipped were a key and its `:` (`"key":`), so that a value
    /// starting here is most likely that key's, but may be the next value after a cut right
    /// there (`"key":` then a record). A `:` after anything else is inside a string (`"arn:aws:`
    /// cut short), and a value after it is a value of its own.
    fn after_key(&self) -> bool {
        self.prev == b':' && matches!(self.before, b'"' | b' ')
    }
}

/// Whether `b` (`{` or `[`), followed by `rest`, can open a value worth parsing: `{` only when
/// a key or `}` follows; in a run of `[`, only the last (it may open an array of records).
/// Runs of either are junk, passed in one go.
fn opens(b: u8, rest: Option<&[u8]>) -> bool {
    let follows = rest.and_then(|rest| rest.iter().find(|n| !n.is_ascii_whitespace()));
    match (b, follows) {
        (b'{' | b'[', None) => true,
        (b'{', Some(n)) => matches!(n, b'"' | b'}'),
        (b'[', Some(n)) => *n != b'[',
        _ => false,
    }
}

/// A skip over one value, following its nesting and strings, carried from chunk to chunk.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Skip {
    started: bool,
    scalar: bool,
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl Skip {
    /// The offset just past the end of the value in `bytes`, or `None` when it goes on.
    pub(super) fn end(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if self.in_string {
                let rest = bytes.get(i..).unwrap_or_default();
                let end = string_end(rest, &mut self.escaped)?;
                i += end;
                self.in_string = false;
                if self.depth == 0 {
                    return Some(i);
                }
                continue;
            }
            let at = i;
            i += 1;
            if !self.started {
                if !b.is_ascii_whitespace() {
                    self.started = true;
                    match b {
                        b'{' | b'[' => self.depth = 1,
                        b'"' => self.in_string = true,
                        _ => self.scalar = true,
                    }
                }
                continue;
            }
            if self.scalar {
                if b.is_ascii_whitespace() || matches!(b, b'{' | b'[' | b'"') {
                    return Some(at);
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// What the valid part of a malformed value holds.
#[derive(Debug, Default)]
pub(super) struct Found {
    /// Whole elements (offset, length) of the arrays at the first two levels: the records of
    /// a top-level array or of a log file's `Records`.
    pub elements: Vec<(usize, usize)>,
    /// Whole objects deeper down that are array elements and look like records (a key
    /// `eventName`, `detail-type` or `insightDetails` of their own): the records after one cut
    /// inside an array, read as more elements of that array. Sorted by offset.
    pub absorbed: Vec<(usize, usize)>,
    /// The last string (offset of its opening quote, offset of its end) before the fault, when
    /// only whitespace follows it.
    pub last_string: Option<(usize, usize)>,
    /// The fault is inside a string (a line cut short inside one, mostly).
    pub in_string: bool,
    /// The outermost value still open at the fault that starts its own line and can open a
    /// value: where to resume when the fault is only depth (`[[[…` then an event on a line).
    pub reopen: Option<usize>,
}

/// A key of its own that makes an object a record, or an event holding one.
const RECORD_KEYS: [&[u8]; 3] = [b"eventName", b"detail-type", b"insightDetails"];

/// An array or object still open in [`elements`].
struct Open {
    at: usize,
    /// An element of a top-level array or of a log file's `Records`.
    element: bool,
    /// An object that is an element of an array deeper down.
    nested: bool,
    /// It has a key of [`RECORD_KEYS`].
    record: bool,
}

/// Walk `value[..fault]`, which serde_json read as valid JSON, for whole array elements.
pub(super) fn elements(value: &[u8], fault: usize) -> Found {
    let mut open: Vec<Open> = Vec::new();
    let mut found = Found::default();
    let (mut in_string, mut escaped, mut prev) = (false, false, b' ');
    let mut string_start = 0;
    let mut string_end = None;
    let mut last_closed = None;
    let mut line_start = false;
    let mut reopen_depth = 0;
    for (i, &b) in value.iter().enumerate().take(fault) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                prev = b;
                string_end = Some(i + 1);
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                string_start = i;
            }
            b'{' | b'[' => {
                // An element of a top-level array or of a log file's `Records`, or a value that
                // starts its own line (the next line of JSON Lines, after a line cut short).
                let in_array = matches!(prev, b'[' | b',');
                let element = (in_array && (1..=2).contains(&open.len()))
                    || (line_start && matches!(prev, b'[' | b',' | b':') && !open.is_empty());
                open.push(Open {
                    at: i,
                    element,
                    nested: in_array && !element && b == b'{',
                    record: false,
                });
                if line_start && found.reopen.is_none() && opens(b, value.get(i + 1..)) {
                    found.reopen = Some(i);
                    reopen_depth = open.len();
                }
            }
            b'}' | b']' => {
                if open.len() == reopen_depth {
                    found.reopen = None;
                    reopen_depth = 0;
                }
                if let Some(Open {
                    at,
                    element,
                    nested,
                    record,
                }) = open.pop()
                {
                    if element {
                        found.elements.push((at, i + 1 - at));
                    } else if nested && record {
                        found.absorbed.push((at, i + 1 - at));
                    }
                    if !open.is_empty() {
                        last_closed = Some((at, i + 1));
                    }
                }
            }
            b':' if prev == b'"' => {
                let key = string_end.and_then(|end| value.get(string_start + 1..end - 1));
                if let (Some(key), Some(top)) = (key, open.last_mut()) {
                    top.record |= RECORD_KEYS.contains(&key);
                }
            }
            _ => {}
        }
        if b == b'\n' {
            line_start = true;
        } else if !b.is_ascii_whitespace() {
            line_start = false;
            prev = b;
            if b != b'"' {
                string_end = None;
            }
        }
    }
    found.in_string = in_string;
    if in_string {
        found.last_string = Some((string_start, fault));
    } else if let Some(end) = string_end {
        found.last_string = Some((string_start, end));
    }
    // A value that ends right where the next one starts (or the input ends) was most likely
    // a value of its own that a cut made look nested: `{"key": {…}{…}`.
    if let Some((at, end)) = last_closed {
        let gap = value.get(end..fault).unwrap_or_default();
        let next = value.get(fault).copied();
        if gap.iter().all(u8::is_ascii_whitespace) && matches!(next, None | Some(b'{' | b'[')) {
            found.elements.push((at, end - at));
        }
    }
    // Outer elements first, so that an array of records is kept whole, not record by record.
    found
        .elements
        .sort_by_key(|&(at, len)| (at, usize::MAX - len));
    found.elements.dedup();
    found.absorbed.sort_unstable();
    found
}

impl Found {
    /// The spans to read records from, outermost first: the elements, and the innermost
    /// absorbed records, leaving out every span that holds an absorbed record (a record cut
    /// short, with its neighbours inside it).
    pub(super) fn spans(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let holds_absorbed = |&(at, len): &(usize, usize)| {
            let after = self.absorbed.partition_point(|&(a, _)| a <= at);
            self.absorbed
                .get(after)
                .is_some_and(|&(inner, _)| inner < at + len)
        };
        let mut spans: Vec<_> = self
            .elements
            .iter()
            .chain(&self.absorbed)
            .copied()
            .filter(|span| !holds_absorbed(span))
            .collect();
        spans.sort_by_key(|&(at, len)| (at, usize::MAX - len));
        spans.dedup();
        spans.into_iter()
    }
}

/// Where a value cut inside a string restarts, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Restart {
    /// The next value starts at this offset.
    At(usize),
    /// A value may start inside the string at this offset, but its end has not arrived yet.
    NeedMore(usize),
    None,
}

/// When a value was cut inside a string and the next value followed at once (`"ab{"event…`),
/// the offset of that next value: the first `{` in the string where an event parses.
pub(super) fn cut_restart(value: &[u8], last_string: Option<(usize, usize)>) -> Restart {
    let Some((open, end)) = last_string else {
        return Restart::None;
    };
    let inside = value.get(open + 1..end).unwrap_or_default();
    let origin = Origin {
        source: "".into(),
        position: super::Position::default(),
    };
    for at in (0..inside.len()).filter(|&i| inside.get(i) == Some(&b'{')) {
        let tail = value.get(open + 1 + at..).unwrap_or_default();
        let parsed = match serde_json::Deserializer::from_slice(tail)
            .into_iter::<Value>()
            .next()
        {
            Some(Ok(parsed)) => parsed,
            Some(Err(err)) if err.is_eof() => return Restart::NeedMore(open + 1 + at),
            _ => continue,
        };
        let mut events = 0;
        let mut failed = false;
        classify(parsed, &origin, &mut |item| match item {
            Ok(_) => events += 1,
            Err(_) => failed = true,
        });
        if events > 0 && !failed {
            return Restart::At(open + 1 + at);
        }
    }
    Restart::None
}

/// The byte offset of serde_json's error position (1-based line, 1-based column of the
/// offending byte; column 0 is the line break before the line).
pub(super) fn error_offset(value: &[u8], line: usize, column: usize) -> usize {
    let mut line_start = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, &b) in value.iter().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    line_start = i + 1;
                    break;
                }
            }
        }
    }
    (line_start + column).saturating_sub(1).min(value.len())
}
