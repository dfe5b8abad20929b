//! `scan --verify-digests`: CloudTrail's own log-file integrity validation, offline, so that an
//! auditor can show the history a scan read was complete and unchanged. With validation on,
//! CloudTrail writes an hourly digest file under `AWSLogs/<acct>/CloudTrail-Digest/` listing
//! the SHA-256 of every log file it delivered that hour, and the SHA-256 and signature of the
//! previous digest. Here every listed log file must be present with that hash, and every
//! digest's predecessor must be present with the hash its successor recorded, so that a log
//! file edited or deleted, or a digest edited or deleted anywhere but at the newest end, fails.
//!
//! Left out: the RSA signatures (SHA256withRSA). The newest digest's signature lives only in
//! its S3 object metadata, which a downloaded archive does not keep, and checking the others
//! would make `ring` a direct dependency and need signed fixtures. So the newest digest of
//! each chain is vouched for by nothing here, and the report says where each chain ends.

mod files;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use files::{Loaded, read_digest, sha256_of, walk};

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub digests: usize,
    pub log_files: usize,
    /// Each is a reason the archive is not shown complete and unchanged.
    pub problems: Vec<String>,
    /// What weakens the proof without failing it.
    pub warnings: Vec<String>,
}

impl Report {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// The report as lines for stderr: problems as errors, then warnings, then the summary.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .problems
            .iter()
            .map(|p| format!("error: {p}"))
            .collect();
        out.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        let verdict = if self.intact() {
            "intact"
        } else {
            "NOT intact"
        };
        out.push(format!(
            "digests: {} digest file(s), {} log file(s) checked: {verdict}",
            self.digests, self.log_files
        ));
        out
    }

    /// Print [`Report::lines`] to stderr and say whether the archive is intact.
    pub fn print(&self) -> bool {
        for line in self.lines() {
            eprintln!("{line}");
        }
        self.intact()
    }
}

/// Check the digests found under `roots` (directories are walked without following symlinks).
pub fn verify(roots: &[PathBuf]) -> Report {
    let mut report = Report::default();
    let (mut digest_paths, mut log_paths) = (Vec::new(), BTreeSet::new());
    for root in roots {
        walk(root, &mut digest_paths, &mut log_paths, &mut report);
    }
    let mut digests: BTreeMap<String, Loaded> = BTreeMap::new();
    for path in digest_paths {
        let Some(digest) = read_digest(&path, &mut report) else {
            continue;
        };
        let Some(key) = awslogs_key(&digest.file.digest_s3_object).map(str::to_owned) else {
            report.problems.push(format!(
                "digest `{}` names itself `{}`, which is not under `AWSLogs/`",
                path.display(),
                digest.file.digest_s3_object
            ));
            continue;
        };
        if digest.base.join(&key) != path {
            report.problems.push(format!(
                "digest `{}` says it is `{key}`: it was moved or copied",
                path.display()
            ));
        }
        if let Some(other) = digests.insert(key.clone(), digest) {
            report.problems.push(format!(
                "two digest files say they are `{key}` (one is `{}`)",
                other.path.display()
            ));
        }
    }
    report.digests = digests.len();
    if digests.is_empty() {
        report.problems.push(
            "no CloudTrail digest files under the paths given: log-file validation is off, or \
             `CloudTrail-Digest/` was not downloaded"
                .to_owned(),
        );
    }
    let mut covered = BTreeSet::new();
    let mut followed = BTreeSet::new();
    for (key, digest) in &digests {
        check_log_files(key, digest, &mut covered, &mut report);
        if let Some(previous) = &digest.file.previous_digest_s3_object {
            followed.insert(awslogs_key(previous).unwrap_or(previous).to_owned());
            check_previous(key, digest, previous, &digests, &mut report);
        }
    }
    for (key, digest) in &digests {
        if !followed.contains(key) {
            report.warnings.push(format!(
                "digest `{key}` is the newest of its chain (ends {}): without its signature \
                 nothing vouches for it, and nothing after it is covered",
                digest.file.digest_end_time
            ));
        }
    }
    for log in log_paths.difference(&covered) {
        report.warnings.push(format!(
            "log file `{}` is in no digest: delivered after the newest digest, or not CloudTrail's",
            log.display()
        ));
    }
    report
}

/// Every log file a digest lists must be there with the hash it recorded.
fn check_log_files(
    key: &str,
    digest: &Loaded,
    covered: &mut BTreeSet<PathBuf>,
    report: &mut Report,
) {
    for log in &digest.file.log_files {
        report.log_files += 1;
        let Some(log_key) = awslogs_key(&log.s3_object) else {
            report.problems.push(format!(
                "digest `{key}` lists `{}`, which is not under `AWSLogs/`",
                log.s3_object
            ));
            continue;
        };
        let path = digest.base.join(log_key);
        covered.insert(path.clone());
        if log.hash_algorithm != "SHA-256" {
            report.problems.push(format!(
                "digest `{key}` hashes `{log_key}` with `{}`, which this check does not know",
                log.hash_algorithm
            ));
            continue;
        }
        match sha256_of(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => report.problems.push(format!(
                "log file `{log_key}` listed in digest `{key}` is missing: history was deleted"
            )),
            Err(e) => report
                .problems
                .push(format!("cannot read log file `{}`: {e}", path.display())),
            Ok(hash) if !hash.eq_ignore_ascii_case(&log.hash_value) => {
                report.problems.push(format!(
                    "log file `{log_key}` was modified: its SHA-256 is not the one digest `{key}` recorded"
                ));
            }
            Ok(_) => {}
        }
    }
}

/// A digest's predecessor must be there with the hash the digest recorded.
fn check_previous(
    key: &str,
    digest: &Loaded,
    previous: &str,
    digests: &BTreeMap<String, Loaded>,
    report: &mut Report,
) {
    let found = awslogs_key(previous).and_then(|k| digests.get(k));
    match (found, &digest.file.previous_digest_hash_value) {
        (None, _) => report.problems.push(format!(
            "digest `{key}` follows `{previous}`, which is missing: a gap in the chain"
        )),
        (Some(prev), Some(hash)) if !prev.sha256.eq_ignore_ascii_case(hash) => {
            report.problems.push(format!(
                "digest `{previous}` was modified: its SHA-256 is not the one `{key}` recorded"
            ));
        }
        (Some(_), Some(_)) => {}
        (Some(_), None) => report.problems.push(format!(
            "digest `{key}` names a previous digest without its hash"
        )),
    }
}

/// The part of an S3 key from `AWSLogs/` on (keys may have a prefix before it).
fn awslogs_key(s3_object: &str) -> Option<&str> {
    if s3_object.starts_with("AWSLogs/") {
        return Some(s3_object);
    }
    s3_object
        .find("/AWSLogs/")
        .and_then(|i| s3_object.get(i + 1..))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use std::path::Path;

    use sha2::{Digest, Sha256};

    use super::files::{contents, hex};
    use super::*;

    const LOGS: &str = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/28";
    const DIGESTS: &str = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/28";

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    fn put(base: &Path, key: &str, bytes: &[u8]) {
        let path = base.join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, gzip(bytes)).unwrap();
    }

    /// An archive of two hours: two log files, two chained digests (the second names its
    /// objects with an S3 prefix, as a trail with one does).
    fn archive(name: &str) -> PathBuf {
        let base =
            std::env::temp_dir().join(format!("snapback-ct-digest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let logs = [
            (
                format!("{LOGS}/a_CloudTrail_us-east-1_20261128T0010Z_a.json.gz"),
                r#"{"Records":[{"eventName":"A"}]}"#,
            ),
            (
                format!("{LOGS}/a_CloudTrail_us-east-1_20261128T0110Z_b.json.gz"),
                r#"{"Records":[{"eventName":"B"}]}"#,
            ),
        ];
        for (key, body) in &logs {
            put(&base, key, body.as_bytes());
        }
        let listed = |i: usize, prefix: &str| {
            serde_json::json!([{ "s3Bucket": "b", "s3Object": format!("{prefix}{}", logs[i].0),
                "hashValue": hex(&Sha256::digest(logs[i].1.as_bytes())), "hashAlgorithm": "SHA-256" }])
        };
        let first_key =
            format!("{DIGESTS}/d_CloudTrail-Digest_us-east-1_t_us-east-1_20261128T010000Z.json.gz");
        let first = serde_json::json!({
            "awsAccountId": "111122223333", "digestEndTime": "2026-11-28T01:00:00Z",
            "digestS3Bucket": "b", "digestS3Object": first_key, "previousDigestS3Object": null,
            "previousDigestHashValue": null, "previousDigestSignature": null, "logFiles": listed(0, "")
        })
        .to_string();
        put(&base, &first_key, first.as_bytes());
        let second_key =
            format!("{DIGESTS}/d_CloudTrail-Digest_us-east-1_t_us-east-1_20261128T020000Z.json.gz");
        let second = serde_json::json!({
            "awsAccountId": "111122223333", "digestEndTime": "2026-11-28T02:00:00Z",
            "digestS3Bucket": "b", "digestS3Object": format!("trail-prefix/{second_key}"),
            "previousDigestS3Object": format!("trail-prefix/{first_key}"),
            "previousDigestHashValue": hex(&Sha256::digest(first.as_bytes())),
            "previousDigestSignature": "00", "logFiles": listed(1, "trail-prefix/")
        })
        .to_string();
        put(&base, &second_key, second.as_bytes());
        base
    }

    fn problems(base: &Path) -> String {
        verify(&[base.to_path_buf()]).problems.join("\n")
    }

    #[test]
    fn an_untouched_archive_is_intact_and_names_where_its_chain_ends() {
        let base = archive("intact");
        let report = verify(std::slice::from_ref(&base));
        assert!(report.intact(), "{:?}", report.problems);
        assert_eq!((report.digests, report.log_files), (2, 2));
        let warnings = report.warnings.join("\n");
        assert!(
            warnings.contains("newest of its chain (ends 2026-11-28T02:00:00Z)"),
            "{warnings}"
        );
        assert!(!warnings.contains("in no digest"), "{warnings}");
    }

    #[test]
    fn an_edited_log_file_is_caught() {
        let base = archive("edited-log");
        put(
            &base,
            &format!("{LOGS}/a_CloudTrail_us-east-1_20261128T0010Z_a.json.gz"),
            b"{\"Records\":[]}",
        );
        let p = problems(&base);
        assert!(p.contains("20261128T0010Z_a.json.gz` was modified"), "{p}");
    }

    #[test]
    fn a_deleted_log_file_is_caught() {
        let base = archive("deleted-log");
        std::fs::remove_file(base.join(format!(
            "{LOGS}/a_CloudTrail_us-east-1_20261128T0110Z_b.json.gz"
        )))
        .unwrap();
        let p = problems(&base);
        assert!(
            p.contains("20261128T0110Z_b.json.gz` listed in digest") && p.contains("missing"),
            "{p}"
        );
    }

    #[test]
    fn an_edited_or_deleted_digest_breaks_the_chain() {
        let base = archive("edited-digest");
        let first = base.join(format!(
            "{DIGESTS}/d_CloudTrail-Digest_us-east-1_t_us-east-1_20261128T010000Z.json.gz"
        ));
        let text = String::from_utf8(contents(&first).unwrap()).unwrap();
        std::fs::write(
            &first,
            gzip(
                text.replace("\"logFiles\":[{", "\"logFiles\":[],\"x\":[{")
                    .as_bytes(),
            ),
        )
        .unwrap();
        let p = problems(&base);
        assert!(p.contains("T010000Z.json.gz` was modified"), "{p}");
        std::fs::remove_file(&first).unwrap();
        let p = problems(&base);
        assert!(p.contains("which is missing: a gap in the chain"), "{p}");
    }

    #[test]
    fn no_digest_at_all_is_a_failure_and_a_log_outside_every_digest_a_warning() {
        let base = archive("no-digest");
        put(
            &base,
            &format!("{LOGS}/a_CloudTrail_us-east-1_20261128T0210Z_c.json.gz"),
            b"{}",
        );
        let report = verify(std::slice::from_ref(&base));
        assert!(
            report
                .warnings
                .join("\n")
                .contains("_c.json.gz` is in no digest")
        );
        std::fs::remove_dir_all(base.join("AWSLogs/111122223333/CloudTrail-Digest")).unwrap();
        assert!(problems(&base).contains("no CloudTrail digest files"));
    }
}
