//! snapback's policy annotations: `@id`, `@severity`, `@mode`, `@remediation`, `@description`
//! and `@controls`, checked so that a typo is an error rather than a silently ignored policy.

use std::path::PathBuf;

use miette::{NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

use super::LoadError;

/// The annotations snapback reads; any other is a validation error.
pub const ANNOTATIONS: &[&str] = &[
    "id",
    "severity",
    "mode",
    "remediation",
    "description",
    "controls",
];

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            "critical" => Self::Critical,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// What a policy's violation leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Revert the change with the policy's remediation.
    Enforce,
    /// Record the violation and the remediation that would have run.
    Audit,
    /// Not evaluated.
    Off,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "enforce" => Self::Enforce,
            "audit" => Self::Audit,
            "off" => Self::Off,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enforce => "enforce",
            Self::Audit => "audit",
            Self::Off => "off",
        }
    }
}

/// One policy's metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    pub id: String,
    pub severity: Severity,
    pub mode: Mode,
    pub remediation: Option<String>,
    pub controls: Vec<String>,
    pub description: String,
    pub file: PathBuf,
}

/// The span of `@name(...)` in a policy's source, for diagnostics.
pub(super) fn span(src: &str, name: &str) -> SourceSpan {
    let needle = format!("@{name}");
    match src.find(&needle) {
        Some(start) => {
            let end = src[start..]
                .find(')')
                .map_or(start + needle.len(), |e| start + e + 1);
            (start, end - start).into()
        }
        None => (0, 0).into(),
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `FRAMEWORK:CONTROL` with both parts given. Which ids a framework has is checked against its
/// catalog by `snapback coverage` (for CIS-AWS-3.0, CIS-AWS-5.0, AWS-FSBP and MITRE-ATTACK).
fn is_control(control: &str) -> bool {
    control
        .split_once(':')
        .is_some_and(|(framework, id)| !framework.trim().is_empty() && !id.trim().is_empty())
}

/// Read and check the annotations of one parsed policy.
pub(super) fn read(
    policy: &cedar_policy::Policy,
    file: &std::path::Path,
    src: &str,
    remediations: &[&str],
) -> Result<Meta, Vec<LoadError>> {
    let mut errors = Vec::new();
    let source = || NamedSource::new(file.display().to_string(), src.to_owned());
    let invalid = |name: &str, value: &str, help: String| LoadError::InvalidAnnotation {
        name: name.to_owned(),
        value: value.to_owned(),
        help,
        src: source(),
        span: span(src, name),
    };

    for (name, _) in policy.annotations() {
        if !ANNOTATIONS.contains(&name) {
            errors.push(LoadError::UnknownAnnotation {
                name: name.to_owned(),
                src: source(),
                span: span(src, name),
                help: format!("snapback reads @{}", ANNOTATIONS.join(", @")),
            });
        }
    }
    let required = |name: &str, errors: &mut Vec<LoadError>| -> Option<String> {
        match policy.annotation(name) {
            Some(v) if !v.trim().is_empty() => Some(v.to_owned()),
            Some(v) => {
                errors.push(invalid(name, v, format!("give @{name} a value")));
                None
            }
            None => {
                errors.push(LoadError::MissingAnnotation {
                    name: name.to_owned(),
                    src: source(),
                    span: (0, 0).into(),
                });
                None
            }
        }
    };

    let id = required("id", &mut errors);
    if let Some(id) = id.as_deref().filter(|id| !is_name(id)) {
        errors.push(invalid(
            "id",
            id,
            "use lowercase letters, digits and dashes, like `ec2-sg-world-ssh`".into(),
        ));
    }
    let severity = required("severity", &mut errors).and_then(|s| {
        let parsed = Severity::parse(&s);
        if parsed.is_none() {
            errors.push(invalid(
                "severity",
                &s,
                "use one of low, medium, high, critical".into(),
            ));
        }
        parsed
    });
    let mode = match policy.annotation("mode") {
        None => Some(Mode::Audit),
        Some(m) => {
            let parsed = Mode::parse(m);
            if parsed.is_none() {
                errors.push(invalid(
                    "mode",
                    m,
                    "use one of enforce, audit, off (the default is audit)".into(),
                ));
            }
            parsed
        }
    };
    let remediation = policy.annotation("remediation").map(str::to_owned);
    if let Some(r) = remediation.as_deref().filter(|r| !is_name(r)) {
        errors.push(invalid("remediation", r, "name a remediation like `ec2-revoke-world-ingress`, or leave @remediation out for detect-only".into()));
    }
    if let Some(r) = remediation
        .as_deref()
        .filter(|r| is_name(r) && !remediations.contains(r))
    {
        errors.push(invalid(
            "remediation",
            r,
            format!("no remediation is registered under this name; known: {}; or leave @remediation out for detect-only", remediations.join(", ")),
        ));
    }
    let description = required("description", &mut errors);
    let controls: Vec<String> = policy
        .annotation("controls")
        .map(|c| {
            c.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if let Some(bad) = controls.iter().find(|c| !is_control(c)) {
        errors.push(invalid(
            "controls",
            bad,
            "write controls as `FRAMEWORK:CONTROL`, comma-separated, like \
             `CIS-AWS-3.0:1.4, CIS-AWS-5.0:1.3`"
                .into(),
        ));
    }

    match (id, severity, mode, description) {
        (Some(id), Some(severity), Some(mode), Some(description)) if errors.is_empty() => {
            Ok(Meta {
                id,
                severity,
                mode,
                remediation,
                controls,
                description,
                file: file.to_owned(),
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn controls(value: &str) -> Result<Vec<String>, Vec<LoadError>> {
        let src = format!(
            "@id(\"p\")\n@severity(\"low\")\n@description(\"d\")\n@controls(\"{value}\")\n\
             forbid (principal, action, resource);"
        );
        let policy = cedar_policy::Policy::parse(None, &src).unwrap_or_else(|e| panic!("{e}"));
        read(&policy, std::path::Path::new("p.cedar"), &src, &[]).map(|meta| meta.controls)
    }

    #[test]
    fn both_cis_versions_are_read_as_written() {
        assert_eq!(
            controls("CIS-AWS-3.0:1.4, CIS-AWS-5.0:1.3 ,, MITRE-ATTACK:T1098").ok(),
            Some(vec![
                "CIS-AWS-3.0:1.4".to_owned(),
                "CIS-AWS-5.0:1.3".to_owned(),
                "MITRE-ATTACK:T1098".to_owned()
            ])
        );
    }

    #[test]
    fn a_control_without_a_framework_or_an_id_is_an_error() {
        for bad in ["CIS-AWS-5.0", "CIS-AWS-5.0:", ":1.3", " : "] {
            assert!(controls(bad).is_err(), "`{bad}` was accepted");
        }
    }
}
