//! The policy pack and the remediation registry must match both ways: every `@remediation`
//! names a registered remediation, and every registered remediation is used by some policy.
//! Every remediation declares the IAM actions it needs.

use std::collections::BTreeSet;
use std::path::Path;

use snapback::remediation::REGISTRY;

fn pack() -> snapback::PolicyPack {
    snapback::load_policies(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"))
        .unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn every_named_remediation_is_registered() {
    let registered: BTreeSet<&str> = REGISTRY.iter().map(|r| r.name()).collect();
    let missing: Vec<String> = pack()
        .policies
        .iter()
        .filter_map(|m| {
            m.remediation
                .as_deref()
                .filter(|r| !registered.contains(r))
                .map(|r| format!("{} -> {r}", m.id))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "policies name unregistered remediations: {missing:?}"
    );
}

#[test]
fn every_registered_remediation_is_used() {
    let used: BTreeSet<String> = pack()
        .policies
        .iter()
        .filter_map(|m| m.remediation.clone())
        .collect();
    let unused: Vec<&str> = REGISTRY
        .iter()
        .map(|r| r.name())
        .filter(|n| !used.contains(*n))
        .collect();
    assert!(
        unused.is_empty(),
        "registered but used by no policy: {unused:?}"
    );
}

#[test]
fn every_remediation_declares_its_iam_actions() {
    for r in REGISTRY {
        assert!(
            !r.iam_actions().is_empty(),
            "{} declares no IAM actions",
            r.name()
        );
        for action in r.iam_actions() {
            let (service, op) = action
                .split_once(':')
                .unwrap_or_else(|| panic!("{}: bad action {action}", r.name()));
            assert!(
                !service.is_empty() && op.chars().next().is_some_and(char::is_uppercase),
                "{}: {action}",
                r.name()
            );
        }
    }
}

#[test]
fn at_least_twenty_distinct_remediations() {
    assert!(REGISTRY.len() >= 20, "only {} remediations", REGISTRY.len());
}

#[test]
fn every_remediation_has_a_row_in_remediations_md() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/remediations.md"))
            .unwrap_or_else(|e| panic!("docs/remediations.md: {e}"));
    let missing: Vec<&str> = REGISTRY
        .iter()
        .map(|r| r.name())
        .filter(|n| !doc.contains(&format!("\n| `{n}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/remediations.md has no row for {missing:?}"
    );
}

#[test]
fn the_pack_table_of_policy_authoring_md_is_current() {
    let out = std::process::Command::new("python3")
        .arg("scripts/pack-table")
        .arg("--check")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("python3 scripts/pack-table: {e}"));
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
