//! Reading events from files, directories and stdin: the I/O edge in front of
//! [`crate::event::StreamParser`]. Gzip is detected by its magic bytes, not by name. A file
//! that cannot be read becomes an error record, never a silent gap.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::event::{DEFAULT_MAX_EVENT_BYTES, Event, EventError, Origin, Position, StreamParser};

/// File names read when a directory is given.
const EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson", "gz"];
const CHUNK: usize = 256 * 1024;

/// CloudTrail's log-file integrity digests, beside the logs in an archive: not events.
const DIGEST_DIR: &str = "CloudTrail-Digest";

/// The files a walk found, and what it skipped and why (for stderr: they are not events).
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub warnings: Vec<WalkWarning>,
}

/// An entry a walk did not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}`: {reason}: skipped", path.display())]
pub struct WalkWarning {
    pub path: PathBuf,
    pub reason: String,
}

/// Every file a list of paths names: files as given, directories walked in name order.
/// `-` stands for stdin.
pub fn expand(paths: &[PathBuf]) -> Walk {
    expand_with(paths, &|path| {
        path.extension()
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e == *x))
    })
}

/// Files as given, and in directories (walked recursively, in name order, skipping hidden
/// entries and `CloudTrail-Digest/`) the files `wanted` accepts. Symbolic links are followed,
/// but each real file and directory (by device and inode) is read once, so that a link cycle
/// ends; FIFOs, sockets and devices found in a directory are skipped with a warning, never
/// opened. A directory that cannot be read is returned as is, so that reading it reports the
/// error.
pub fn expand_with(paths: &[PathBuf], wanted: &dyn Fn(&Path) -> bool) -> Walk {
    let mut walk = Walk::default();
    let mut seen = HashSet::new();
    for path in paths {
        if path.is_dir() {
            walk_dir(path, wanted, &mut seen, &mut walk);
        } else {
            if let Ok(meta) = std::fs::metadata(path) {
                seen.insert((meta.dev(), meta.ino()));
            }
            walk.files.push(path.clone());
        }
    }
    walk
}

fn walk_dir(
    dir: &Path,
    wanted: &dyn Fn(&Path) -> bool,
    seen: &mut HashSet<(u64, u64)>,
    walk: &mut Walk,
) {
    if let Ok(meta) = std::fs::metadata(dir)
        && !seen.insert((meta.dev(), meta.ino()))
    {
        walk.warnings.push(WalkWarning {
            path: dir.to_owned(),
            reason: "directory already read (a symbolic link loop or a second link to it)"
                .to_owned(),
        });
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        walk.files.push(dir.to_owned());
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&path) else {
            // A dangling link or an entry gone since: reading it reports why.
            if wanted(&path) {
                walk.files.push(path);
            }
            continue;
        };
        let kind = meta.file_type();
        if kind.is_dir() {
            if name != DIGEST_DIR {
                walk_dir(&path, wanted, seen, walk);
            }
        } else if !kind.is_file() {
            if wanted(&path) {
                let what = if kind.is_fifo() {
                    "a FIFO"
                } else if kind.is_socket() {
                    "a socket"
                } else {
                    "a device"
                };
                walk.warnings.push(WalkWarning {
                    path,
                    reason: format!("{what}, not a regular file"),
                });
            }
        } else if wanted(&path) {
            if seen.insert((meta.dev(), meta.ino())) {
                walk.files.push(path);
            } else {
                walk.warnings.push(WalkWarning {
                    path,
                    reason: "file already read through another link".to_owned(),
                });
            }
        }
    }
}

/// Read one file (or `-`) and pass each event or error to `sink` as soon as it is parsed, with
/// the default size limit of one value ([`DEFAULT_MAX_EVENT_BYTES`]).
pub fn read_path(path: &Path, sink: &mut dyn FnMut(Result<Event, EventError>)) {
    read_path_limited(path, DEFAULT_MAX_EVENT_BYTES, sink);
}

/// [`read_path`] with a size limit of one top-level value, in bytes: a longer value is an
/// error record and is skipped without being held in memory.
pub fn read_path_limited(
    path: &Path,
    max_value: usize,
    sink: &mut dyn FnMut(Result<Event, EventError>),
) {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let parser = StreamParser::new(name.clone()).with_max_value(max_value);
    if path == Path::new("-") {
        read_stream_with(std::io::stdin().lock(), parser, sink);
        return;
    }
    match File::open(path) {
        Ok(file) => read_stream_with(BufReader::with_capacity(CHUNK, file), parser, sink),
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
    reader: impl Read,
    name: Arc<str>,
    sink: &mut dyn FnMut(Result<Event, EventError>),
) {
    read_stream_with(reader, StreamParser::new(name), sink);
}

/// [`read_stream`] into a parser set up by the caller.
pub fn read_stream_with(
    mut reader: impl Read,
    parser: StreamParser,
    sink: &mut dyn FnMut(Result<Event, EventError>),
) {
    let name = parser.source().clone();
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
        pump(MultiGzDecoder::new(chained), parser, sink);
    } else {
        pump(chained, parser, sink);
    }
}

fn pump(
    mut reader: impl Read,
    mut parser: StreamParser,
    sink: &mut dyn FnMut(Result<Event, EventError>),
) {
    let name = parser.source().clone();
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

    use super::*;

    const RECORD: &str = r#"{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com"}"#;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("snapback-input-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn events_in(walk: &Walk) -> usize {
        let mut n = 0;
        for path in &walk.files {
            read_path(path, &mut |r| n += usize::from(r.is_ok()));
        }
        n
    }

    /// Two symbolic links to their own directory made `check` and `scan` hang; one made each
    /// event come out about 40 times.
    #[test]
    fn symlink_loops_end_and_each_file_is_read_once() {
        for links in [1, 2] {
            let dir = scratch(&format!("loop{links}"));
            std::fs::write(dir.join("a.json"), RECORD).unwrap();
            for i in 0..links {
                std::os::unix::fs::symlink(&dir, dir.join(format!("self{i}"))).unwrap();
            }
            std::os::unix::fs::symlink(dir.join("a.json"), dir.join("b.json")).unwrap();
            let walk = expand(std::slice::from_ref(&dir));
            assert_eq!(walk.files, vec![dir.join("a.json")]);
            assert_eq!(events_in(&walk), 1);
            assert_eq!(walk.warnings.len(), links + 1, "{:?}", walk.warnings);
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    /// A FIFO named `*.json` in a directory blocked the walk's reader forever.
    #[test]
    fn a_fifo_in_a_directory_is_skipped_with_a_warning_not_opened() {
        let dir = scratch("fifo");
        std::fs::write(dir.join("a.json"), RECORD).unwrap();
        let fifo = dir.join("pipe.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let walk = expand(std::slice::from_ref(&dir));
        assert_eq!(walk.files, vec![dir.join("a.json")]);
        let [warning] = walk.warnings.as_slice() else {
            panic!("{:?}", walk.warnings)
        };
        assert!(
            warning
                .to_string()
                .contains("a FIFO, not a regular file: skipped"),
            "{warning}"
        );
        assert_eq!(events_in(&walk), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Every archive with log-file validation on exited 1, with one error per digest file.
    #[test]
    fn cloudtrail_digest_directories_are_not_read() {
        let dir = scratch("digest");
        let logs = dir.join("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01");
        let digests = dir.join("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/01");
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::create_dir_all(&digests).unwrap();
        std::fs::write(logs.join("log.json"), format!("{{\"Records\":[{RECORD}]}}")).unwrap();
        std::fs::write(
            digests.join("digest.json"),
            r#"{"awsAccountId":"111122223333"}"#,
        )
        .unwrap();
        let walk = expand(std::slice::from_ref(&dir));
        assert_eq!(walk.files, vec![logs.join("log.json")]);
        assert!(walk.warnings.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A file that cannot be opened was reported at a bogus `:0:0`.
    #[test]
    fn a_read_error_names_the_file_without_a_position() {
        let missing = scratch("missing").join("gone.json");
        let mut errors = Vec::new();
        read_path(&missing, &mut |r| errors.extend(r.err()));
        let [error] = errors.as_slice() else {
            panic!("{errors:?}")
        };
        let text = error.to_string();
        assert!(
            text.starts_with(&format!("{}: cannot read", missing.display())),
            "{text}"
        );
        assert!(!text.contains(":0:0"), "{text}");
    }
}
