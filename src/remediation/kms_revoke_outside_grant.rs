//! `kms-revoke-outside-grant`: revoke a KMS grant given to a principal outside the
//! organization.
//!
//! Why: a grant lets its grantee use the key (decrypt, encrypt, create more grants) without
//! the key policy saying so; one held outside the organization (and not by an account trusted
//! with `snapback:trusted`) hands the data the key protects to someone else.
//! Trigger: `kms:CreateGrant` whose grantee or retiring principal is outside (policy
//! `kms-grant-outside`).
//! What: the plan takes the grant id from the call's response (`grantId`), so only that grant
//! is revoked; the key's other grants and its policy stay.
//! Calls: `ListGrants` for the key; if the grant is still there, `RevokeGrant`; `ListGrants`
//! to verify. A key or grant that is gone is a no-op.
//!
//! ```cedar
//! @remediation("kms-revoke-outside-grant")
//! forbid (principal, action == Aws::Action::"kms:CreateGrant", resource is Aws::KmsKey)
//! when { context has access && context.access.outside };
//! ```

use serde::{Deserialize, Serialize};

use super::outside::Outside;
use super::prelude::*;

#[derive(Debug, Serialize, Deserialize)]
struct Args {
    #[serde(rename = "grantId")]
    grant: String,
}

remediation! {
    RevokeOutsideGrant {
        name: "kms-revoke-outside-grant",
        service: "kms",
        iam: &["kms:ListGrants", "kms:RevokeGrant"],
    }
    plan: |p| {
        let key = p.target("KmsKey")?;
        Outside::of(&p)?;
        let grant = p
            .response("grantId")
            .ok_or_else(|| p.error("the event's response names no grant"))?;
        let summary = format!("revoke grant `{grant}` of KMS key `{key}`");
        Ok(p.plan(serde_json::json!({"grantId": grant}), summary))
    },
    revert: |plan, aws, args: Args| {
        let (key, kms, grant) = (plan.resource.as_str(), aws.kms(), args.grant.as_str());
        read: || async move {
            let grants = kms.grant_ids(key).await?.unwrap_or_default();
            Ok(grants.iter().any(|g| g == grant).then_some(()))
        },
        still_wrong: |_| Some(format!("grant `{grant}` is still there")),
        act: |_| kms.revoke_grant(key, grant),
    },
}
