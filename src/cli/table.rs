//! The table format of decision records, for people at a terminal.

use crate::decision_log::DecisionRecord;
use crate::policy::Mode;

const WIDTHS: [usize; 5] = [13, 8, 42, 34, 30];

fn cell(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        format!("{text:<width$}")
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

pub fn header() -> String {
    let names = ["DECISION", "SEVERITY", "ACTION", "RESOURCE", "PRINCIPAL"];
    let cols: Vec<String> = names.iter().zip(WIDTHS).map(|(n, w)| cell(n, w)).collect();
    format!("{} POLICIES -> REVERT", cols.join(" "))
}

pub fn row(r: &DecisionRecord) -> String {
    let resource = format!(
        "{}/{}",
        r.resource.ty.trim_start_matches("Aws::"),
        r.resource.id
    );
    let principal = r.principal.arn.rsplit(['/', ':']).next().unwrap_or("");
    let severity = r.severity.map_or("-", |s| s.as_str());
    let cols = [
        r.decision.as_str(),
        severity,
        &r.action,
        &resource,
        principal,
    ];
    let cols: Vec<String> = cols.iter().zip(WIDTHS).map(|(c, w)| cell(c, w)).collect();
    let detail = if r.policies.is_empty() {
        match r.decision {
            crate::engine::Outcome::Compliant => String::new(),
            _ => r.reason.clone(),
        }
    } else {
        r.policies
            .iter()
            .map(|p| match (&p.remediation, p.mode) {
                (Some(rem), Mode::Enforce) => format!("{} -> {rem}", p.id),
                (Some(rem), _) => format!("{} -> {rem} (audit: would run)", p.id),
                (None, _) => format!("{} (detect only)", p.id),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let line = format!("{} {detail}", cols.join(" "));
    if r.decision == crate::engine::Outcome::Error {
        format!("{line} [{}]", r.source)
    } else {
        line
    }
}
