//! GuardDuty calls the remediations make.

use aws_sdk_guardduty::types::DetectorStatus;

use super::capability;
use super::error::{found, sent};

capability! {
    /// The GuardDuty calls of the detector remediation.
    pub trait GuardDutyOps(guardduty) for aws_sdk_guardduty::Client {
        /// The ids of the region's detectors (GuardDuty allows at most one per region).
        fn detectors<'a>(&'a self) -> Vec<String> = "guardduty:ListDetectors", |call| {
            let out = sent(call, self.list_detectors().send().await)?;
            Ok(out.detector_ids().to_vec())
        }

        /// Create an enabled detector with GuardDuty's default settings; returns its id.
        fn create_enabled_detector<'a>(&'a self) -> String = "guardduty:CreateDetector", |call| {
            let out = sent(call, self.create_detector().enable(true).send().await)?;
            Ok(out.detector_id().unwrap_or_default().to_owned())
        }

        /// Whether the detector is enabled, or None when it does not exist.
        fn detector_enabled<'a>(&'a self, id: &'a str) -> Option<bool> = "guardduty:GetDetector", |call| {
            let out = found(call, self.get_detector().detector_id(id).send().await, &[])?;
            Ok(out.map(|o| matches!(o.status(), Some(DetectorStatus::Enabled))))
        }
    }
}
