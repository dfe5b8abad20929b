//! Where a policy pack's files come from: a directory on disk, or the `policies/` built into
//! the binary, read the same way.

use std::path::{Path, PathBuf};

use super::LoadError;

/// Where a pack's files are: a directory on disk, or the pack built into the binary.
#[derive(Debug, Clone, Copy)]
pub(super) enum Files<'a> {
    Dir(&'a Path),
    Embedded(&'static [(&'static str, &'static str)]),
}

#[expect(
    clippy::result_large_err,
    reason = "a cold path whose errors are collected for display"
)]
impl Files<'_> {
    /// The directory the pack's files are named under.
    pub(super) fn dir(&self) -> PathBuf {
        match self {
            Self::Dir(dir) => dir.to_path_buf(),
            Self::Embedded(_) => PathBuf::from(super::EMBEDDED_DIR),
        }
    }

    /// Every `*.cedar` file, sorted.
    pub(super) fn policies(&self) -> Result<Vec<PathBuf>, LoadError> {
        let mut files: Vec<PathBuf> = match self {
            Self::Dir(dir) => std::fs::read_dir(dir)
                .map_err(|source| LoadError::Io {
                    path: dir.to_path_buf(),
                    source,
                })?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect(),
            Self::Embedded(files) => files
                .iter()
                .map(|(name, _)| self.dir().join(name))
                .collect(),
        };
        files.retain(|p| p.extension().is_some_and(|e| e == "cedar"));
        files.sort();
        Ok(files)
    }

    pub(super) fn exists(&self, path: &Path) -> bool {
        match self {
            Self::Dir(_) => path.exists(),
            Self::Embedded(_) => self.embedded(path).is_some(),
        }
    }

    pub(super) fn read(&self, path: &Path) -> Result<String, LoadError> {
        match self {
            Self::Dir(_) => std::fs::read_to_string(path).map_err(|source| LoadError::Io {
                path: path.to_owned(),
                source,
            }),
            Self::Embedded(_) => {
                self.embedded(path)
                    .map(str::to_owned)
                    .ok_or_else(|| LoadError::Io {
                        path: path.to_owned(),
                        source: std::io::ErrorKind::NotFound.into(),
                    })
            }
        }
    }

    fn embedded(&self, path: &Path) -> Option<&'static str> {
        let Self::Embedded(files) = self else {
            return None;
        };
        let name = path.file_name()?;
        files
            .iter()
            .find(|(n, _)| std::ffi::OsStr::new(n) == name)
            .map(|(_, src)| *src)
    }
}
