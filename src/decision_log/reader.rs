//! Reading decision logs back: plain or gzip files, or directories of them, as a stream of
//! lines, so that `audit`, `slo` and `verify` work on logs of any size in constant memory. A
//! line that is not a record (not UTF-8, not JSON, a key given twice, a field of the wrong
//! type, an unknown decision, a `decided_at` that is not a time) is handed to the caller as an
//! error with its file and line, never dropped and never mended, and does not stop the read.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::{DecisionRecord, canonical};

/// A line that could not be read as a decision record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", if *line == 0 { String::new() } else { format!(":{line}") })]
pub struct LineError {
    pub file: String,
    /// 1-based; 0 when the file itself could not be read.
    pub line: usize,
    pub message: String,
}

/// A record read from a log, with where it was read and its line's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a> {
    pub file: &'a str,
    /// 1-based.
    pub line: usize,
    pub text: &'a str,
    pub record: DecisionRecord,
}

/// A record, or why a line is not one.
pub type Line<'a> = Result<Found<'a>, LineError>;

/// Every log file a list of paths names: files as given, directories walked in name order
/// for `*.jsonl`, `*.json`, `*.log` and their `.gz` forms.
pub fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let walk = crate::input::expand_with(paths, &|path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = name.strip_suffix(".gz").unwrap_or(&name);
        [".jsonl", ".json", ".log"]
            .iter()
            .any(|ext| base.ends_with(ext))
    });
    for warning in &walk.warnings {
        tracing::warn!("{warning}");
    }
    walk.files
}

/// Open a file, unwrapping gzip when it starts with the gzip magic bytes.
pub fn open(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let mut file = BufReader::new(File::open(path)?);
    let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::new(MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    })
}

/// What [`lines`] calls with each line: its 1-based number, its bytes without the newline
/// (exactly as stored: not trimmed, not decoded), and whether it ended with a newline (a last
/// line without one was cut short).
pub type EachLine<'f> = dyn FnMut(usize, &[u8], bool) -> ControlFlow<()> + 'f;

/// Call `each` with every line of a file, until it breaks.
pub fn lines(path: &Path, each: &mut EachLine<'_>) -> Result<ControlFlow<()>, LineError> {
    let file = path.display().to_string();
    let fail = |line, err: std::io::Error| LineError {
        file: file.clone(),
        line,
        message: format!("cannot read: {err}"),
    };
    let mut reader = open(path).map_err(|e| fail(0, e))?;
    let mut buf = Vec::new();
    let mut number = 0;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| fail(number + 1, e))?;
        if n == 0 {
            return Ok(ControlFlow::Continue(()));
        }
        number += 1;
        let complete = buf.last() == Some(&b'\n');
        let bytes = buf.strip_suffix(b"\n").unwrap_or(&buf);
        if each(number, bytes, complete).is_break() {
            return Ok(ControlFlow::Break(()));
        }
    }
}

/// One line as a record, or why it is not one; `None` for a blank line. A line that ends in
/// `\r` is read without it.
fn record<'a>(file: &'a str, line: usize, bytes: &'a [u8]) -> Option<Line<'a>> {
    let error = |message: String| LineError {
        file: file.to_owned(),
        line,
        message: format!("not a decision record: {message}"),
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.strip_suffix('\r').unwrap_or(text),
        Err(e) => return Some(Err(error(format!("not UTF-8 (byte {})", e.valid_up_to())))),
    };
    if text.trim().is_empty() {
        return None;
    }
    Some(match canonical::record(text) {
        Ok(record) => Ok(Found {
            file,
            line,
            text,
            record,
        }),
        Err(err) => Err(error(err.to_string())),
    })
}

/// Call `each` with every record in `paths`, or the error for a line that is not a record or a
/// file that cannot be read, until it breaks. Blank lines are the only lines passed over.
pub fn records(paths: &[PathBuf], each: &mut dyn FnMut(Line<'_>) -> ControlFlow<()>) {
    for path in files(paths) {
        let file = path.display().to_string();
        let result = lines(
            &path,
            &mut |line, bytes, _| match record(&file, line, bytes) {
                Some(item) => each(item),
                None => ControlFlow::Continue(()),
            },
        );
        match result {
            Ok(ControlFlow::Break(())) => return,
            Ok(ControlFlow::Continue(())) => {}
            Err(err) => {
                if each(Err(err)).is_break() {
                    return;
                }
            }
        }
    }
}

/// Read all of a reader into a string (used for small sidecar files).
pub fn read_small(path: &Path) -> std::io::Result<String> {
    let mut text = String::new();
    File::open(path)?.read_to_string(&mut text)?;
    Ok(text)
}
