//! The digest beside a log file, and what `verify` concludes from it. The chain shows that no
//! record was edited, removed or reordered; only the digest shows that none was cut from the
//! end. So the digest carries the stream, the record count and the last record's seq and
//! hash, and is itself sealed: with a key, by HMAC-SHA256 over that content, so that a cut tail
//! with a rewritten digest fails, and a missing digest fails too. Without a key the seal is
//! plain SHA-256, which anyone can recompute: it catches accidents, not an attacker, and a
//! missing digest can only be a warning.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::canonical;
use super::chain::{HMAC_PREFIX, SHA256_PREFIX, genesis, seal};

/// The `format` of the digests this version writes.
pub const FORMAT: &str = "snapback/decision-log-digest/v2";

/// Where the digest of a log is kept: beside it, with `.digest` appended.
pub fn digest_path(log: &Path) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(".digest");
    PathBuf::from(name)
}

/// The digest file, rewritten (atomically) after every append and when a stream starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogDigest {
    pub format: String,
    pub stream: String,
    /// How many records the log holds.
    pub records: u64,
    /// The last record's seq; none for a stream without records.
    pub seq: Option<u64>,
    /// The last record's hash; the stream's genesis hash for a stream without records.
    pub hash: String,
    pub updated_at: String,
    /// [`seal`] of [`LogDigest::content`]: `hmac-sha256:` under the log key, else `sha256:`.
    pub mac: String,
}

impl LogDigest {
    /// A sealed digest of a stream whose last record is `last` (seq and hash).
    pub fn new(stream: &str, last: Option<(u64, &str)>, at: String, key: Option<&[u8]>) -> Self {
        let mut digest = Self {
            format: FORMAT.to_owned(),
            stream: stream.to_owned(),
            records: last.map_or(0, |(seq, _)| seq.saturating_add(1)),
            seq: last.map(|(seq, _)| seq),
            hash: last.map_or_else(|| genesis(stream), |(_, hash)| hash.to_owned()),
            updated_at: at,
            mac: String::new(),
        };
        digest.mac = seal(&digest.content(), key);
        digest
    }

    /// The bytes the MAC covers: a JSON array of every other field, so that no two digests
    /// share them.
    pub fn content(&self) -> Vec<u8> {
        let fields = serde_json::json!([
            self.format,
            self.stream,
            self.records,
            self.seq,
            self.hash,
            self.updated_at
        ]);
        fields.to_string().into_bytes()
    }
}

/// The digest snapback 0.1 wrote: the last seq and hash, no record count and no MAC.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OldDigest {
    stream: String,
    seq: u64,
    hash: String,
    #[serde(rename = "updated_at")]
    _updated_at: String,
}

/// Write `digest` beside `log`: to a temporary file, then renamed over the old one.
pub fn write(log: &Path, digest: &LogDigest) -> std::io::Result<()> {
    let path = digest_path(log);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let text = serde_json::to_vec(digest).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, &path)
}

/// Whether `log` has no digest, or one of a stream without records: whether an empty log
/// may start a new stream without destroying the evidence that it once held records.
pub fn is_absent_or_empty(log: &Path) -> bool {
    match std::fs::read(digest_path(log)) {
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        Ok(bytes) => serde_json::from_slice::<LogDigest>(&bytes).is_ok_and(|d| d.records == 0),
    }
}

/// How a log ended, as `verify` walked it.
#[derive(Debug, Clone, Default)]
pub struct LogEnd {
    pub stream: Option<String>,
    pub records: u64,
    /// The last record's seq and hash.
    pub last: Option<(u64, String)>,
}

/// Why a digest does not vouch for its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Tampered(String),
    KeyRequired(String),
}

/// What the digest adds to a verdict besides a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remarks {
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

/// Check the digest beside `log` against the end of the log.
pub fn check(log: &Path, end: &LogEnd, key: Option<&[u8]>) -> Result<Remarks, Finding> {
    let file = digest_path(log);
    let name = file.display();
    let mut remarks = Remarks::default();
    let tampered = |what: String| Finding::Tampered(format!("digest `{name}` {what}"));
    let bytes = match std::fs::read(&file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if key.is_some() {
                return Err(tampered(
                    "is missing: under a key the digest is what proves that no record was cut \
                     from the end, so a log without it cannot be shown complete"
                        .to_owned(),
                ));
            }
            remarks.warnings.push(format!(
                "no digest `{name}`: a cut tail cannot be detected. This is only a warning \
                 without a key: anyone who can write the log can recompute a SHA-256 digest, \
                 so only a keyed digest proves a log complete"
            ));
            return Ok(remarks);
        }
        Err(e) => return Err(tampered(format!("cannot be read: {e}"))),
    };
    let text = String::from_utf8(bytes).map_err(|_| tampered("is not UTF-8".to_owned()))?;
    let value = canonical::parse(text.trim_end())
        .map_err(|e| tampered(format!("is not a digest: {}", canonical::describe(&e))))?;
    let digest = if value.get("format").is_some() {
        let digest = serde_json::from_value::<LogDigest>(value)
            .map_err(|e| tampered(format!("is not a digest: {e}")))?;
        check_seal(&digest, key).map_err(|f| match f {
            Finding::Tampered(what) => tampered(what),
            Finding::KeyRequired(what) => Finding::KeyRequired(format!("digest `{name}` {what}")),
        })?;
        digest
    } else {
        let old = serde_json::from_value::<OldDigest>(value)
            .map_err(|e| tampered(format!("is not a digest: {e}")))?;
        if key.is_some() {
            return Err(tampered(
                "is in the old format, without a record count or MAC, so it cannot prove the \
                 log complete under a key; the next record this version appends rewrites it"
                    .to_owned(),
            ));
        }
        remarks.warnings.push(format!(
            "digest `{name}` is in the old format (no record count, no MAC)"
        ));
        LogDigest {
            format: String::new(),
            records: old.seq.saturating_add(1),
            seq: Some(old.seq),
            stream: old.stream,
            hash: old.hash,
            updated_at: String::new(),
            mac: String::new(),
        }
    };
    compare(&digest, end, &mut remarks).map_err(|what| match what {
        Compared::Digest(what) => tampered(what),
        Compared::Log(what) => Finding::Tampered(what),
    })?;
    Ok(remarks)
}

/// Whether the digest's MAC is the one `key` gives its content, and the content hangs together.
fn check_seal(digest: &LogDigest, key: Option<&[u8]>) -> Result<(), Finding> {
    if digest.format != FORMAT {
        return Err(Finding::Tampered(format!(
            "has an unknown format `{}`",
            digest.format.escape_debug()
        )));
    }
    if key.is_none() && digest.mac.starts_with(HMAC_PREFIX) {
        return Err(Finding::KeyRequired(
            "is sealed with HMAC-SHA256: key required (set SNAPBACK_DECISION_LOG_KEY)".to_owned(),
        ));
    }
    if key.is_some() && digest.mac.starts_with(SHA256_PREFIX) {
        return Err(Finding::Tampered(
            "has no MAC under the key, only SHA-256: it was written without the key, or \
             rewritten by someone who lacks it"
                .to_owned(),
        ));
    }
    if seal(&digest.content(), key) != digest.mac {
        return Err(Finding::Tampered(
            "edited: its MAC does not match its content (rewritten, or sealed under another key)"
                .to_owned(),
        ));
    }
    let consistent = match digest.seq {
        Some(seq) => digest.records == seq.saturating_add(1),
        None => digest.records == 0 && digest.hash == genesis(&digest.stream),
    };
    if !consistent {
        return Err(Finding::Tampered(format!(
            "is inconsistent: {} record(s) but last seq {:?}",
            digest.records, digest.seq
        )));
    }
    Ok(())
}

enum Compared {
    /// A problem with the digest itself, said after its name.
    Digest(String),
    /// A problem with the log, said on its own.
    Log(String),
}

/// The log's end against what the digest recorded.
fn compare(digest: &LogDigest, end: &LogEnd, remarks: &mut Remarks) -> Result<(), Compared> {
    if let Some(stream) = &end.stream
        && *stream != digest.stream
    {
        return Err(Compared::Digest(format!(
            "belongs to another log stream (`{}`)",
            digest.stream.escape_debug()
        )));
    }
    let Some((seq, hash)) = &end.last else {
        return match digest.records {
            0 => Ok(()),
            n => Err(Compared::Log(format!(
                "truncated tail: the log is empty, its digest records {n} record(s)"
            ))),
        };
    };
    if digest.records > end.records {
        return Err(Compared::Log(format!(
            "truncated tail: the log ends at seq {seq}, its digest at seq {} ({} record(s) missing)",
            digest.seq.unwrap_or_default(),
            digest.records - end.records
        )));
    }
    if digest.records == end.records && *hash != digest.hash {
        return Err(Compared::Log(format!(
            "record seq {seq} differs from the one the digest recorded"
        )));
    }
    if digest.records < end.records {
        remarks.notes.push(format!(
            "the digest is behind the log ({} record(s) after its last): the writer stopped \
             between appending a record and rewriting the digest",
            end.records - digest.records
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_is_sealed_over_every_field() {
        let key = Some(b"k".as_slice());
        let digest = LogDigest::new("s", Some((4, "sha256:ab")), "t".into(), key);
        assert_eq!(digest.records, 5);
        assert!(check_seal(&digest, key).is_ok());
        let edits: [fn(&mut LogDigest); 5] = [
            |d| d.stream.push('x'),
            |d| d.records += 1,
            |d| d.seq = Some(5),
            |d| d.hash.push('0'),
            |d| d.updated_at.push('x'),
        ];
        for edit in edits {
            let mut edited = digest.clone();
            edit(&mut edited);
            assert!(check_seal(&edited, key).is_err(), "{edited:?}");
        }
        let other_key = Some(b"other".as_slice());
        assert!(check_seal(&digest, other_key).is_err());
        assert!(matches!(
            check_seal(&digest, None),
            Err(Finding::KeyRequired(_))
        ));
    }

    #[test]
    fn an_empty_stream_has_a_digest_of_zero_records() {
        let digest = LogDigest::new("s", None, "t".into(), None);
        assert_eq!((digest.records, digest.seq), (0, None));
        assert_eq!(digest.hash, genesis("s"));
        assert!(check_seal(&digest, None).is_ok());
        assert!(check_seal(&digest, Some(b"k")).is_err());
    }
}
