//! `cloudtrail-enable-log-validation`: turn log file integrity validation back on.
//!
//! Why: without digest files nobody can prove the trail's logs were not altered (CIS 3.2).
//! Trigger: `cloudtrail:UpdateTrail`/`CreateTrail` with `enableLogFileValidation: false`
//! (policy `cloudtrail-log-validation-disabled`).
//! Calls: `GetTrail`; `UpdateTrail` with only `EnableLogFileValidation=true` if it is off; `GetTrail`.
//! Other trail settings are left as they are. A deleted trail is a no-op.
//!
//! ```cedar
//! @remediation("cloudtrail-enable-log-validation")
//! forbid (principal, action == Aws::Action::"cloudtrail:UpdateTrail", resource is Aws::Trail)
//! when { context has trail && context.trail has enableLogFileValidation && !context.trail.enableLogFileValidation };
//! ```

use super::prelude::*;

remediation! {
    EnableLogValidation {
        name: "cloudtrail-enable-log-validation",
        service: "cloudtrail",
        iam: &["cloudtrail:GetTrail", "cloudtrail:UpdateTrail"],
    }
    plan: |p| p.resource("Trail", |trail| format!("enable log file validation on trail `{trail}`")),
    revert: |plan, aws| {
        let (name, ct) = (plan.resource.as_str(), aws.cloudtrail());
        read: || ct.trail(name),
        still_wrong: |t| {
            (!t.log_file_validation).then(|| "log file validation is still off".into())
        },
        act: |_| ct.set_trail_flags(name, Some(true), None),
    },
}
