//! GuardDuty calls the remediations make.

use super::{ApiError, Aws, classify};

impl Aws {
    /// The ids of the region's detectors (GuardDuty allows at most one per region).
    pub async fn guardduty_list_detectors(&self) -> Result<Vec<String>, ApiError> {
        const CALL: &str = "guardduty:ListDetectors";
        let out = self
            .guardduty
            .list_detectors()
            .send()
            .await
            .map_err(|e| classify(CALL, &e))?;
        Ok(out.detector_ids().to_vec())
    }

    /// Create an enabled detector with GuardDuty's default settings; returns its id.
    pub async fn guardduty_create_detector(&self) -> Result<String, ApiError> {
        const CALL: &str = "guardduty:CreateDetector";
        let out = self
            .guardduty
            .create_detector()
            .enable(true)
            .send()
            .await
            .map_err(|e| classify(CALL, &e))?;
        Ok(out.detector_id().unwrap_or_default().to_owned())
    }

    /// Whether the detector is enabled, or None when it does not exist.
    pub async fn guardduty_detector_enabled(&self, id: &str) -> Result<Option<bool>, ApiError> {
        const CALL: &str = "guardduty:GetDetector";
        match self.guardduty.get_detector().detector_id(id).send().await {
            Ok(out) => Ok(Some(matches!(
                out.status(),
                Some(aws_sdk_guardduty::types::DetectorStatus::Enabled)
            ))),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }
}
