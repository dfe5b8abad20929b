//! Finding and reading an archive's files: the walk that collects digests and log files, a
//! digest read whole (at most [`MAX_DIGEST`]), and a log file hashed as a stream, each
//! gunzipped when it is gzip.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::Report;

/// The most read of one digest file: they are kilobytes. Log files are hashed as a stream.
const MAX_DIGEST: u64 = 64 << 20;

/// The fields of a CloudTrail digest file this check uses.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DigestFile {
    pub(super) digest_end_time: String,
    pub(super) digest_s3_object: String,
    pub(super) previous_digest_s3_object: Option<String>,
    pub(super) previous_digest_hash_value: Option<String>,
    pub(super) log_files: Vec<LogFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LogFile {
    pub(super) s3_object: String,
    pub(super) hash_value: String,
    pub(super) hash_algorithm: String,
}

/// A digest read from disk.
pub(super) struct Loaded {
    pub(super) path: PathBuf,
    /// Where `AWSLogs` is: the archive's S3 keys resolve under it.
    pub(super) base: PathBuf,
    pub(super) sha256: String,
    pub(super) file: DigestFile,
}

/// The directory holding the `AWSLogs` a path is under.
fn base_of(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "AWSLogs"))
        .and_then(Path::parent)
        .map(Path::to_path_buf)
}

fn under(path: &Path, dir: &str) -> bool {
    path.components().any(|c| c.as_os_str() == dir)
}

fn is_json(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".json.gz") || name.ends_with(".json")
}

/// Collect digest files and CloudTrail log files, without following symlinks; what cannot be
/// read is a problem.
pub(super) fn walk(
    path: &Path,
    digests: &mut Vec<PathBuf>,
    logs: &mut BTreeSet<PathBuf>,
    report: &mut Report,
) {
    if let Err(e) = visit(path, digests, logs, report) {
        report
            .problems
            .push(format!("cannot read `{}`: {e}", path.display()));
    }
}

/// [`walk`] at one path: its own read errors are returned, its children's reported.
fn visit(
    path: &Path,
    digests: &mut Vec<PathBuf>,
    logs: &mut BTreeSet<PathBuf>,
    report: &mut Report,
) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.is_dir() {
        let mut children: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        children.sort();
        for child in children {
            walk(&child, digests, logs, report);
        }
    } else if meta.is_file() && is_json(path) {
        if under(path, "CloudTrail-Digest") {
            digests.push(path.to_path_buf());
        } else if under(path, "CloudTrail") {
            logs.insert(path.to_path_buf());
        }
    }
    Ok(())
}

pub(super) fn read_digest(path: &Path, report: &mut Report) -> Option<Loaded> {
    let mut fail = |what: String| {
        report
            .problems
            .push(format!("digest `{}` {what}", path.display()));
        None
    };
    let Some(base) = base_of(path) else {
        return fail("is not under an `AWSLogs` directory".to_owned());
    };
    let bytes = match contents(path) {
        Ok(bytes) => bytes,
        Err(e) => return fail(format!("cannot be read: {e}")),
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(_) => return fail("is not UTF-8".to_owned()),
    };
    let parsed = crate::decision_log::canonical::parse(text)
        .map_err(|e| e.to_string())
        .and_then(|v| serde_json::from_value::<DigestFile>(v).map_err(|e| e.to_string()));
    match parsed {
        Ok(file) => Some(Loaded {
            path: path.to_path_buf(),
            base,
            sha256,
            file,
        }),
        Err(e) => fail(format!("is not a CloudTrail digest: {e}")),
    }
}

/// A file, gunzipped when it starts with the gzip magic.
fn open(path: &Path) -> std::io::Result<Box<dyn Read>> {
    let mut file = BufReader::new(File::open(path)?);
    let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    })
}

/// A digest file's bytes, uncompressed, at most [`MAX_DIGEST`].
pub(super) fn contents(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(path)?.take(MAX_DIGEST + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_DIGEST {
        return Err(std::io::Error::other("larger than 64 MiB uncompressed"));
    }
    Ok(bytes)
}

/// SHA-256 of a file's uncompressed contents, as CloudTrail computes it, in hex; streamed.
pub(super) fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut reader = open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok(hex(&hasher.finalize()));
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
