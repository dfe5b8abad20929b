//! Remediations: the reverts that `@remediation` names. One file per remediation, each a unit
//! struct implementing [`Remediation`], listed once in [`REGISTRY`].
//!
//! A remediation has two halves. `plan` is pure: from the event alone it works out exactly
//! what to revert (the rules this call opened, the policy this call attached), so the revert
//! never touches what the event did not change. `apply` is idempotent: it reads the current
//! state, acts only if the resource is still non-compliant, and reads back to verify. Already
//! compliant, or gone, is success ([`Status::Noop`]), never an error, so a repeated delivery or
//! a retry after a lost response is harmless.

mod accessanalyzer_create_analyzer;
mod cloudtrail_enable_log_validation;
mod cloudtrail_enable_multi_region;
mod cloudtrail_restore_management_events;
mod cloudtrail_start_logging;
mod config_start_recorder;
mod ec2_enable_ebs_default_encryption;
mod ec2_make_image_private;
mod ec2_make_snapshot_private;
mod ec2_require_imdsv2;
mod ec2_revoke_ingress;
mod ec2_revoke_world_ingress;
mod events_enable_rule;
mod guardduty_create_detector;
mod iam_delete_inline_policy;
mod iam_detach_policy;
mod iam_restore_password_policy;
mod kms_cancel_key_deletion;
mod kms_enable_key;
mod kms_enable_key_rotation;
mod s3_make_bucket_acl_private;
mod s3_remove_public_policy_statements;
mod s3_restore_account_public_access_block;
mod s3_restore_bucket_public_access_block;
mod s3_restore_default_encryption;
mod securityhub_enable;

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::aws::{ApiError, Aws};
use crate::event::Event;
use crate::model::Request;

/// A boxed future, so that remediations can live in one static registry.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a remediation will do for one event: computed purely from the event, serialisable so
/// that dead letters keep it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub remediation: String,
    pub account: String,
    pub region: String,
    /// The resource the revert acts on (a trail name, a group id, ...).
    pub resource: String,
    /// Remediation-specific arguments.
    pub args: serde_json::Value,
    /// One line for people: what will be reverted.
    pub summary: String,
}

/// How an apply ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The change was reverted and the revert read back.
    Applied,
    /// Nothing to do: already compliant, or the resource is gone.
    Noop,
}

/// Why no plan could be made from an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot plan `{remediation}`: {message}")]
pub struct PlanError {
    pub remediation: &'static str,
    pub message: String,
}

/// A revert whose state read back differs from what it wrote.
pub fn unverified(call: &str, what: impl Into<String>) -> ApiError {
    ApiError::new(
        call,
        crate::aws::ErrorKind::Transient,
        format!("revert not visible on read-back: {}", what.into()),
    )
}

/// The AWS calls one apply made, in order, as `service:Operation`.
pub type Calls = Vec<String>;

pub trait Remediation: Send + Sync {
    /// The name policies use in `@remediation`.
    fn name(&self) -> &'static str;
    /// The service the revert calls (the circuit breaker's key).
    fn service(&self) -> &'static str;
    /// The IAM actions `apply` needs, for the deployment's role.
    fn iam_actions(&self) -> &'static [&'static str];
    /// What to revert, from the event alone.
    fn plan(&self, event: &Event, request: &Request) -> Result<Plan, PlanError>;
    /// Read, revert if still needed, read back.
    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        aws: &'a Aws,
        calls: &'a mut Calls,
    ) -> BoxFuture<'a, Result<Status, ApiError>>;
}

/// Every remediation snapback has.
pub static REGISTRY: &[&dyn Remediation] = &[
    &cloudtrail_start_logging::StartLogging,
    &cloudtrail_enable_log_validation::EnableLogValidation,
    &cloudtrail_enable_multi_region::EnableMultiRegion,
    &cloudtrail_restore_management_events::RestoreManagementEvents,
    &accessanalyzer_create_analyzer::CreateAnalyzer,
    &events_enable_rule::EnableRule,
    &guardduty_create_detector::CreateDetector,
    &iam_detach_policy::DetachPolicy,
    &iam_delete_inline_policy::DeleteInlinePolicy,
    &iam_restore_password_policy::RestorePasswordPolicy,
    &kms_cancel_key_deletion::CancelKeyDeletion,
    &kms_enable_key::EnableKey,
    &kms_enable_key_rotation::EnableKeyRotation,
    &securityhub_enable::EnableSecurityHub,
    &s3_restore_bucket_public_access_block::RestoreBucketPublicAccessBlock,
    &s3_restore_account_public_access_block::RestoreAccountPublicAccessBlock,
    &s3_make_bucket_acl_private::MakeBucketAclPrivate,
    &s3_remove_public_policy_statements::RemovePublicPolicyStatements,
    &s3_restore_default_encryption::RestoreDefaultEncryption,
    &config_start_recorder::StartRecorder,
    &ec2_revoke_world_ingress::RevokeWorldIngress,
    &ec2_revoke_ingress::RevokeIngress,
    &ec2_enable_ebs_default_encryption::EnableEbsDefaultEncryption,
    &ec2_make_snapshot_private::MakeSnapshotPrivate,
    &ec2_make_image_private::MakeImagePrivate,
    &ec2_require_imdsv2::RequireImdsv2,
];

/// The remediation registered under `name`.
pub fn find(name: &str) -> Option<&'static dyn Remediation> {
    REGISTRY.iter().copied().find(|r| r.name() == name)
}

/// The names of every registered remediation, for [`crate::policy::load`].
pub fn names() -> Vec<&'static str> {
    REGISTRY.iter().map(|r| r.name()).collect()
}

/// Helpers for plans.
pub(crate) fn plan(
    remediation: &'static str,
    request: &Request,
    args: serde_json::Value,
    summary: String,
) -> Plan {
    Plan {
        remediation: remediation.to_owned(),
        account: request.resource.attr_str("account").to_owned(),
        region: request.resource.attr_str("region").to_owned(),
        resource: request.resource.uid.id.clone(),
        args,
        summary,
    }
}

/// The resource id the event named, or a plan error when the event fell back to the account.
pub(crate) fn target(
    remediation: &'static str,
    request: &Request,
    ty: &str,
) -> Result<String, PlanError> {
    if request.resource.uid.ty == ty {
        Ok(request.resource.uid.id.clone())
    } else {
        Err(PlanError {
            remediation,
            message: format!("the event names no {ty}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = REGISTRY.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
