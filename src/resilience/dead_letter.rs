//! Dead letters: an event that could not be decided or remediated is never dropped. It goes to
//! a sink with the reason, the attempt count, the plans and the original event, so that
//! `snapback redrive` can replay it. Locally the sink is a spool directory of JSON Lines files,
//! one per event, written atomically; the Lambda's SQS sink implements the same trait.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::remediation::Plan;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub decision_id: String,
    pub event_id: Option<String>,
    pub reason: String,
    pub attempts: u32,
    pub failed_at: String,
    /// Where the event was read.
    pub source: String,
    /// The reverts that did not happen.
    pub plans: Vec<Plan>,
    /// The original event, as it arrived (an EventBridge event or a bare record).
    pub event: serde_json::Value,
}

pub trait DeadLetterSink: Send + Sync {
    fn put(&self, letter: &DeadLetter) -> Result<(), String>;
}

/// A directory of dead letters, one `*.jsonl` file each.
#[derive(Debug, Clone)]
pub struct SpoolDir {
    dir: PathBuf,
}

impl SpoolDir {
    pub fn new(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self {
            dir: dir.to_owned(),
        })
    }

    /// A spool that must already exist: what `redrive` reads. A missing or unreadable
    /// directory is an error, never an empty spool (a typo in the path would otherwise
    /// "replay" nothing and exit 0).
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        if !std::fs::metadata(dir)?.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(Self {
            dir: dir.to_owned(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every dead letter in the spool, oldest first, or why a file could not be read. A spool
    /// that cannot be listed is an error, not an empty list.
    pub fn list(&self) -> std::io::Result<Vec<(PathBuf, Result<DeadLetter, String>)>> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "jsonl") {
                files.push(path);
            }
        }
        files.sort();
        Ok(files
            .into_iter()
            .map(|p| {
                let letter = std::fs::read_to_string(&p)
                    .map_err(|e| format!("{}: cannot read: {e}", p.display()))
                    .and_then(|t| {
                        serde_json::from_str(t.trim())
                            .map_err(|e| format!("{}: not a dead letter: {e}", p.display()))
                    });
                (p, letter)
            })
            .collect())
    }

    pub fn remove(&self, path: &Path) -> std::io::Result<()> {
        std::fs::remove_file(path)
    }
}

impl DeadLetterSink for SpoolDir {
    fn put(&self, letter: &DeadLetter) -> Result<(), String> {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let name = format!("{millis:013}-{}.jsonl", letter.decision_id);
        let path = self.dir.join(&name);
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let mut line = serde_json::to_vec(letter).map_err(|e| e.to_string())?;
        line.push(b'\n');
        std::fs::write(&tmp, line)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| format!("cannot write dead letter {}: {e}", path.display()))
    }
}
