//! GuardDuty calls the remediations make.

use aws_sdk_guardduty::types::DetectorStatus;

use super::error::{none_if_gone, sent};
use super::{ApiError, capability};

/// What GuardDuty says, in a `BadRequestException`, of a detector or filter that does not exist
/// (it has no not-found code).
const GONE: &[&str] = &["not owned by the current account", "no such resource"];

/// A read's result, with a detector or filter that does not exist as None.
fn gone<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Err(err)
            if err.code.as_deref() == Some("BadRequestException")
                && GONE.iter().any(|m| err.message.contains(m)) =>
        {
            Ok(None)
        }
        other => none_if_gone(other, &[]),
    }
}

capability! {
    /// The GuardDuty calls of the detector and filter remediations.
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
            let out = gone(sent(call, self.get_detector().detector_id(id).send().await))?;
            Ok(out.map(|o| matches!(o.status(), Some(DetectorStatus::Enabled))))
        }

        /// Turn the detector on; its other settings are left as they are.
        fn enable_detector<'a>(&'a self, id: &'a str) -> () = "guardduty:UpdateDetector", |call| {
            sent(call, self.update_detector().detector_id(id).enable(true).send().await).map(drop)
        }

        /// Whether the detector has a filter of this name: Some(()) when it has, None when it
        /// has not (or the detector is gone).
        fn filter<'a>(&'a self, detector: &'a str, name: &'a str) -> Option<()> = "guardduty:GetFilter", |call| {
            let read = self.get_filter().detector_id(detector).filter_name(name);
            Ok(gone(sent(call, read.send().await))?.map(drop))
        }

        /// Delete the detector's filter of this name.
        fn delete_filter<'a>(&'a self, detector: &'a str, name: &'a str) -> () = "guardduty:DeleteFilter", |call| {
            let delete = self.delete_filter().detector_id(detector).filter_name(name);
            sent(call, delete.send().await).map(drop)
        }
    }
}
