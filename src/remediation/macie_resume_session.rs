//! `macie-resume-session`: resume a Macie session someone paused.
//!
//! Why: a paused session stops every sensitive data discovery job and finding while keeping
//! Macie's settings, so resuming it undoes the pause entirely (MITRE ATT&CK T1562.001, AWS FSBP
//! Macie.1). Disabling Macie, by contrast, deletes its findings and settings and is
//! detect-only (policy `macie-disabled`).
//! Trigger: `macie2:UpdateMacieSession` with `status: PAUSED` (policy `macie-session-paused`).
//! Calls: `GetMacieSession`; if it is paused, `UpdateMacieSession` with `status: ENABLED` and
//! nothing else; `GetMacieSession` to verify. A session already running, or Macie disabled
//! since (`AccessDeniedException` "Macie is not enabled"), is a no-op.
//!
//! ```cedar
//! @remediation("macie-resume-session")
//! forbid (principal, action == Aws::Action::"macie2:UpdateMacieSession",
//!     resource is Aws::MacieSession)
//! when { context has macieSession && context.macieSession.status == "PAUSED" };
//! ```

use super::prelude::*;

remediation! {
    ResumeSession {
        name: "macie-resume-session",
        service: "macie2",
        iam: &["macie2:GetMacieSession", "macie2:UpdateMacieSession"],
    }
    plan: |p| {
        if p.param("status") != Some("PAUSED") {
            return Err(p.error("the event does not pause the Macie session"));
        }
        let region = p.request.resource.attr_str("region");
        if region.is_empty() {
            return Err(p.error("the event names no region"));
        }
        let account = p.request.resource.attr_str("account");
        Ok(p.plan(
            serde_json::json!({}),
            format!("resume the Macie session of account `{account}` in region `{region}`"),
        ))
    },
    revert: |_plan, aws| {
        let macie = aws.macie2();
        read: || macie.session_paused(),
        still_wrong: |paused| paused.then(|| "the Macie session is still paused".into()),
        act: |_| macie.resume_session(),
    },
}
