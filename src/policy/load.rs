//! Reading a policy directory from disk and validating it as a whole. Every problem found is
//! reported, not only the first, each with its file and span.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use cedar_policy::{Entities, PolicyId, PolicySet, Schema, ValidationMode, Validator};
use miette::NamedSource;
use sha2::{Digest, Sha256};

use super::annotations::{self, Meta, Mode};
use super::files::Files;
use super::{ENTITIES_FILE, LazySchema, LoadError, PolicyPack, SCHEMA_FILE};
use crate::model::org::{Org, TRUSTED_TAG};

/// Load, parse, annotate and strictly validate every policy in `dir`.
///
/// A pack whose schema and policy files are byte for byte the ones this binary was built with
/// is not run through Cedar's validator again when the build already did (build.rs): same
/// input, same Cedar, same answer. Returns every error found, so that `snapback validate` can
/// show them all at once.
///
/// `remediations` are the names `@remediation` may use: the caller's registry (the crate root's
/// [`load_policies`](crate::load_policies) passes snapback's own), so that policies sit below
/// the remediations in the module layering.
pub fn load(dir: &Path, remediations: &[&str]) -> Result<PolicyPack, Vec<LoadError>> {
    load_files(Files::Dir(dir), Reuse::BuildValidation, remediations)
}

/// [`load`], always running Cedar's validator (what `snapback validate` does).
pub fn load_revalidated(dir: &Path, remediations: &[&str]) -> Result<PolicyPack, Vec<LoadError>> {
    load_files(Files::Dir(dir), Reuse::Nothing, remediations)
}

/// The pack this binary was built with (`policies/` at build time), checked like any other.
pub fn load_embedded(remediations: &[&str]) -> Result<PolicyPack, Vec<LoadError>> {
    load_files(
        Files::Embedded(super::EMBEDDED),
        Reuse::BuildValidation,
        remediations,
    )
}

/// Whether a build's validation of the same files may stand in for validating them again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reuse {
    BuildValidation,
    Nothing,
}

/// A pack's files, read but not parsed, and the pack's hash.
struct Texts {
    schema_path: PathBuf,
    schema: String,
    /// Every `*.cedar` file, in name order.
    policies: Vec<(PathBuf, Result<String, LoadError>)>,
    entities: Option<(PathBuf, Result<String, LoadError>)>,
    /// `sha256:` over the schema, every policy file and the entities file, in name order.
    hash: String,
}

impl Texts {
    fn read(source: Files<'_>) -> Result<Self, Vec<LoadError>> {
        let dir = source.dir();
        let files = source.policies().map_err(|e| vec![e])?;
        if files.is_empty() {
            return Err(vec![LoadError::Empty { dir }]);
        }
        let schema_path = dir.join(SCHEMA_FILE);
        if !source.exists(&schema_path) {
            return Err(vec![LoadError::NoSchema { dir }]);
        }
        let schema = source.read(&schema_path).map_err(|e| vec![e])?;
        let mut hasher = Sha256::new();
        hash_file(&mut hasher, SCHEMA_FILE.as_bytes(), &schema);
        let policies: Vec<_> = files
            .into_iter()
            .map(|file| {
                let src = source.read(&file);
                if let Ok(src) = &src {
                    let name = file.file_name().map(|n| n.as_encoded_bytes());
                    hash_file(&mut hasher, name.unwrap_or_default(), src);
                }
                (file, src)
            })
            .collect();
        let entities_path = dir.join(ENTITIES_FILE);
        let entities = source.exists(&entities_path).then(|| {
            let src = source.read(&entities_path);
            if let Ok(src) = &src {
                hasher.update(ENTITIES_FILE.as_bytes());
                hasher.update([0]);
                hasher.update(src.as_bytes());
            }
            (entities_path, src)
        });
        let mut hash = String::with_capacity(71);
        hash.push_str("sha256:");
        for byte in hasher.finalize() {
            let _ = write!(hash, "{byte:02x}");
        }
        Ok(Self {
            schema_path,
            schema,
            policies,
            entities,
            hash,
        })
    }

    fn all_read(&self) -> bool {
        self.policies.iter().all(|(_, src)| src.is_ok())
            && self.entities.as_ref().is_none_or(|(_, src)| src.is_ok())
    }
}

/// `name NUL text NUL`: one file's part of a pack's hash.
fn hash_file(hasher: &mut Sha256, name: &[u8], src: &str) {
    hasher.update(name);
    hasher.update([0]);
    hasher.update(src.as_bytes());
    hasher.update([0]);
}

/// The embedded pack's hash, if the build validated it (see build.rs): a pack with the same
/// hash is the same files, so the build's validation stands for it.
fn embedded_validated() -> Option<&'static str> {
    static HASH: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        (env!("SNAPBACK_EMBEDDED_VALIDATED") == "yes")
            .then(|| Texts::read(Files::Embedded(super::EMBEDDED)).ok())
            .flatten()
            .filter(Texts::all_read)
            .map(|texts| texts.hash)
    })
    .as_deref()
}

#[expect(
    clippy::result_large_err,
    reason = "a cold path whose errors are collected for display"
)]
fn load_files(
    source: Files<'_>,
    reuse: Reuse,
    remediations: &[&str],
) -> Result<PolicyPack, Vec<LoadError>> {
    let Texts {
        schema_path,
        schema: schema_src,
        policies,
        entities,
        hash,
    } = Texts::read(source)?;
    let validated_at_build = reuse == Reuse::BuildValidation
        && embedded_validated() == Some(hash.as_str())
        && policies.iter().all(|(_, src)| src.is_ok());
    let pack = |read: Read, schema: LazySchema, (accounts, org), validated_at_build| {
        let Read {
            mut metas, index, ..
        } = read;
        metas.sort_by(|a, b| a.id.cmp(&b.id));
        let by_id = metas
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        PolicyPack {
            index,
            policies: metas,
            by_id,
            schema,
            accounts,
            org,
            hash: hash.clone(),
            dir: source.dir(),
            validated_at_build,
        }
    };

    if validated_at_build {
        // The files the build validated: read the policies and accounts, and leave the schema
        // unparsed until something asks for it (deciding never does).
        let read = read_policies(policies, remediations);
        if read.errors.is_empty() {
            let mut errors = Vec::new();
            let accounts = load_entities(entities, None, &mut errors);
            if errors.is_empty() {
                return Ok(pack(read, LazySchema::unparsed(schema_src), accounts, true));
            }
        }
        // snapback's own checks failed: load it the long way, to report every problem.
        return load_files(source, Reuse::Nothing, remediations);
    }

    // The schema is parsed on a second core while this one reads the policies: the two take
    // about as long.
    let (schema, read) = std::thread::scope(|scope| {
        let schema = scope.spawn(|| {
            Schema::from_cedarschema_str(&schema_src)
                .map(|(schema, _warnings)| schema)
                .map_err(|err| LoadError::cedar(err, &schema_path, &schema_src))
        });
        let read = read_policies(policies, remediations);
        let schema = schema.join().unwrap_or_else(|_| {
            Err(LoadError::Io {
                path: schema_path.clone(),
                source: std::io::Error::other("the schema parser panicked"),
            })
        });
        (schema, read)
    });
    let schema = schema.map_err(|err| vec![err])?;
    let mut errors = Vec::new();
    let validation = Validator::new(schema.clone()).validate(&read.all, ValidationMode::Strict);
    for err in validation.validation_errors() {
        match read.sources.get(err.policy_id().to_string().as_str()) {
            Some((file, src)) => errors.push(LoadError::cedar(err.clone(), file, src)),
            None => errors.push(LoadError::Cedar(Box::new(err.clone()))),
        }
    }
    let accounts = load_entities(entities, Some(&schema), &mut errors);
    let mut read = read;
    read.errors.append(&mut errors);
    if !read.errors.is_empty() {
        return Err(read.errors);
    }
    Ok(pack(
        read,
        LazySchema::parsed(schema_src, schema),
        accounts,
        false,
    ))
}

/// The policies of a pack, parsed and annotated, before validation.
struct Read {
    all: PolicySet,
    metas: Vec<Meta>,
    sources: HashMap<String, (PathBuf, String)>,
    errors: Vec<LoadError>,
    /// The active set, indexed.
    index: super::PolicyIndex,
}

fn read_policies(files: Vec<(PathBuf, Result<String, LoadError>)>, remediations: &[&str]) -> Read {
    let mut errors = Vec::new();
    let mut all = PolicySet::new();
    let mut metas: Vec<Meta> = Vec::new();
    let mut sources: HashMap<String, (PathBuf, String)> = HashMap::new();
    for (file, src) in files {
        let file = &file;
        let src = match src {
            Ok(src) => src,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let parsed = match PolicySet::from_str(&src) {
            Ok(set) => set,
            Err(err) => {
                errors.push(LoadError::cedar(err, file, &src));
                continue;
            }
        };
        if parsed.templates().next().is_some() {
            errors.push(LoadError::Template {
                file: file.clone(),
                src: NamedSource::new(file.display().to_string(), src),
            });
            continue;
        }
        let policies: Vec<_> = parsed.policies().collect();
        let [policy] = policies.as_slice() else {
            errors.push(LoadError::NotOne {
                file: file.clone(),
                count: policies.len(),
            });
            continue;
        };
        if policy.effect() == cedar_policy::Effect::Permit {
            // The `permit` keyword itself, not the word inside an annotation.
            let at = src
                .match_indices("permit")
                .map(|(i, _)| i)
                .find(|&i| {
                    src.get(i + 6..)
                        .is_some_and(|rest| rest.trim_start().starts_with('('))
                })
                .unwrap_or(0);
            errors.push(LoadError::Permit {
                src: NamedSource::new(file.display().to_string(), src.clone()),
                span: (at, "permit".len()).into(),
            });
            continue;
        }
        let meta = match annotations::read(policy, file, &src, remediations) {
            Ok(meta) => meta,
            Err(errs) => {
                errors.extend(errs);
                continue;
            }
        };
        if let Some((other, _)) = sources.get(&meta.id) {
            errors.push(LoadError::DuplicateId {
                id: meta.id.clone(),
                other: other.clone(),
                span: annotations::span(&src, "id"),
                src: NamedSource::new(file.display().to_string(), src),
            });
            continue;
        }
        let renamed = policy.new_id(PolicyId::new(&meta.id));
        if let Err(err) = all.add(renamed) {
            errors.push(LoadError::cedar(err, file, &src));
            continue;
        }
        sources.insert(meta.id.clone(), (file.clone(), src));
        metas.push(meta);
    }

    let mut active = PolicySet::new();
    for meta in metas.iter().filter(|m| m.mode != Mode::Off) {
        if let Some(policy) = all.policy(&PolicyId::new(&meta.id)) {
            // Ids are unique here (duplicates were rejected above), so adding cannot fail.
            let _ = active.add(policy.clone());
        }
    }
    Read {
        index: super::PolicyIndex::new(&active),
        all,
        metas,
        sources,
        errors,
    }
}

/// Read `entities.json` (account entities with tags, the organization they belong to), if the
/// pack has one: against the schema, or without it for the files the build checked read the
/// same either way. Returns the accounts by id and the organization they declare.
fn load_entities(
    file: Option<(PathBuf, Result<String, LoadError>)>,
    schema: Option<&Schema>,
    errors: &mut Vec<LoadError>,
) -> (HashMap<String, cedar_policy::Entity>, Org) {
    let Some((path, src)) = file else {
        return (HashMap::new(), Org::default());
    };
    let src = match src {
        Ok(src) => src,
        Err(e) => {
            errors.push(e);
            return (HashMap::new(), Org::default());
        }
    };
    match Entities::from_json_str(&src, schema) {
        Ok(entities) => {
            let ty = |uid: &cedar_policy::EntityUid| uid.type_name().to_string();
            let id = |uid: &cedar_policy::EntityUid| uid.id().unescaped().to_owned();
            let (mut orgs, mut members, mut trusted) = (Vec::new(), Vec::new(), Vec::new());
            let mut accounts = HashMap::new();
            for entity in entities.iter() {
                let uid = entity.uid();
                if ty(&uid) == "Aws::Organization" {
                    orgs.push(id(&uid));
                }
                if ty(&uid) != "Aws::Account" {
                    continue;
                }
                let parents: Vec<_> = entities
                    .ancestors(&uid)
                    .into_iter()
                    .flatten()
                    .filter(|p| ty(p) == "Aws::Organization")
                    .map(id)
                    .collect();
                if !parents.is_empty() {
                    members.push(id(&uid));
                    orgs.extend(parents);
                }
                if entity.tag(TRUSTED_TAG).is_some() {
                    trusted.push(id(&uid));
                }
                accounts.insert(id(&uid), entity.clone());
            }
            (accounts, Org::new(orgs, members, trusted))
        }
        Err(err) => {
            errors.push(LoadError::cedar(err, &path, &src));
            (HashMap::new(), Org::default())
        }
    }
}
