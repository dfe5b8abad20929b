//! IAM Roles Anywhere calls the remediations make: whether a trust anchor is enabled, and
//! disabling it (never deleting it, so its configuration stays for whoever reviews it).

use super::capability;
use super::error::{found, sent};

capability! {
    /// The Roles Anywhere calls of the trust anchor remediation.
    pub trait RolesAnywhereOps(rolesanywhere) for aws_sdk_rolesanywhere::Client {
        /// Whether the trust anchor is enabled, or None when it is gone.
        fn trust_anchor_enabled<'a>(&'a self, trust_anchor: &'a str) -> Option<bool>
            = "rolesanywhere:GetTrustAnchor", |call| {
            let read = self.get_trust_anchor().trust_anchor_id(trust_anchor);
            let out = found(call, read.send().await, &[])?;
            Ok(out.map(|o| o.trust_anchor().and_then(|t| t.enabled()).unwrap_or(false)))
        }

        /// Disable the trust anchor: certificates it trusts can no longer get credentials.
        fn disable_trust_anchor<'a>(&'a self, trust_anchor: &'a str)
            -> () = "rolesanywhere:DisableTrustAnchor", |call| {
            let disable = self.disable_trust_anchor().trust_anchor_id(trust_anchor);
            sent(call, disable.send().await).map(drop)
        }
    }
}
