//! `audit verify` as a function: walk a log file line by line, checking that each line is a
//! canonical record (no key given twice, byte for byte the writer's compact JSON), that the
//! records chain from the stream's genesis without a gap, and that the digest vouches for the
//! end; then say whether the log is intact, tampered with, or cannot be checked without the key.

use std::ops::ControlFlow;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::canonical;
use super::chain::{HMAC_PREFIX, SHA256_PREFIX, genesis, hash_value};
use super::digest::{self, Finding, LogEnd};
use super::reader;

/// What `verify` concluded about one log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Intact,
    Tampered,
    /// The log is keyed (HMAC-SHA256) and no key was given: nothing could be checked.
    KeyRequired,
}

/// What `verify` found in one log file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub file: String,
    pub status: Status,
    /// The records checked before the first problem (all of them when intact).
    pub records: u64,
    /// None when the log is intact; else the first problem, or why the key is required.
    pub problem: Option<String>,
    /// What does not fail the log but weakens what it proves, such as a missing digest
    /// without a key.
    pub warnings: Vec<String>,
    /// Other remarks, such as a digest one record behind its log.
    pub notes: Vec<String>,
}

/// Verify one log file's lines, its chain and its digest.
pub fn verify(path: &Path, key: Option<&[u8]>) -> Verdict {
    let mut walk = Walk {
        key,
        end: LogEnd::default(),
        finding: None,
        missing: None,
    };
    let result = reader::lines(path, &mut |line, bytes, complete| {
        walk.line(line, bytes, complete)
    });
    let mut verdict = Verdict {
        file: path.display().to_string(),
        status: Status::Intact,
        records: walk.end.records,
        problem: None,
        warnings: Vec::new(),
        notes: Vec::new(),
    };
    let finding = match result {
        Err(err) => Some(Finding::Tampered(err.to_string())),
        Ok(_) if walk.finding.is_some() => walk.finding,
        Ok(_) => match digest::check(path, &walk.end, key) {
            Ok(remarks) => {
                verdict.warnings = remarks.warnings;
                verdict.notes = remarks.notes;
                None
            }
            Err(finding) => Some(finding),
        },
    };
    match finding {
        None if key.is_none() => verdict.notes.push(
            "verified without a key: the chain and digest are plain SHA-256, which anyone who \
             can write the files can recompute, so this shows the log is consistent, not that \
             it was not rewritten"
                .to_owned(),
        ),
        None => {}
        Some(Finding::Tampered(problem)) => {
            verdict.status = Status::Tampered;
            verdict.problem = Some(problem);
        }
        Some(Finding::KeyRequired(problem)) => {
            verdict.status = Status::KeyRequired;
            verdict.problem = Some(problem);
        }
    }
    verdict
}

/// The state of a walk through one log file.
struct Walk<'k> {
    key: Option<&'k [u8]>,
    /// The stream, the records checked so far and the last one's seq and hash.
    end: LogEnd,
    /// The first problem found.
    finding: Option<Finding>,
    /// The first gap: seq `from..to` missing where line `at` skipped ahead.
    missing: Option<(u64, u64, usize)>,
}

impl Walk<'_> {
    fn line(&mut self, line: usize, bytes: &[u8], complete: bool) -> ControlFlow<()> {
        match &self.finding {
            None => {}
            Some(Finding::KeyRequired(_)) => return ControlFlow::Break(()),
            Some(Finding::Tampered(_)) => {
                self.out_of_order(line, bytes);
                return ControlFlow::Continue(());
            }
        }
        if let Err(finding) = self.check(line, bytes, complete) {
            let key_required = matches!(finding, Finding::KeyRequired(_));
            self.finding = Some(finding);
            if key_required {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    /// After a gap, whether a missing record turns up later: then records were reordered.
    fn out_of_order(&mut self, line: usize, bytes: &[u8]) {
        let Some((from, to, at)) = self.missing else {
            return;
        };
        let seq = std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .and_then(|v| v.get("seq")?.as_u64());
        if let Some(seq) = seq
            && (from..to).contains(&seq)
        {
            self.finding = Some(Finding::Tampered(format!(
                "records are out of order: seq {seq} appears at line {line}, after line {at} skipped ahead to seq {to}"
            )));
            self.missing = None;
        }
    }

    /// One line: a canonical record that chains to the one before it.
    fn check(&mut self, line: usize, bytes: &[u8], complete: bool) -> Result<(), Finding> {
        let fail = |what: String| Finding::Tampered(format!("line {line}: {what}"));
        if !complete {
            return Err(fail(
                "truncated tail: the last record is cut short".to_owned(),
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            fail(format!(
                "record edited: not UTF-8 (byte {})",
                e.valid_up_to()
            ))
        })?;
        if text.trim().is_empty() {
            return Err(fail(
                "a blank line, which the writer never writes".to_owned(),
            ));
        }
        let value = canonical::parse(text)
            .map_err(|e| fail(format!("record edited: {}", canonical::describe(&e))))?;
        if !canonical::is_canonical(text, &value) {
            return Err(fail(
                "record not in canonical form: its bytes are not the compact JSON the writer \
                 produces (reformatted, re-escaped or re-encoded)"
                    .to_owned(),
            ));
        }
        let get = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
        let (Some(stream), Some(seq), Some(stored), Some(prev)) = (
            get("stream"),
            value.get("seq").and_then(Value::as_u64),
            get("hash"),
            get("prev_hash"),
        ) else {
            return Err(fail(
                "record edited: its chain fields (stream, seq, prev_hash, hash) are missing"
                    .to_owned(),
            ));
        };
        match self.key {
            None if stored.starts_with(HMAC_PREFIX) => {
                return Err(Finding::KeyRequired(format!(
                    "line {line}: record seq {seq} is hashed with HMAC-SHA256: key required \
                     (set SNAPBACK_DECISION_LOG_KEY to the log's key)"
                )));
            }
            Some(_) if stored.starts_with(SHA256_PREFIX) => {
                return Err(fail(format!(
                    "record seq {seq} edited: it has a plain SHA-256 hash though a key was \
                     given (written without the key, or rewritten by someone who lacks it)"
                )));
            }
            _ => {}
        }
        let stream_id = self.end.stream.get_or_insert_with(|| stream.clone());
        if stream != *stream_id {
            return Err(fail(format!(
                "record from another log stream (`{}`) spliced in",
                stream.escape_debug()
            )));
        }
        let expected = self.end.records;
        if seq > expected {
            self.missing = Some((expected, seq, line));
            return Err(fail(format!(
                "record(s) removed: expected seq {expected}, found seq {seq} ({} missing)",
                seq - expected
            )));
        }
        if seq < expected {
            return Err(fail(format!(
                "records reordered or duplicated: seq {seq} after seq {}",
                expected.saturating_sub(1)
            )));
        }
        if hash_value(&value, self.key) != stored {
            return Err(fail(format!(
                "record seq {seq} edited: its hash does not match its content"
            )));
        }
        let expected_prev = match &self.end.last {
            None => genesis(stream_id),
            Some((_, hash)) => hash.clone(),
        };
        if prev != expected_prev {
            return Err(fail(format!(
                "record seq {seq} does not chain to the record before it: that record was edited or replaced"
            )));
        }
        canonical::record_from(value)
            .map_err(|e| fail(format!("record seq {seq} is not a decision record: {e}")))?;
        self.end.last = Some((seq, stored));
        self.end.records += 1;
        Ok(())
    }
}
