//! Policies: a directory of `*.cedar` files, one policy each, strictly validated against
//! `snapback.cedarschema`, with snapback's annotations read and checked. The result is a
//! [`PolicyPack`]: the Cedar policy set the engine evaluates plus each policy's metadata.

mod annotations;
mod diagnostic;
mod files;
mod index;
mod load;
mod scoped;

use std::collections::HashMap;
use std::path::PathBuf;

pub use annotations::{ANNOTATIONS, Meta, Mode, Severity};
pub use diagnostic::{LoadError, render};
pub use index::{Fields, PolicyIndex, Scope, Slot};
pub use load::{load, load_embedded, load_revalidated};

/// The files of `policies/` as they were when this binary was built (see build.rs).
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));

/// The directory name diagnostics give for the embedded pack.
pub const EMBEDDED_DIR: &str = "(built-in)/policies";

/// The file names snapback reads in a policy directory besides `*.cedar`.
pub const SCHEMA_FILE: &str = "snapback.cedarschema";
pub const ENTITIES_FILE: &str = "entities.json";

/// A validated policy set with its metadata.
#[derive(Debug)]
pub struct PolicyPack {
    /// The policies that are evaluated (every policy whose `@mode` is not `off`), by the
    /// actions and principal types they can match.
    pub(crate) index: PolicyIndex,
    /// Every policy, sorted by id.
    pub policies: Vec<Meta>,
    by_id: HashMap<String, usize>,
    schema: LazySchema,
    /// Configured account entities (tags for exceptions), by account id.
    pub(crate) accounts: HashMap<String, cedar_policy::Entity>,
    /// The organization `entities.json` declares: which accounts a change may give access to.
    pub org: crate::model::Org,
    /// SHA-256 over the schema, every policy file and the entities file, in name order.
    pub hash: String,
    pub dir: PathBuf,
    /// The schema and policies are the ones this binary was built with, and the build's
    /// strict validation of them stood in for running it again (see [`load`]).
    pub validated_at_build: bool,
}

impl PolicyPack {
    pub fn meta(&self, id: &str) -> Option<&Meta> {
        self.by_id.get(id).and_then(|&i| self.policies.get(i))
    }

    /// The active policies indexed by action and principal type.
    pub fn index(&self) -> &PolicyIndex {
        &self.index
    }

    /// The pack's schema. Deciding never needs it, so a pack the build validated parses it
    /// only when asked; the error is Cedar's, for a schema that no longer parses (which the
    /// build's check rules out).
    pub fn schema(&self) -> Result<&cedar_policy::Schema, &SchemaError> {
        self.schema.get()
    }
}

/// A pack's schema that no longer parses (Cedar's message; the error type is not `Clone`, and
/// the parse result is kept for every later caller).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{SCHEMA_FILE}: {0}")]
pub struct SchemaError(pub String);

/// A schema's text, and the schema once parsed.
#[derive(Debug)]
struct LazySchema {
    src: String,
    parsed: std::sync::OnceLock<Result<cedar_policy::Schema, SchemaError>>,
}

impl LazySchema {
    fn parsed(src: String, schema: cedar_policy::Schema) -> Self {
        Self {
            src,
            parsed: std::sync::OnceLock::from(Ok(schema)),
        }
    }

    fn unparsed(src: String) -> Self {
        Self {
            src,
            parsed: std::sync::OnceLock::new(),
        }
    }

    fn get(&self) -> Result<&cedar_policy::Schema, &SchemaError> {
        self.parsed
            .get_or_init(|| {
                cedar_policy::Schema::from_cedarschema_str(&self.src)
                    .map(|(schema, _warnings)| schema)
                    .map_err(|e| SchemaError(e.to_string()))
            })
            .as_ref()
    }
}
