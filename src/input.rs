//! Reading events from files, directories and stdin: the I/O edge in front of
//! [`crate::event::StreamParser`]. Gzip is detected by its magic bytes, not by name. A file
//! that cannot be read becomes an error record, never a silent gap.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::event::{Event, EventError, Origin, Position, StreamParser};

/// File names read when a directory is given.
const EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson", "gz"];
const CHUNK: usize = 256 * 1024;

/// Every file a list of paths names: files as given, directories walked in name order.
/// `-` stands for stdin.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    expand_with(paths, &|path| {
        path.extension()
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e == *x))
    })
}

/// Files as given, and in directories (walked recursively, in name order, skipping hidden
/// entries) the files `wanted` accepts. A directory that cannot be read is returned as is, so
/// that reading it reports the error.
pub fn expand_with(paths: &[PathBuf], wanted: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, wanted, &mut out);
        } else {
            out.push(path.clone());
        }
    }
    out
}

fn walk(dir: &Path, wanted: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(dir.to_owned());
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, wanted, out);
        } else if wanted(&path) {
            out.push(path);
        }
    }
}

/// Read one file (or `-`) and pass each event or error to `sink` as soon as it is parsed.
pub fn read_path(path: &Path, sink: &mut dyn FnMut(Result<Event, EventError>)) {
    let name: Arc<str> = Arc::from(path.display().to_string());
    if path == Path::new("-") {
        read_stream(std::io::stdin().lock(), name, sink);
        return;
    }
    match File::open(path) {
        Ok(file) => read_stream(BufReader::with_capacity(CHUNK, file), name, sink),
        Err(err) => sink(Err(io_error(&name, Position::default(), &err))),
    }
}

fn io_error(source: &Arc<str>, position: Position, err: &std::io::Error) -> EventError {
    EventError {
        origin: Origin {
            source: source.clone(),
            position,
        },
        message: format!("cannot read: {err}"),
        raw: None,
    }
}

/// Parse a reader, unwrapping gzip when the stream starts with its magic bytes.
pub fn read_stream(
    mut reader: impl Read,
    name: Arc<str>,
    sink: &mut dyn FnMut(Result<Event, EventError>),
) {
    let mut head = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match reader.read(head.get_mut(got..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => {
                sink(Err(io_error(&name, Position::default(), &err)));
                return;
            }
        }
    }
    let head = head.get(..got).unwrap_or_default();
    let chained = head.chain(reader);
    if head == [0x1f, 0x8b] {
        pump(MultiGzDecoder::new(chained), name, sink);
    } else {
        pump(chained, name, sink);
    }
}

fn pump(mut reader: impl Read, name: Arc<str>, sink: &mut dyn FnMut(Result<Event, EventError>)) {
    let mut parser = StreamParser::new(name.clone());
    let mut buf = vec![0u8; CHUNK];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => parser.push(buf.get(..n).unwrap_or_default(), sink),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => {
                // Emit what parsed so far, then the read error; the next file still runs.
                parser.finish(sink);
                sink(Err(io_error(&name, Position::default(), &err)));
                return;
            }
        }
    }
    parser.finish(sink);
}
