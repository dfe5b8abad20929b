//! `rolesanywhere-disable-trust-anchor`: disable an IAM Roles Anywhere trust anchor someone
//! created or enabled.
//!
//! Why: a trust anchor lets anyone holding a certificate from its CA obtain role credentials
//! from outside AWS; an intruder who registers their own CA has a way back in that no access
//! key review finds (MITRE ATT&CK T1098). Disabling keeps the anchor, its CA and its profiles
//! for review: whoever meant it enables it again with the break-glass role.
//! Trigger: `rolesanywhere:CreateTrustAnchor` or `EnableTrustAnchor` (policy
//! `rolesanywhere-trust-anchor-created`).
//! What: the trust anchor id is the request's `trustAnchorId` (`EnableTrustAnchor`) or the
//! response's `trustAnchor.trustAnchorId` (`CreateTrustAnchor`, whose request names only the
//! anchor's name).
//! Calls: `GetTrustAnchor`; if it is enabled, `DisableTrustAnchor`; `GetTrustAnchor` to verify.
//! An anchor that is gone or already disabled is a no-op.
//!
//! ```cedar
//! @remediation("rolesanywhere-disable-trust-anchor")
//! forbid (principal, action in [Aws::Action::"rolesanywhere:CreateTrustAnchor",
//!     Aws::Action::"rolesanywhere:EnableTrustAnchor"], resource is Aws::TrustAnchor);
//! ```

use super::prelude::*;

remediation! {
    DisableTrustAnchor {
        name: "rolesanywhere-disable-trust-anchor",
        service: "rolesanywhere",
        iam: &["rolesanywhere:GetTrustAnchor", "rolesanywhere:DisableTrustAnchor"],
    }
    plan: |p| {
        let id = p
            .param("trustAnchorId")
            .or_else(|| p.response("trustAnchor.trustAnchorId"))
            .ok_or_else(|| p.error("the event names no trust anchor id"))?;
        let mut plan = p.plan(
            serde_json::json!({}),
            format!("disable IAM Roles Anywhere trust anchor `{id}`"),
        );
        plan.resource = id.to_owned();
        Ok(plan)
    },
    revert: |plan, aws| {
        let (anchor, roles) = (plan.resource.as_str(), aws.rolesanywhere());
        read: || roles.trust_anchor_enabled(anchor),
        still_wrong: |enabled| {
            enabled.then(|| format!("trust anchor `{anchor}` is still enabled"))
        },
        act: |_| roles.disable_trust_anchor(anchor),
    },
}
