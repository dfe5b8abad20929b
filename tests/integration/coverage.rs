//! docs/coverage.md is `snapback coverage --format markdown` on the shipped pack, every policy
//! cites only controls the catalogs know, and every CIS AWS Foundations v3.0 control that a
//! change CloudTrail records can break has a policy (the others say why none can exist).

use std::path::PathBuf;

use snapback::coverage::Coverage;

fn shipped() -> Coverage {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pack = snapback::load_policies(&root.join("policies"))
        .unwrap_or_else(|e| panic!("policies do not validate: {e:?}"));
    Coverage::of(&pack.policies)
}

#[test]
fn docs_coverage_md_is_the_generated_report() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/coverage.md");
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = shipped().markdown();
    assert!(
        written == generated,
        "docs/coverage.md is stale: regenerate it with \
         `snapback coverage --policies policies --format markdown > docs/coverage.md`"
    );
}

#[test]
fn every_cited_control_is_known_and_every_visible_cis_control_is_covered() {
    let coverage = shipped();
    assert!(
        coverage.unknown.is_empty(),
        "controls the catalogs do not know: {:?}",
        coverage.unknown
    );
    let gaps: Vec<String> = coverage
        .gaps()
        .iter()
        .map(|r| format!("{} {}", r.id, r.title))
        .collect();
    assert!(
        gaps.is_empty(),
        "CIS controls with no policy and no reason: {gaps:#?}"
    );
}
