//! `s3-restore-account-public-access-block`: turn the account's S3 Block Public Access back on.
//!
//! Why: the account-level setting keeps every bucket of the account private whatever its own
//! settings, ACLs and policy say; deleting it or turning a flag off exposes them all (CIS 2.1.4).
//! Trigger: `s3:PutAccountPublicAccessBlock` with a flag off and
//! `s3:DeleteAccountPublicAccessBlock` (policy `s3-account-public-access-block-weakened`).
//! Baseline: the declared baseline is all four flags on (`BlockPublicAcls`, `IgnorePublicAcls`,
//! `BlockPublicPolicy`, `RestrictPublicBuckets`).
//! Calls (S3 Control, with the account id): `GetPublicAccessBlock`; if a flag is off (or there
//! is no configuration), `PutPublicAccessBlock` with all four flags on; `GetPublicAccessBlock`
//! to verify. The client is built for the event's region (the account resource has none).
//!
//! ```cedar
//! @remediation("s3-restore-account-public-access-block")
//! forbid (principal, action in [Aws::Action::"s3:PutAccountPublicAccessBlock",
//!     Aws::Action::"s3:DeleteAccountPublicAccessBlock"], resource)
//! when { action == Aws::Action::"s3:DeleteAccountPublicAccessBlock" ||
//!     (context has publicAccessBlock && !context.publicAccessBlock.allEnabled) };
//! ```

use super::prelude::*;

remediation! {
    RestoreAccountPublicAccessBlock {
        name: "s3-restore-account-public-access-block",
        service: "s3control",
        iam: &["s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"],
    }
    plan: |p| {
        let mut plan = p.resource("Account", |account| {
            format!("turn on all four Block Public Access flags of account `{account}`")
        })?;
        if plan.region.is_empty() {
            let region = p.event.region().filter(|r| !r.is_empty());
            plan.region = region.ok_or_else(|| p.error("the event names no region"))?.to_owned();
        }
        Ok(plan)
    },
    revert: |plan, aws| {
        let (account, s3control) = (plan.resource.as_str(), aws.s3control());
        read: || setting(s3control.account_public_access_block(account)),
        still_wrong: |flags| {
            (!flags.all_enabled())
                .then(|| format!("account `{account}` still has a flag off: {flags:?}"))
        },
        act: |_| s3control.block_account_public_access(account),
    },
}
