//! The module layering declared in `snapback::LAYERS` holds: no `crate::` path in `src/` names
//! a module in the same layer or a higher one, so the module graph has no cycle.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (so that docs may name any module).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module names a text refers to through `crate::name` or `crate::{a, b::c}`.
fn named(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level items of the group: split on commas outside nested braces.
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        names.insert(ident(group[start..i].trim()));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.insert(ident(group[start..i].trim()));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            names.insert(ident(rest));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The `crate::` edges that climb the layering, as `file: from -> to`.
fn climbing(root: &Path) -> Vec<String> {
    let layer_of = |module: &str| {
        snapback::LAYERS
            .iter()
            .position(|layer| layer.contains(&module))
    };
    let src = root.join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap();
        let module = first.strip_suffix(".rs").unwrap_or(first);
        if matches!(module, "lib" | "main" | "bin") {
            continue;
        }
        let Some(from) = layer_of(module) else {
            bad.push(format!(
                "{}: module `{module}` is in no layer of snapback::LAYERS",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for name in named(&code(&text)) {
            if name == module {
                continue;
            }
            // Items of the crate root (re-exports, `load_policies`) are not modules.
            if let Some(to) = layer_of(&name)
                && to >= from
            {
                bad.push(format!("{}: {module} -> {name}", rel.display()));
            }
        }
    }
    bad
}

#[test]
fn no_module_names_one_in_its_own_layer_or_above() {
    let bad = climbing(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(
        bad.is_empty(),
        "these `crate::` paths climb the layering in snapback::LAYERS:\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_module_is_in_exactly_one_layer() {
    let mut seen = BTreeSet::new();
    for module in snapback::LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(seen.insert(*module), "`{module}` is in two layers");
    }
}

#[test]
fn the_scan_finds_edges_of_every_form() {
    let text = "use crate::policy::Fields;\nuse crate::{aws::{A, B}, event};\n\
                // crate::cli in a comment\nlet x = crate::model::build(e);";
    let found: Vec<String> = named(&code(text)).into_iter().collect();
    assert_eq!(found, ["aws", "event", "model", "policy"]);
}

#[test]
fn each_edge_of_the_old_import_loop_is_found() {
    // The loop the module graph once had: each of its edges alone must fail the check.
    let old_loop = [
        ("model", "policy"),
        ("policy", "remediation"),
        ("resilience", "aws"),
        ("aws", "resilience"),
        ("resilience", "remediation"),
        ("aws", "decision_log"),
    ];
    for (from, to) in old_loop {
        let dir = std::env::temp_dir().join(format!(
            "snapback-layering-{}-{from}-{to}",
            std::process::id()
        ));
        std::fs::create_dir_all(dir.join("src").join(from)).unwrap();
        std::fs::write(
            dir.join("src").join(from).join("mod.rs"),
            format!("use crate::{{event, {to}::Thing}};\n"),
        )
        .unwrap();
        let bad = climbing(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(bad, [format!("{from}/mod.rs: {from} -> {to}")]);
    }
}
