//! Which `requestParameters` fields and attribute names some policy reads, so that the model
//! flattens and converts only those. The policy index computes it; the model and the engine
//! take it as a plain value, which is why it lives here, below both.

use std::collections::BTreeSet;

/// Names that some policy can read: `requestParameters` fields as flattened tag paths (a
/// slot's `fields`), or attribute names (a slot's `attrs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fields {
    /// Every name (a policy reads tags with a computed key, uses `context` as a whole value,
    /// or no pruning is wanted).
    All,
    /// Only these names.
    Only(BTreeSet<String>),
}

impl Fields {
    pub fn none() -> Self {
        Self::Only(BTreeSet::new())
    }

    /// Add `other`'s names to these.
    pub fn merge(&mut self, other: &Fields) {
        match (&mut *self, other) {
            (Self::All, _) => {}
            (_, Self::All) => *self = Self::All,
            (Self::Only(mine), Self::Only(theirs)) => mine.extend(theirs.iter().cloned()),
        }
    }

    /// Whether a field at `path` (or something below it) is wanted.
    pub fn wants(&self, path: &str) -> bool {
        match self {
            Self::All => true,
            Self::Only(keys) => keys.iter().any(|k| {
                k.strip_prefix(path)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            }),
        }
    }

    /// Whether `path` itself is wanted as a tag.
    pub fn keeps(&self, path: &str) -> bool {
        match self {
            Self::All => true,
            Self::Only(keys) => keys.contains(path),
        }
    }
}
