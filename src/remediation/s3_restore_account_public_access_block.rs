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
//! IAM: `s3:GetAccountPublicAccessBlock`, `s3:PutAccountPublicAccessBlock`.
//!
//! ```cedar
//! @remediation("s3-restore-account-public-access-block")
//! forbid (principal, action in [Aws::Action::"s3:PutAccountPublicAccessBlock",
//!     Aws::Action::"s3:DeleteAccountPublicAccessBlock"], resource)
//! when { action == Aws::Action::"s3:DeleteAccountPublicAccessBlock" ||
//!     (context has publicAccessBlock && !context.publicAccessBlock.allEnabled) };
//! ```

use super::{BoxFuture, Calls, Plan, PlanError, Remediation, Status, plan, target, unverified};
use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

pub struct RestoreAccountPublicAccessBlock;

impl Remediation for RestoreAccountPublicAccessBlock {
    fn name(&self) -> &'static str {
        "s3-restore-account-public-access-block"
    }

    fn service(&self) -> &'static str {
        "s3control"
    }

    fn iam_actions(&self) -> &'static [&'static str] {
        &[
            "s3:GetAccountPublicAccessBlock",
            "s3:PutAccountPublicAccessBlock",
        ]
    }

    fn plan(&self, event: &Event, request: &Request) -> Result<Plan, PlanError> {
        let account = target(self.name(), request, "Account")?;
        let summary = format!("turn on all four Block Public Access flags of account `{account}`");
        let mut plan = plan(self.name(), request, serde_json::json!({}), summary);
        if plan.region.is_empty() {
            plan.region = event
                .region()
                .filter(|r| !r.is_empty())
                .ok_or_else(|| PlanError {
                    remediation: self.name(),
                    message: "the event names no region".into(),
                })?
                .to_owned();
        }
        Ok(plan)
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>> {
        Box::pin(async move {
            let account = plan.resource.as_str();
            calls.push("s3control:GetPublicAccessBlock".into());
            if aws
                .s3control_public_access_block(account)
                .await?
                .all_enabled()
            {
                return Ok(Status::Noop);
            }
            calls.push("s3control:PutPublicAccessBlock".into());
            aws.s3control_block_all_public_access(account).await?;
            calls.push("s3control:GetPublicAccessBlock".into());
            let flags = aws.s3control_public_access_block(account).await?;
            if flags.all_enabled() {
                Ok(Status::Applied)
            } else {
                Err(unverified(
                    "s3control:GetPublicAccessBlock",
                    format!("account `{account}` still has a flag off: {flags:?}"),
                ))
            }
        })
    }
}
