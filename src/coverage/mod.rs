//! `snapback coverage`: what the pack covers, by framework. Each policy names the controls it
//! enforces in `@controls` (`CIS-AWS-3.0:1.4`, `CIS-AWS-5.0:1.3`, `AWS-FSBP:RDS.1`,
//! `MITRE-ATTACK:T1537`); this module lays them against the catalogs in [`catalog`]: every
//! CIS AWS Foundations v3.0.0 and v5.0.0 recommendation with its policies or the reason none can
//! exist, and the FSBP controls and ATT&CK techniques the pack cites. docs/coverage.md is this
//! report in Markdown.

pub mod catalog;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::policy::Meta;

pub const CIS: &str = "CIS-AWS-3.0";
pub const CIS_5: &str = "CIS-AWS-5.0";
pub const FSBP: &str = "AWS-FSBP";
pub const ATTACK: &str = "MITRE-ATTACK";

/// One control or technique and the policies that cite it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub policies: Vec<String>,
    /// Why no policy can exist (CIS controls a change event cannot break).
    pub why_none: Option<String>,
}

/// The pack's coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub policies: usize,
    pub reverts: usize,
    /// CIS AWS Foundations v3.0.0, every recommendation.
    pub cis: Vec<Row>,
    /// CIS AWS Foundations v5.0.0, every recommendation.
    pub cis_5: Vec<Row>,
    pub fsbp: Vec<Row>,
    pub attack: Vec<Row>,
    /// Controls of other frameworks, as `FRAMEWORK:CONTROL`, with their policies.
    pub other: Vec<Row>,
    /// `(policy, FRAMEWORK:CONTROL)` citations the catalogs do not know: a typo, or a control
    /// that is not in the benchmark.
    pub unknown: Vec<(String, String)>,
}

impl Coverage {
    /// The coverage of `policies` (every policy of a pack, active or not).
    pub fn of(policies: &[Meta]) -> Self {
        let mut cited: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for meta in policies {
            for control in &meta.controls {
                let (framework, id) = control.split_once(':').unwrap_or(("", control));
                cited
                    .entry((framework.trim().to_owned(), id.trim().to_owned()))
                    .or_default()
                    .push(meta.id.clone());
            }
        }
        let mut take = |framework: &str, id: &str| {
            let mut ids = cited
                .remove(&(framework.to_owned(), id.to_owned()))
                .unwrap_or_default();
            ids.sort();
            ids
        };
        let benchmark = |take: &mut dyn FnMut(&str, &str) -> Vec<String>,
                         framework: &str,
                         catalog: &[catalog::Control]| {
            catalog
                .iter()
                .map(|c| Row {
                    id: c.id.to_owned(),
                    title: c.title.to_owned(),
                    policies: take(framework, c.id),
                    why_none: c.why_none.map(str::to_owned),
                })
                .collect::<Vec<_>>()
        };
        let cis = benchmark(&mut take, CIS, catalog::CIS_AWS_3_0);
        let cis_5 = benchmark(&mut take, CIS_5, catalog::CIS_AWS_5_0);
        let titled = |take: &mut dyn FnMut(&str, &str) -> Vec<String>,
                      framework: &str,
                      table: &[(&str, &str)]| {
            table
                .iter()
                .map(|(id, title)| Row {
                    id: (*id).to_owned(),
                    title: (*title).to_owned(),
                    policies: take(framework, id),
                    why_none: None,
                })
                .filter(|row| !row.policies.is_empty())
                .collect::<Vec<_>>()
        };
        let fsbp = titled(&mut take, FSBP, catalog::AWS_FSBP);
        let attack = titled(&mut take, ATTACK, catalog::ATTACK);
        let (mut other, mut unknown) = (Vec::new(), Vec::new());
        for ((framework, id), ids) in cited {
            if [CIS, CIS_5, FSBP, ATTACK].contains(&framework.as_str()) {
                unknown.extend(ids.into_iter().map(|p| (p, format!("{framework}:{id}"))));
            } else {
                other.push(Row {
                    id: format!("{framework}:{id}"),
                    title: String::new(),
                    policies: ids,
                    why_none: None,
                });
            }
        }
        unknown.sort();
        Self {
            policies: policies.len(),
            reverts: policies.iter().filter(|m| m.remediation.is_some()).count(),
            cis,
            cis_5,
            fsbp,
            attack,
            other,
            unknown,
        }
    }

    /// The CIS v3.0.0 controls a policy could cover that no policy does: the pack must have
    /// none.
    pub fn gaps(&self) -> Vec<&Row> {
        uncovered(&self.cis)
    }

    /// The CIS v5.0.0 controls a policy could cover that no policy does, reported but not yet
    /// required.
    pub fn gaps_5_0(&self) -> Vec<&Row> {
        uncovered(&self.cis_5)
    }

    fn sections(&self) -> [(&'static str, &'static str, &[Row]); 5] {
        [
            ("CIS AWS Foundations Benchmark v3.0.0", "Control", &self.cis),
            (
                "CIS AWS Foundations Benchmark v5.0.0",
                "Control",
                &self.cis_5,
            ),
            (
                "AWS Foundational Security Best Practices",
                "Control",
                &self.fsbp,
            ),
            ("MITRE ATT&CK techniques", "Technique", &self.attack),
            ("Other frameworks", "Control", &self.other),
        ]
    }

    fn summary(&self) -> String {
        format!(
            "{} policies, {} with a revert. CIS AWS Foundations v3.0: {}. CIS AWS Foundations \
             v5.0: {}. AWS FSBP: {} controls. MITRE ATT&CK: {} techniques.",
            self.policies,
            self.reverts,
            benchmark_summary(&self.cis),
            benchmark_summary(&self.cis_5),
            self.fsbp.len(),
            self.attack.len(),
        )
    }

    /// The report as Markdown (docs/coverage.md).
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "# Coverage\n\nWhat the shipped pack enforces, by framework. Generated by \
             `snapback coverage --format markdown`; `cargo test --test integration coverage::` \
             fails when this file is stale.\n\n",
        );
        let _ = writeln!(out, "{}\n", self.summary());
        for (title, column, rows) in self.sections() {
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "## {title}\n\n| {column} | Title | Policies |\n|---|---|---|"
            );
            for row in rows {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    row.id,
                    row.title.replace('|', "\\|"),
                    cell(row, |p| format!("`{p}`"))
                );
            }
            out.push('\n');
        }
        out
    }

    /// The report as plain-text tables.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}\n", self.summary());
        for (title, column, rows) in self.sections() {
            if rows.is_empty() {
                continue;
            }
            let width = rows
                .iter()
                .map(|r| r.id.len())
                .max()
                .unwrap_or(0)
                .max(column.len());
            let _ = writeln!(out, "{title}\n{column:<width$}  POLICIES");
            for row in rows {
                let _ = writeln!(out, "{:<width$}  {}", row.id, cell(row, str::to_owned));
            }
            out.push('\n');
        }
        for (policy, control) in &self.unknown {
            let _ = writeln!(out, "unknown control `{control}` in policy `{policy}`");
        }
        out
    }
}

fn uncovered(rows: &[Row]) -> Vec<&Row> {
    rows.iter()
        .filter(|r| r.policies.is_empty() && r.why_none.is_none())
        .collect()
}

/// "43 of 62 controls covered (43 can be broken by a change CloudTrail records, 43 covered of
/// those)".
fn benchmark_summary(rows: &[Row]) -> String {
    let covered = rows.iter().filter(|r| !r.policies.is_empty()).count();
    let visible = rows.iter().filter(|r| r.why_none.is_none()).count();
    let visible_covered = rows
        .iter()
        .filter(|r| r.why_none.is_none() && !r.policies.is_empty())
        .count();
    format!(
        "{covered} of {} controls covered ({visible} can be broken by a change CloudTrail \
         records, {visible_covered} covered of those)",
        rows.len()
    )
}

fn cell(row: &Row, name: impl Fn(&str) -> String) -> String {
    match (&row.why_none, row.policies.is_empty()) {
        (_, false) => row
            .policies
            .iter()
            .map(|p| name(p))
            .collect::<Vec<_>>()
            .join(", "),
        (Some(why), true) => format!("none: {why}"),
        (None, true) => "NOT COVERED".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Mode, Severity};

    fn meta(id: &str, controls: &[&str]) -> Meta {
        Meta {
            id: id.to_owned(),
            severity: Severity::High,
            mode: Mode::Audit,
            remediation: None,
            controls: controls.iter().map(|c| (*c).to_owned()).collect(),
            description: String::new(),
            file: std::path::PathBuf::new(),
        }
    }

    #[test]
    fn controls_are_laid_against_the_catalogs() {
        let coverage = Coverage::of(&[
            meta("a", &["CIS-AWS-3.0:1.4", "MITRE-ATTACK:T1537"]),
            meta("b", &["CIS-AWS-3.0:1.4", "CIS-AWS-3.0:9.9", "SOC2:CC6.1"]),
        ]);
        let row = coverage
            .cis
            .iter()
            .find(|r| r.id == "1.4")
            .map(|r| r.policies.clone());
        assert_eq!(row, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(coverage.attack.len(), 1);
        assert_eq!(
            coverage.unknown,
            [("b".to_owned(), "CIS-AWS-3.0:9.9".to_owned())]
        );
        assert_eq!(
            coverage.other.first().map(|r| r.id.as_str()),
            Some("SOC2:CC6.1")
        );
        assert!(coverage.gaps().iter().any(|r| r.id == "1.5"));
        assert!(
            !coverage
                .gaps()
                .iter()
                .any(|r| r.id == "1.1" || r.id == "1.4")
        );
        assert!(
            coverage
                .markdown()
                .contains("| 1.4 | Ensure no 'root' user account access key exists | `a`, `b` |")
        );
    }

    #[test]
    fn v5_ids_are_laid_against_the_v5_catalog_and_not_the_v3_one() {
        let coverage = Coverage::of(&[
            meta("a", &["CIS-AWS-3.0:1.4", "CIS-AWS-5.0:1.3"]),
            meta("b", &["CIS-AWS-5.0:5.1.2", "CIS-AWS-5.0:1.22"]),
        ]);
        let policies =
            |rows: &[Row], id: &str| rows.iter().find(|r| r.id == id).map(|r| r.policies.clone());
        assert_eq!(policies(&coverage.cis_5, "1.3"), Some(vec!["a".to_owned()]));
        assert_eq!(
            policies(&coverage.cis_5, "5.1.2"),
            Some(vec!["b".to_owned()])
        );
        // v3.0.0's 1.3 (security questions) is not v5.0.0's 1.3 (root access key).
        assert_eq!(policies(&coverage.cis, "1.3"), Some(vec![]));
        // v5.0.0 stops at 1.21: 1.22 is a v3.0.0 id only.
        assert_eq!(
            coverage.unknown,
            [("b".to_owned(), "CIS-AWS-5.0:1.22".to_owned())]
        );
        assert!(coverage.gaps_5_0().iter().any(|r| r.id == "2.2.4"));
        assert!(!coverage.gaps_5_0().iter().any(|r| r.id == "1.3"));
    }

    #[test]
    fn both_versions_are_in_the_summary_and_in_both_formats() {
        let coverage = Coverage::of(&[meta("a", &["CIS-AWS-3.0:1.4", "CIS-AWS-5.0:1.3"])]);
        let markdown = coverage.markdown();
        assert!(markdown.contains(
            "CIS AWS Foundations v3.0: 1 of 62 controls covered (43 can be broken by a change \
             CloudTrail records, 1 covered of those). CIS AWS Foundations v5.0: 1 of 63 controls \
             covered (45 can be broken by a change CloudTrail records, 1 covered of those)."
        ));
        assert!(markdown.contains("## CIS AWS Foundations Benchmark v3.0.0"));
        assert!(markdown.contains("## CIS AWS Foundations Benchmark v5.0.0"));
        assert!(
            markdown.contains("| 1.3 | Ensure no 'root' user account access key exists | `a` |")
        );
        let table = coverage.table();
        assert!(table.contains("CIS AWS Foundations Benchmark v3.0.0\nControl"));
        assert!(table.contains("CIS AWS Foundations Benchmark v5.0.0\nControl"));
        assert!(table.contains("5.1.2    NOT COVERED"));
    }
}
