//! Tamper evidence, in the spirit of CloudTrail log-file integrity validation: each record in
//! a log stream carries its sequence number, the previous record's hash and its own hash over
//! its canonical JSON, and a digest file beside the log (see [`super::digest`]) holds the
//! record count and the last hash, so that a cut tail is seen too. With a key, hashes and the
//! digest's seal are HMAC-SHA256, so that someone who can write the log but lacks the key can
//! neither recompute the chain nor rewrite the digest. Checking all this is [`super::verify()`].

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::DecisionRecord;
use super::digest::{self, LogDigest};

pub use super::digest::digest_path;

/// How a keyed hash or seal starts.
pub const HMAC_PREFIX: &str = "hmac-sha256:";
/// How an unkeyed hash or seal starts.
pub const SHA256_PREFIX: &str = "sha256:";

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LogError {
    #[error("cannot write decision log `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("decision log `{path}` ends with an incomplete or unreadable record")]
    #[diagnostic(help(
        "run `snapback audit verify {path}`, keep the file as evidence, and log to a new file"
    ))]
    BrokenTail { path: String },
    #[error("decision log `{path}` is empty but its digest says it held records")]
    #[diagnostic(help(
        "the log was cut: run `snapback audit verify {path}`, keep the file and its digest as \
         evidence, and log to a new file"
    ))]
    Emptied { path: String },
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash a stream starts from.
pub fn genesis(stream: &str) -> String {
    format!(
        "sha256:{}",
        hex(&Sha256::digest(
            format!("snapback/decision-log/v1\0{stream}").as_bytes()
        ))
    )
}

/// A record's hash over its canonical JSON (the record without its `hash` field).
pub fn hash_value(record: &Value, key: Option<&[u8]>) -> String {
    let mut canonical = record.clone();
    if let Value::Object(map) = &mut canonical {
        map.shift_remove("hash");
    }
    seal(&serde_json::to_vec(&canonical).unwrap_or_default(), key)
}

/// HMAC-SHA256 of `bytes` under `key`, or plain SHA-256 without one, with its prefix.
pub fn seal(bytes: &[u8], key: Option<&[u8]>) -> String {
    match key.map(Hmac::<Sha256>::new_from_slice) {
        Some(Ok(mut mac)) => {
            mac.update(bytes);
            format!("{HMAC_PREFIX}{}", hex(&mac.finalize().into_bytes()))
        }
        // HMAC takes keys of any length, so this does not happen; were it to, nothing sealed
        // with the key would verify, rather than falling back to an unkeyed hash.
        Some(Err(_)) => format!("{HMAC_PREFIX}unusable-key"),
        None => format!("{SHA256_PREFIX}{}", hex(&Sha256::digest(bytes))),
    }
}

/// Appends records to one log stream, chaining them.
#[derive(Debug)]
pub struct LogWriter {
    path: PathBuf,
    file: File,
    stream: String,
    next_seq: u64,
    last_hash: String,
    key: Option<Vec<u8>>,
}

impl LogWriter {
    /// Open `path` for appending, continuing its chain, or start a new stream.
    pub fn open(path: &Path, key: Option<&[u8]>) -> Result<Self, LogError> {
        let io = |source| LogError::Io {
            path: path.to_owned(),
            source,
        };
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let (stream, next_seq, last_hash) = match last_line(&mut file).map_err(io)? {
            None => {
                // A new stream gets a digest of zero records at once, so that under a key even
                // an empty log can be shown complete; but an emptied log is not started over.
                if !digest::is_absent_or_empty(path) {
                    return Err(LogError::Emptied {
                        path: path.display().to_string(),
                    });
                }
                let stream = uuid::Uuid::new_v4().to_string();
                let empty = LogDigest::new(&stream, None, now(), key);
                digest::write(path, &empty).map_err(io)?;
                let start = genesis(&stream);
                (stream, 0, start)
            }
            Some(line) => {
                let last: Value =
                    serde_json::from_str(&line).map_err(|_| LogError::BrokenTail {
                        path: path.display().to_string(),
                    })?;
                let field = |k: &str| last.get(k).cloned();
                match (
                    field("stream"),
                    field("seq").and_then(|s| s.as_u64()),
                    field("hash"),
                ) {
                    (Some(Value::String(stream)), Some(seq), Some(Value::String(hash))) => {
                        (stream, seq + 1, hash)
                    }
                    _ => {
                        return Err(LogError::BrokenTail {
                            path: path.display().to_string(),
                        });
                    }
                }
            }
        };
        Ok(Self {
            path: path.to_owned(),
            file,
            stream,
            next_seq,
            last_hash,
            key: key.map(<[u8]>::to_vec),
        })
    }

    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// Chain `record` (setting its stream, seq, prev_hash and hash), append it, update the
    /// digest. Returns the line written, without its newline.
    pub fn append(&mut self, record: &mut DecisionRecord) -> Result<Vec<u8>, LogError> {
        let io = |source| LogError::Io {
            path: self.path.clone(),
            source,
        };
        record.stream = Some(self.stream.clone());
        record.seq = Some(self.next_seq);
        record.prev_hash = Some(self.last_hash.clone());
        record.hash = None;
        let value = serde_json::to_value(&*record).map_err(|e| io(std::io::Error::other(e)))?;
        let hash = hash_value(&value, self.key.as_deref());
        record.hash = Some(hash.clone());
        let mut line = serde_json::to_vec(&*record).map_err(|e| io(std::io::Error::other(e)))?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(io)?;
        self.file.flush().map_err(io)?;
        let last = Some((self.next_seq, hash.as_str()));
        let digest = LogDigest::new(&self.stream, last, now(), self.key.as_deref());
        digest::write(&self.path, &digest).map_err(io)?;
        self.next_seq += 1;
        self.last_hash = hash;
        line.pop();
        Ok(line)
    }
}

fn now() -> String {
    super::recorder::timestamp(std::time::SystemTime::now())
}

/// The last line of a file, read from the end; `None` for an empty file. A last line without
/// its newline is returned as a broken line so that appending refuses to extend it.
fn last_line(file: &mut File) -> std::io::Result<Option<String>> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(None);
    }
    let mut tail = Vec::new();
    let mut pos = len;
    loop {
        let step = pos.min(64 * 1024);
        pos -= step;
        file.seek(SeekFrom::Start(pos))?;
        let mut chunk = vec![0; usize::try_from(step).unwrap_or(0)];
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        let body = tail.strip_suffix(b"\n").unwrap_or(&tail);
        if !tail.ends_with(b"\n") {
            return Ok(Some(String::new()));
        }
        if let Some(i) = body.iter().rposition(|b| *b == b'\n') {
            return Ok(Some(
                String::from_utf8_lossy(body.get(i + 1..).unwrap_or_default()).into_owned(),
            ));
        }
        if pos == 0 {
            return Ok(Some(String::from_utf8_lossy(body).into_owned()));
        }
    }
}
