//! Builds `policies/` into the binary, so that the Lambda package is one self-contained
//! `bootstrap` whose pack is exactly the one that was tested. `SNAPBACK_POLICIES` still points
//! snapback at another directory at run time.

use std::fmt::Write as _;
use std::path::Path;

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
    let out_dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    if let Err(err) = std::fs::write(Path::new(&out_dir).join("embedded_policies.rs"), out) {
        println!("cargo:warning=cannot write the embedded policy list: {err}");
        std::process::exit(1);
    }
}
