//! `cloudtrail-start-logging`: restart logging on a trail someone stopped.
//!
//! Why: a stopped trail records nothing; an attacker's first move is often `StopLogging`.
//! Trigger: `cloudtrail:StopLogging` (policy `cloudtrail-logging-stopped`).
//! Calls: `GetTrailStatus`, then `StartLogging` only if the trail is not logging, then
//! `GetTrailStatus` to verify. A deleted trail is a no-op.
//!
//! ```cedar
//! @remediation("cloudtrail-start-logging")
//! forbid (principal, action == Aws::Action::"cloudtrail:StopLogging", resource is Aws::Trail);
//! ```

use super::prelude::*;

remediation! {
    StartLogging {
        name: "cloudtrail-start-logging",
        service: "cloudtrail",
        iam: &["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"],
    }
    plan: |p| p.resource("Trail", |trail| format!("start logging on trail `{trail}`")),
    revert: |plan, aws| {
        let (trail, ct) = (plan.resource.as_str(), aws.cloudtrail());
        read: || ct.is_logging(trail),
        still_wrong: |logging| (!logging).then(|| "the trail is still not logging".into()),
        act: |_| ct.start_trail(trail),
    },
}
