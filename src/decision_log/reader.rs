//! Reading decision logs back: plain or gzip files, or directories of them, as a stream of
//! lines, so that `audit`, `slo` and `verify` work on logs of any size in constant memory. A
//! malformed line is reported with its file and line and does not stop the read.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::DecisionRecord;

/// A line that could not be read as a decision record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", if *line == 0 { String::new() } else { format!(":{line}") })]
pub struct LineError {
    pub file: String,
    /// 1-based; 0 when the file itself could not be read.
    pub line: usize,
    pub message: String,
}

/// A record with its line's text, or why the line is not one.
pub type Line<'a> = Result<(&'a str, DecisionRecord), LineError>;

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

/// Call `each` with every non-blank line of a file, until it breaks: the line's 1-based number,
/// its text without the newline, and whether it ended with a newline (a last line without one
/// was cut short).
pub fn lines(
    path: &Path,
    each: &mut dyn FnMut(usize, &str, bool) -> ControlFlow<()>,
) -> Result<ControlFlow<()>, LineError> {
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
        let text = String::from_utf8_lossy(&buf);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            continue;
        }
        if each(number, text, complete).is_break() {
            return Ok(ControlFlow::Break(()));
        }
    }
}

/// Call `each` with every record in `paths` and its line's text, or the error for a line that
/// is not a record or a file that cannot be read, until it breaks.
pub fn records(paths: &[PathBuf], each: &mut dyn FnMut(Line<'_>) -> ControlFlow<()>) {
    for path in files(paths) {
        let file = path.display().to_string();
        let result = lines(
            &path,
            &mut |line, text, _| match serde_json::from_str::<DecisionRecord>(text) {
                Ok(record) => each(Ok((text, record))),
                Err(e) => each(Err(LineError {
                    file: file.clone(),
                    line,
                    message: format!("not a decision record: {e}"),
                })),
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
