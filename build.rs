//! Builds `policies/` into the binary, so that the Lambda package is one self-contained
//! `bootstrap` whose pack is exactly the one that was tested. `SNAPBACK_POLICIES` still points
//! snapback at another directory at run time.
//!
//! It also validates that pack against its schema with Cedar's strict validator, the same
//! check (same Cedar version) that loading a pack runs, and tells the crate whether it passed
//! (`SNAPBACK_EMBEDDED_VALIDATED`). A pack whose schema and policy files are byte for byte the
//! embedded ones then need not be validated again at every start: validation is nine tenths of
//! a cold start. A pack that fails here is built in all the same, and fails at run time, with
//! snapback's full diagnostics, as any invalid pack does.

use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use cedar_policy::{PolicyId, PolicySet, Schema, ValidationMode, Validator};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
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
                "cargo:warning=policies/ does not validate, so every start will validate it \
                 again and fail: {problem}"
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
    let result = Validator::new(schema).validate(&set, ValidationMode::Strict);
    match result.validation_errors().next() {
        None => Ok(()),
        Some(err) => Err(format!("{}: {err}", err.policy_id())),
    }
}
