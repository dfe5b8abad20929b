//! `guardduty-delete-suppression-filter`: delete a GuardDuty filter that archives findings.
//!
//! Why: a filter with the action `ARCHIVE` archives the findings it matches as they arrive,
//! so nobody sees them; a broad one silences GuardDuty while it still looks on.
//! Trigger: `guardduty:CreateFilter` with `action: ARCHIVE` (policy
//! `guardduty-suppression-filter-created`).
//! What: the filter the call created (its `name`, on its `detectorId`) is deleted; the
//! detector's other filters stay. Findings it already archived stay archived.
//! Calls: `GetFilter`; if the filter is there, `DeleteFilter`; `GetFilter` to verify. A filter
//! or detector that is gone is a no-op.
//!
//! ```cedar
//! @remediation("guardduty-delete-suppression-filter")
//! forbid (principal, action == Aws::Action::"guardduty:CreateFilter", resource is Aws::Detector)
//! when { context has filter && context.filter.action == "ARCHIVE" };
//! ```

use serde::{Deserialize, Serialize};

use super::prelude::*;

#[derive(Debug, Serialize, Deserialize)]
struct Args {
    #[serde(rename = "filterName")]
    filter: String,
}

remediation! {
    DeleteSuppressionFilter {
        name: "guardduty-delete-suppression-filter",
        service: "guardduty",
        iam: &["guardduty:GetFilter", "guardduty:DeleteFilter"],
    }
    plan: |p| {
        let detector = p.target("Detector")?;
        let filter = p.param("name").ok_or_else(|| p.error("the event names no filter"))?;
        let summary = format!("delete GuardDuty filter `{filter}` of detector `{detector}`");
        Ok(p.plan(serde_json::json!({"filterName": filter}), summary))
    },
    revert: |plan, aws, args: Args| {
        let (detector, guardduty, filter) =
            (plan.resource.as_str(), aws.guardduty(), args.filter.as_str());
        read: || guardduty.filter(detector, filter),
        still_wrong: |_| Some(format!("filter `{filter}` is still there")),
        act: |_| guardduty.delete_filter(detector, filter),
    },
}
