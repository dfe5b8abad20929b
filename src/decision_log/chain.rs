//! Tamper evidence, in the spirit of CloudTrail log-file integrity validation: each record in
//! a log stream carries its sequence number, the previous record's hash and its own hash over
//! its canonical JSON, and a digest file beside the log holds the last sequence number and
//! hash, so that a cut tail is seen too. With a key, hashes are HMAC-SHA256, so that someone
//! who can write the log but lacks the key cannot recompute the chain.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::DecisionRecord;
use super::reader;

/// Where the digest of a log is kept: beside it, with `.digest` appended.
pub fn digest_path(log: &Path) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(".digest");
    PathBuf::from(name)
}

/// The digest file: the stream's last record, rewritten after every append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogDigest {
    pub stream: String,
    pub seq: u64,
    pub hash: String,
    pub updated_at: String,
}

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
    let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
    match key.and_then(|k| Hmac::<Sha256>::new_from_slice(k).ok()) {
        Some(mut mac) => {
            mac.update(&bytes);
            format!("hmac-sha256:{}", hex(&mac.finalize().into_bytes()))
        }
        None => format!("sha256:{}", hex(&Sha256::digest(&bytes))),
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
                let stream = uuid::Uuid::new_v4().to_string();
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

    /// Chain `record` (setting its stream, seq, prev_hash and hash), append it, update the digest.
    pub fn append(&mut self, record: &mut DecisionRecord) -> Result<(), LogError> {
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
        let digest = LogDigest {
            stream: self.stream.clone(),
            seq: self.next_seq,
            hash: hash.clone(),
            updated_at: super::recorder::timestamp(std::time::SystemTime::now()),
        };
        write_digest(&self.path, &digest).map_err(io)?;
        self.next_seq += 1;
        self.last_hash = hash;
        Ok(())
    }
}

fn write_digest(log: &Path, digest: &LogDigest) -> std::io::Result<()> {
    let path = digest_path(log);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(
        &tmp,
        serde_json::to_vec(digest).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(&tmp, &path)
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

/// What `verify` found in one log file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub file: String,
    pub records: u64,
    /// None when the log is intact.
    pub problem: Option<String>,
    /// Notes that do not make the log fail, such as a missing digest.
    pub notes: Vec<String>,
}

/// Verify one log file's chain and its digest.
pub fn verify(path: &Path, key: Option<&[u8]>) -> Verdict {
    let file = path.display().to_string();
    let mut verdict = Verdict {
        file: file.clone(),
        records: 0,
        problem: None,
        notes: Vec::new(),
    };
    let mut stream: Option<String> = None;
    let mut expected_seq = 0u64;
    let mut prev_hash = String::new();
    let mut missing: Option<(u64, u64, usize)> = None; // first gap: from..to, at line
    let mut last: Option<(u64, String)> = None;
    let result = reader::lines(path, &mut |line, text, complete| {
        if verdict.problem.is_some() {
            if let Some((from, to, at)) = missing
                && let Some(seq) = serde_json::from_str::<Value>(text)
                    .ok()
                    .and_then(|v| v.get("seq")?.as_u64())
                && (from..to).contains(&seq)
            {
                verdict.problem = Some(format!(
                    "records are out of order: seq {seq} appears at line {line}, after line {at} skipped ahead to seq {to}"
                ));
                missing = None;
            }
            return ControlFlow::Continue(());
        }
        let fail = |what: String| Some(format!("line {line}: {what}"));
        if !complete {
            verdict.problem = fail("truncated tail: the last record is cut short".to_owned());
            return ControlFlow::Continue(());
        }
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            verdict.problem = fail("record edited: not valid JSON".to_owned());
            return ControlFlow::Continue(());
        };
        let get = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
        let (Some(this_stream), Some(seq), Some(stored), Some(prev)) = (
            get("stream"),
            value.get("seq").and_then(Value::as_u64),
            get("hash"),
            get("prev_hash"),
        ) else {
            verdict.problem = fail(
                "record edited: its chain fields (stream, seq, prev_hash, hash) are missing"
                    .to_owned(),
            );
            return ControlFlow::Continue(());
        };
        let stream_id = stream.get_or_insert_with(|| this_stream.clone()).clone();
        if this_stream != stream_id {
            verdict.problem = fail(format!(
                "record from another log stream (`{this_stream}`) spliced in"
            ));
            return ControlFlow::Continue(());
        }
        if seq > expected_seq {
            verdict.problem = fail(format!(
                "record(s) removed: expected seq {expected_seq}, found seq {seq} ({} missing)",
                seq - expected_seq
            ));
            missing = Some((expected_seq, seq, line));
            return ControlFlow::Continue(());
        }
        if seq < expected_seq {
            verdict.problem = fail(format!(
                "records reordered or duplicated: seq {seq} after seq {}",
                expected_seq.saturating_sub(1)
            ));
            return ControlFlow::Continue(());
        }
        if hash_value(&value, key) != stored {
            verdict.problem = fail(format!(
                "record seq {seq} edited: its hash does not match its content"
            ));
            return ControlFlow::Continue(());
        }
        let expected_prev = if seq == 0 {
            genesis(&stream_id)
        } else {
            prev_hash.clone()
        };
        if prev != expected_prev {
            verdict.problem = fail(format!(
                "record seq {seq} does not chain to the record before it: that record was edited or replaced"
            ));
            return ControlFlow::Continue(());
        }
        prev_hash = stored.clone();
        last = Some((seq, stored));
        expected_seq += 1;
        verdict.records += 1;
        ControlFlow::Continue(())
    });
    if let Err(err) = result {
        verdict.problem = Some(err.to_string());
        return verdict;
    }
    if verdict.problem.is_some() {
        return verdict;
    }
    let digest_file = digest_path(path);
    match reader::read_small(&digest_file)
        .ok()
        .map(|t| serde_json::from_str::<LogDigest>(&t))
    {
        None => verdict.notes.push(format!(
            "no digest file `{}`: a cut tail cannot be detected",
            digest_file.display()
        )),
        Some(Err(e)) => {
            verdict.problem = Some(format!(
                "digest `{}` unreadable: {e}",
                digest_file.display()
            ))
        }
        Some(Ok(digest)) => match &last {
            None => {
                verdict.problem = Some(format!(
                    "truncated tail: the log is empty, the digest ends at seq {}",
                    digest.seq
                ))
            }
            Some((seq, hash)) if *seq < digest.seq => {
                verdict.problem = Some(format!(
                    "truncated tail: the log ends at seq {seq}, its digest at seq {} ({} record(s) missing)",
                    digest.seq,
                    digest.seq - seq
                ));
            }
            Some((seq, hash)) if *seq == digest.seq && *hash != digest.hash => {
                verdict.problem = Some(format!(
                    "record seq {seq} differs from the one the digest recorded"
                ));
            }
            Some((seq, _)) if *seq > digest.seq => verdict.notes.push(format!(
                "the digest is behind the log (seq {} < {seq}): it was not updated",
                digest.seq
            )),
            Some(_) => {}
        },
    }
    verdict
}
