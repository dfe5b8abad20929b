//! Builds `policies/` into the binary, so that the Lambda package is one self-contained
//! `bootstrap` whose pack is exactly the one that was tested. `SNAPBACK_POLICIES` still points
//! snapback at another directory at run time.
//!
//! It also checks that pack as loading a pack does, with the same Cedar: the policies with
//! Cedar's strict validator, and `entities.json` against the schema. It also checks that the
//! accounts in `entities.json` read the same without the schema, and tells the crate whether
//! all of that held (`SNAPBACK_EMBEDDED_VALIDATED`). A pack whose files are byte for byte the
//! embedded ones then need not be validated again at every start, nor its schema parsed: those
//! were nine tenths of a cold start. A pack that fails here is built in all the same, and fails
//! at run time, with snapback's full diagnostics, as any invalid pack does.

use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use cedar_policy::{Entities, PolicyId, PolicySet, Schema, ValidationMode, Validator};

fn main() {
    // Read when the script runs, not when it is compiled: clones sharing a target directory
    // share the compiled script, and `env!` would point every one of them at the first clone.
    let root = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = Path::new(&root).join("policies");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| {
                    n.ends_with(".cedar") || n.ends_with(".cedarschema") || n == "entities.json"
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("&[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push(']');
    let validated = match validate(&dir, &names) {
        Ok(()) => "yes",
        Err(problem) => {
            println!(
                "cargo:warning=policies/ was not validated at build time, so every start \
                 validates it (and fails if it is invalid): {problem}"
            );
            "no"
        }
    };
    println!("cargo:rustc-env=SNAPBACK_EMBEDDED_VALIDATED={validated}");
    let out_dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    if let Err(err) = std::fs::write(Path::new(&out_dir).join("embedded_policies.rs"), out) {
        println!("cargo:warning=cannot write the embedded policy list: {err}");
        std::process::exit(1);
    }
}

/// Cedar's strict validation of the schema and every `*.cedar` file, as `policy::load` runs it;
/// snapback's own checks (annotations, one policy per file, no `permit`) stay at load time.
fn validate(dir: &Path, names: &[String]) -> Result<(), String> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_err(|e| format!("cannot read {name}: {e}"))
    };
    let schema = Schema::from_cedarschema_str(&read("snapback.cedarschema")?)
        .map_err(|e| format!("snapback.cedarschema: {e}"))?
        .0;
    let mut set = PolicySet::new();
    for name in names.iter().filter(|n| n.ends_with(".cedar")) {
        let parsed = PolicySet::from_str(&read(name)?).map_err(|e| format!("{name}: {e}"))?;
        if parsed.templates().next().is_some() {
            return Err(format!("{name} holds a template"));
        }
        for (i, policy) in parsed.policies().enumerate() {
            set.add(policy.new_id(PolicyId::new(format!("{name}#{i}"))))
                .map_err(|e| format!("{name}: {e}"))?;
        }
    }
    let result = Validator::new(schema.clone()).validate(&set, ValidationMode::Strict);
    if let Some(err) = result.validation_errors().next() {
        return Err(format!("{}: {err}", err.policy_id()));
    }
    if names.iter().any(|n| n == "entities.json") {
        let src = read("entities.json")?;
        let accounts = |schema: Option<&Schema>| {
            let entities =
                Entities::from_json_str(&src, schema).map_err(|e| format!("entities.json: {e}"))?;
            let mut accounts = Vec::new();
            for entity in entities.iter() {
                if entity.uid().type_name().to_string() == "Aws::Account" {
                    accounts.push(entity.to_json_value().map_err(|e| e.to_string())?);
                }
            }
            accounts.sort_by_key(ToString::to_string);
            Ok::<_, String>(accounts)
        };
        if accounts(Some(&schema))? != accounts(None)? {
            return Err(
                "entities.json relies on the schema to be read (implicit `__entity` or \
                        `__extn`); it is read with the schema at every start"
                    .to_owned(),
            );
        }
    }
    Ok(())
}
