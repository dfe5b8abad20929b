//! The objectives an SLO report measures against: the JSON targets file, with a default for
//! every key and a check that each target is a fraction strictly between 0 and 1.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Slo, SloError};

/// The objectives: the JSON targets file, every key optional, unknown keys rejected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Targets {
    /// Fraction of events decided without error.
    pub availability: f64,
    /// Fraction of counted remediations that succeeded.
    pub remediation_success: f64,
    pub latency: LatencyTarget,
    pub time_to_remediate: TimeToRemediateTarget,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LatencyTarget {
    /// Fraction of decisions with `decide_us` at most `threshold_ms` × 1000.
    pub target: f64,
    pub threshold_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeToRemediateTarget {
    /// Fraction of successful remediations confirmed at most `threshold_s` after the event.
    pub target: f64,
    pub threshold_s: u64,
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            availability: 0.999,
            remediation_success: 0.99,
            latency: LatencyTarget::default(),
            time_to_remediate: TimeToRemediateTarget::default(),
        }
    }
}

impl Default for LatencyTarget {
    fn default() -> Self {
        Self {
            target: 0.99,
            threshold_ms: 100,
        }
    }
}

impl Default for TimeToRemediateTarget {
    fn default() -> Self {
        Self {
            target: 0.99,
            threshold_s: 60,
        }
    }
}

impl Targets {
    /// Read and check a targets file; errors name the file.
    pub fn load(path: &Path) -> Result<Self, SloError> {
        let file = path.display().to_string();
        let text = super::super::reader::read_small(path).map_err(|e| SloError::ReadTargets {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Self::parse(&text).map_err(|source| SloError::Targets { file, source })
    }

    /// Parse and check the JSON of a targets file.
    pub fn parse(text: &str) -> Result<Self, TargetsError> {
        let targets: Self =
            serde_json::from_str(text).map_err(|e| TargetsError::Json(e.to_string()))?;
        for slo in Slo::ALL {
            let t = targets.target(slo);
            if !(t > 0.0 && t < 1.0) {
                return Err(TargetsError::Target {
                    slo: slo.name(),
                    target: t.to_string(),
                });
            }
        }
        if targets.latency.threshold_ms == 0 || targets.time_to_remediate.threshold_s == 0 {
            return Err(TargetsError::ZeroThreshold);
        }
        Ok(targets)
    }

    pub fn target(&self, slo: Slo) -> f64 {
        match slo {
            Slo::Availability => self.availability,
            Slo::RemediationSuccess => self.remediation_success,
            Slo::Latency => self.latency.target,
            Slo::TimeToRemediate => self.time_to_remediate.target,
        }
    }

    /// The SLO's latency threshold in milliseconds, for the threshold SLOs.
    pub fn threshold_ms(&self, slo: Slo) -> Option<u64> {
        match slo {
            Slo::Latency => Some(self.latency.threshold_ms),
            Slo::TimeToRemediate => Some(self.time_to_remediate.threshold_s.saturating_mul(1000)),
            Slo::Availability | Slo::RemediationSuccess => None,
        }
    }
}

/// Why a targets file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetsError {
    /// serde_json's message (its error is not `Clone`).
    #[error("{0}")]
    Json(String),
    /// A target outside (0, 1), as written.
    #[error("target for `{slo}` is {target}: it must be above 0 and below 1")]
    Target { slo: &'static str, target: String },
    #[error("thresholds must be above 0")]
    ZeroThreshold,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_default_merge_and_reject() {
        assert_eq!(Targets::parse("{}").unwrap(), Targets::default());
        let t = Targets::parse(r#"{"latency":{"threshold_ms":250}}"#).unwrap();
        assert_eq!(
            t.latency,
            LatencyTarget {
                target: 0.99,
                threshold_ms: 250
            }
        );
        assert!(
            Targets::parse(r#"{"availabilty":0.9}"#)
                .unwrap_err()
                .to_string()
                .contains("availabilty")
        );
        assert!(
            Targets::parse(r#"{"latency":{"p99":1}}"#)
                .unwrap_err()
                .to_string()
                .contains("p99")
        );
        assert!(Targets::parse(r#"{"availability":1.0}"#).is_err());
        assert!(Targets::parse(r#"{"time_to_remediate":{"threshold_s":0}}"#).is_err());
    }
}
