//! The dead-letter spool: a directory of files, one per dead letter, each written atomically
//! (to a temporary name, then renamed), so that `snapback redrive` never reads half a letter.
//! The spool stores and lists bytes; what a dead letter holds is the reactor's business
//! (`crate::reactor::DeadLetter`), which also implements its sink on the spool.

use std::path::{Path, PathBuf};

/// A directory of dead letters, one `*.jsonl` file each.
#[derive(Debug, Clone)]
pub struct SpoolDir {
    dir: PathBuf,
}

/// Why a letter could not be written to the spool.
#[derive(Debug, thiserror::Error)]
#[error("cannot write dead letter {}: {source}", path.display())]
pub struct SpoolError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
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

    /// Write one letter's bytes (a line of JSON) atomically, under a name that sorts by time
    /// and ends with `id`. Returns the file written.
    pub fn put(&self, id: &str, line: &[u8]) -> Result<PathBuf, SpoolError> {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let name = format!("{millis:013}-{id}.jsonl");
        let path = self.dir.join(&name);
        let tmp = self.dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, line)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|source| SpoolError {
                path: path.clone(),
                source,
            })?;
        Ok(path)
    }

    /// Every letter in the spool, oldest first, as text, or why a file could not be read. A
    /// spool that cannot be listed is an error, not an empty list.
    pub fn list(&self) -> std::io::Result<Vec<(PathBuf, Result<String, String>)>> {
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
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| format!("{}: cannot read: {e}", p.display()));
                (p, text)
            })
            .collect())
    }

    pub fn remove(&self, path: &Path) -> std::io::Result<()> {
        std::fs::remove_file(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_listed_oldest_first_and_temporary_files_are_not_letters() {
        let dir = std::env::temp_dir().join(format!("snapback-spool-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let spool = SpoolDir::new(&dir).unwrap_or_else(|e| unreachable!("{e}"));
        let first = spool
            .put("a", b"{\"n\":1}\n")
            .unwrap_or_else(|e| unreachable!("{e}"));
        std::thread::sleep(std::time::Duration::from_millis(2));
        spool
            .put("b", b"{\"n\":2}\n")
            .unwrap_or_else(|e| unreachable!("{e}"));
        let _ = std::fs::write(dir.join(".c.jsonl.tmp"), "half");
        let listed = spool.list().unwrap_or_default();
        let texts: Vec<String> = listed.iter().filter_map(|(_, t)| t.clone().ok()).collect();
        assert_eq!(texts, ["{\"n\":1}\n", "{\"n\":2}\n"]);
        assert!(spool.remove(&first).is_ok());
        assert_eq!(spool.list().map(|l| l.len()).unwrap_or(0), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
