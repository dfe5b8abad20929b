//! `cloudtrail-restore-management-events`: make a trail record management write events again.
//!
//! Why: selectors that drop management events blind the trail to control-plane changes, the
//! very events snapback and auditors rely on (CIS 3.1).
//! Trigger: `cloudtrail:PutEventSelectors` leaving no selector that records management writes
//! (policy `cloudtrail-management-events-dropped`).
//! Calls: `GetEventSelectors`; if management writes are not recorded, `PutEventSelectors` that
//! records all management events while keeping the trail's data-event selectors (basic or
//! advanced, whichever the trail uses); `GetEventSelectors` to verify. A deleted trail is a no-op.
//!
//! ```cedar
//! @remediation("cloudtrail-restore-management-events")
//! forbid (principal, action == Aws::Action::"cloudtrail:PutEventSelectors", resource is Aws::Trail)
//! when { context has eventSelectors && !context.eventSelectors.includesManagementWrites };
//! ```

use super::prelude::*;

remediation! {
    RestoreManagementEvents {
        name: "cloudtrail-restore-management-events",
        service: "cloudtrail",
        iam: &["cloudtrail:GetEventSelectors", "cloudtrail:PutEventSelectors"],
    }
    plan: |p| p.resource("Trail", |trail| format!("record management events on trail `{trail}`")),
    revert: |plan, aws| {
        let (name, ct) = (plan.resource.as_str(), aws.cloudtrail());
        read: || ct.event_selectors(name),
        still_wrong: |s| {
            (!s.management.writes_recorded)
                .then(|| "management writes are still not recorded".into())
        },
        act: |current| async move { ct.record_management_events(name, &current).await },
    },
}
