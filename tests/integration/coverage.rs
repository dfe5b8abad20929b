//! docs/coverage.md is `snapback coverage --format markdown` on the shipped pack, every policy
//! cites only controls the catalogs know, every CIS AWS Foundations v3.0 control that a change
//! CloudTrail records can break has a policy (the others say why none can exist), and a policy
//! that cites a v3.0 recommendation cites it by its v5.0 id too.

use std::path::PathBuf;

use snapback::coverage::{self, Coverage, catalog};
use snapback::policy::Meta;

fn pack() -> Vec<Meta> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    snapback::load_policies(&root.join("policies"))
        .unwrap_or_else(|e| panic!("policies do not validate: {e:?}"))
        .policies
}

fn shipped() -> Coverage {
    Coverage::of(&pack())
}

/// The ids a policy cites under `framework`.
fn cited<'a>(meta: &'a Meta, framework: &str) -> Vec<&'a str> {
    meta.controls
        .iter()
        .filter_map(|c| c.split_once(':'))
        .filter(|(f, _)| f.trim() == framework)
        .map(|(_, id)| id.trim())
        .collect()
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

#[test]
fn a_policy_citing_a_cis_v3_recommendation_cites_its_v5_id_and_no_other() {
    let mut missing = Vec::new();
    let mut unmatched = Vec::new();
    for meta in pack() {
        let (v3, v5) = (cited(&meta, coverage::CIS), cited(&meta, coverage::CIS_5));
        for old in &v3 {
            if let Some((_, new)) = catalog::CIS_3_0_TO_5_0.iter().find(|(o, _)| o == old)
                && !v5.contains(new)
            {
                missing.push(format!(
                    "{}: CIS-AWS-3.0:{old} without CIS-AWS-5.0:{new}",
                    meta.id
                ));
            }
        }
        // A v5 id of a recommendation v3 also has comes with its v3 id.
        for new in &v5 {
            if let Some((old, _)) = catalog::CIS_3_0_TO_5_0.iter().find(|(_, n)| n == new)
                && !v3.contains(old)
            {
                unmatched.push(format!(
                    "{}: CIS-AWS-5.0:{new} without CIS-AWS-3.0:{old}",
                    meta.id
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
    assert!(unmatched.is_empty(), "{unmatched:#?}");
}

#[test]
fn every_cited_cis_v5_id_is_in_the_v5_catalog() {
    let unknown: Vec<String> = pack()
        .iter()
        .flat_map(|meta| {
            cited(meta, coverage::CIS_5)
                .into_iter()
                .filter(|id| !catalog::CIS_AWS_5_0.iter().any(|c| c.id == *id))
                .map(move |id| format!("{}: CIS-AWS-5.0:{id}", meta.id))
        })
        .collect();
    assert!(unknown.is_empty(), "{unknown:#?}");
}

#[test]
fn the_only_cis_v5_gaps_are_recommendations_new_in_v5() {
    let coverage = shipped();
    let carried: Vec<String> = coverage
        .gaps_5_0()
        .iter()
        .filter(|r| catalog::CIS_3_0_TO_5_0.iter().any(|(_, new)| *new == r.id))
        .map(|r| format!("{} {}", r.id, r.title))
        .collect();
    assert!(
        carried.is_empty(),
        "v5.0 controls that v3.0 also has, with no policy: {carried:#?}"
    );
}

/// `snapback coverage` over `dir`: its exit code, stdout and stderr.
fn coverage_of(dir: &std::path::Path) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_snapback"))
        .args(["coverage", "--policies"])
        .arg(dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run snapback: {e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_prints_both_versions_and_the_shipped_pack_has_no_gap() {
    let (code, stdout, stderr) = coverage_of(std::path::Path::new("policies"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("CIS AWS Foundations Benchmark v3.0.0\n"));
    assert!(stdout.contains("CIS AWS Foundations Benchmark v5.0.0\n"));
    assert!(stdout.contains("CIS AWS Foundations v5.0: "));
    assert_eq!(
        stderr.trim(),
        "",
        "no control a change can break is left uncovered"
    );
}

#[test]
fn a_cis_v5_gap_fails_the_command_and_names_the_control() {
    let dir = std::env::temp_dir().join(format!("snapback-coverage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policies = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    for entry in std::fs::read_dir(&policies).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .is_some_and(|n| n != "rds-multi-az-disabled.cedar")
        {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let (code, _, stderr) = coverage_of(&dir);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "not covered: CIS-AWS-5.0:2.2.4 Ensure Multi-AZ deployments are used for enhanced \
         availability in Amazon RDS"
    );
}
