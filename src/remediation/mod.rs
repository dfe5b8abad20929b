//! Remediations: the reverts that `@remediation` names. One file per remediation, each a
//! [`remediation!`] declaration of a unit struct implementing [`Remediation`], listed once in
//! [`REGISTRY`].
//!
//! A remediation has two halves. `plan` is pure: from the event alone it works out exactly
//! what to revert (the rules this call opened, the policy this call attached), so the revert
//! never touches what the event did not change. `apply` is idempotent: it reads the current
//! state, acts only if the resource is still non-compliant, and reads back to verify. Already
//! compliant, or gone, is success ([`Status::Noop`]), never an error, so a repeated delivery or
//! a retry after a lost response is harmless. That skeleton is [`revert`]; a remediation gives
//! it three closures, and reaches AWS only through the [`Capabilities`] it is handed, asking for
//! the services it uses. [`run`] records the calls an apply makes.

mod accessanalyzer_create_analyzer;
mod cloudtrail_enable_log_validation;
mod cloudtrail_enable_multi_region;
mod cloudtrail_restore_management_events;
mod cloudtrail_start_logging;
mod config_start_recorder;
mod declare;
mod ec2_block_public_images;
mod ec2_block_public_snapshots;
mod ec2_delete_world_nacl_entry;
mod ec2_disable_serial_console;
mod ec2_enable_ebs_default_encryption;
mod ec2_ingress;
mod ec2_make_image_private;
mod ec2_make_snapshot_private;
mod ec2_require_imdsv2;
mod ec2_revoke_ingress;
mod ec2_revoke_world_ingress;
mod ec2_unshare_image_outside;
mod ec2_unshare_snapshot_outside;
mod ecr_remove_outside_policy_statements;
mod events_enable_rule;
mod guardduty_create_detector;
mod guardduty_delete_suppression_filter;
mod guardduty_enable_detector;
mod iam_deactivate_access_key;
mod iam_delete_inline_policy;
mod iam_delete_login_profile;
mod iam_detach_policy;
mod iam_principal;
mod iam_remove_outside_trust;
mod iam_restore_password_policy;
mod inspector2_enable_scanning;
mod kms_cancel_key_deletion;
mod kms_enable_key;
mod kms_enable_key_rotation;
mod kms_remove_outside_key_policy_statements;
mod kms_revoke_outside_grant;
mod lambda_function_url_require_iam;
mod lambda_remove_outside_layer_permission;
mod lambda_remove_outside_permission;
mod macie_resume_session;
mod opensearch_remove_outside_policy_statements;
mod outside;
mod policy_doc;
mod rds_enable_auto_minor_upgrade;
mod rds_make_instance_private;
mod rds_unshare_snapshot_outside;
mod redshift_make_cluster_private;
mod revert;
mod rolesanywhere_disable_trust_anchor;
mod route53resolver_reassociate_query_logging;
mod s3_make_bucket_acl_private;
mod s3_remove_outside_policy_statements;
mod s3_remove_public_policy_statements;
mod s3_restore_account_public_access_block;
mod s3_restore_bucket_public_access_block;
mod s3_restore_default_encryption;
mod secretsmanager_remove_outside_policy_statements;
mod securityhub_enable;
mod securityhub_enable_standards;
mod sns_remove_outside_policy_statements;
mod sqs_remove_outside_policy_statements;

use serde::{Deserialize, Serialize};

pub use crate::aws::BoxFuture;
use crate::aws::{ApiError, Capabilities, ErrorKind, Recorded};
use crate::event::Event;
use crate::model::Request;
use crate::resilience::Retryable;
pub(crate) use declare::Planning;
pub(crate) use declare::remediation;
pub use revert::{revert, setting, unverified};

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

/// The AWS calls one apply made, in order, as `service:Operation`.
pub type Calls = Vec<String>;

/// An apply under way.
pub type Applying<'a> = BoxFuture<'a, Result<Status, ApiError>>;

/// What a remediation is, for the registry, the circuit breakers and the deployment's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    /// The name policies use in `@remediation`.
    pub name: &'static str,
    /// The service the revert calls (the circuit breaker's key).
    pub service: &'static str,
    /// The IAM actions `apply` needs.
    pub iam_actions: &'static [&'static str],
}

pub trait Remediation: Send + Sync {
    /// Its name, service and IAM actions.
    fn meta(&self) -> &'static Meta;
    /// What to revert, from the event alone.
    fn plan(&self, event: &Event, request: &Request) -> Result<Plan, PlanError>;
    /// Read, revert if still needed, read back, through the services it asks `aws` for.
    fn apply<'a>(&'a self, plan: &'a Plan, aws: &'a dyn Capabilities) -> Applying<'a>;

    /// The name policies use in `@remediation`.
    fn name(&self) -> &'static str {
        self.meta().name
    }
    /// The service the revert calls (the circuit breaker's key).
    fn service(&self) -> &'static str {
        self.meta().service
    }
    /// The IAM actions `apply` needs, for the deployment's role.
    fn iam_actions(&self) -> &'static [&'static str] {
        self.meta().iam_actions
    }
}

/// Apply `remediation` through capabilities that record each call: the result, and the calls
/// made in order (for the decision record's `api_calls`).
pub async fn run(
    remediation: &dyn Remediation,
    plan: &Plan,
    aws: &dyn Capabilities,
) -> (Result<Status, ApiError>, Calls) {
    let recorded = Recorded::new(aws);
    let result = remediation.apply(plan, &recorded).await;
    (result, recorded.into_calls())
}

/// Retrying a remediation: its errors are worth another attempt when AWS throttled or failed
/// transiently; a deadline that passes ends it as transient.
impl Retryable for ApiError {
    fn retryable(&self) -> bool {
        ApiError::retryable(self)
    }

    fn deadline_passed(mid_call: bool) -> Self {
        let why = if mid_call {
            "the event's deadline passed mid-call"
        } else {
            "the event's deadline passed"
        };
        ApiError::new("snapback:deadline", ErrorKind::Transient, why)
    }
}

/// The plan arguments `apply` reads back, or a rejected error naming the remediation.
pub(crate) fn args<T: serde::de::DeserializeOwned>(plan: &Plan) -> Result<T, ApiError> {
    serde_json::from_value(plan.args.clone()).map_err(|e| {
        ApiError::new(
            &plan.remediation,
            ErrorKind::Rejected,
            format!("invalid plan arguments: {e}"),
        )
    })
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
    &guardduty_enable_detector::EnableDetector,
    &guardduty_delete_suppression_filter::DeleteSuppressionFilter,
    &iam_detach_policy::DetachPolicy,
    &iam_delete_inline_policy::DeleteInlinePolicy,
    &iam_restore_password_policy::RestorePasswordPolicy,
    &iam_remove_outside_trust::RemoveOutsideTrust,
    &iam_deactivate_access_key::DeactivateAccessKey,
    &iam_delete_login_profile::DeleteLoginProfile,
    &kms_cancel_key_deletion::CancelKeyDeletion,
    &kms_enable_key::EnableKey,
    &kms_enable_key_rotation::EnableKeyRotation,
    &kms_revoke_outside_grant::RevokeOutsideGrant,
    &kms_remove_outside_key_policy_statements::RemoveOutsideKeyPolicyStatements,
    &securityhub_enable::EnableSecurityHub,
    &s3_restore_bucket_public_access_block::RestoreBucketPublicAccessBlock,
    &s3_restore_account_public_access_block::RestoreAccountPublicAccessBlock,
    &s3_make_bucket_acl_private::MakeBucketAclPrivate,
    &s3_remove_public_policy_statements::RemovePublicPolicyStatements,
    &s3_remove_outside_policy_statements::RemoveOutsidePolicyStatements,
    &s3_restore_default_encryption::RestoreDefaultEncryption,
    &config_start_recorder::StartRecorder,
    &ec2_revoke_world_ingress::RevokeWorldIngress,
    &ec2_revoke_ingress::RevokeIngress,
    &ec2_enable_ebs_default_encryption::EnableEbsDefaultEncryption,
    &ec2_make_snapshot_private::MakeSnapshotPrivate,
    &ec2_make_image_private::MakeImagePrivate,
    &ec2_require_imdsv2::RequireImdsv2,
    &sqs_remove_outside_policy_statements::RemoveOutsideQueuePolicyStatements,
    &ec2_delete_world_nacl_entry::DeleteWorldNaclEntry,
    &ec2_unshare_image_outside::UnshareImageOutside,
    &ec2_unshare_snapshot_outside::UnshareSnapshotOutside,
    &lambda_remove_outside_permission::RemoveOutsidePermission,
    &lambda_function_url_require_iam::FunctionUrlRequireIam,
    &lambda_remove_outside_layer_permission::RemoveOutsideLayerPermission,
    &rds_unshare_snapshot_outside::UnshareSnapshotOutside,
    &rds_make_instance_private::MakeInstancePrivate,
    &sns_remove_outside_policy_statements::RemoveOutsideTopicPolicyStatements,
    &secretsmanager_remove_outside_policy_statements::RemoveOutsideSecretPolicyStatements,
    &ecr_remove_outside_policy_statements::RemoveOutsideRepositoryPolicyStatements,
    &ec2_disable_serial_console::DisableSerialConsole,
    &ec2_block_public_snapshots::BlockPublicSnapshots,
    &ec2_block_public_images::BlockPublicImages,
    &rds_enable_auto_minor_upgrade::EnableAutoMinorUpgrade,
    &redshift_make_cluster_private::MakeClusterPrivate,
    &opensearch_remove_outside_policy_statements::RemoveOutsideDomainPolicyStatements,
    &inspector2_enable_scanning::EnableScanning,
    &macie_resume_session::ResumeSession,
    &route53resolver_reassociate_query_logging::ReassociateQueryLogging,
    &rolesanywhere_disable_trust_anchor::DisableTrustAnchor,
    &securityhub_enable_standards::EnableStandards,
];

/// The remediation registered under `name`.
pub fn find(name: &str) -> Option<&'static dyn Remediation> {
    REGISTRY.iter().copied().find(|r| r.name() == name)
}

/// The names of every registered remediation, for [`crate::policy::load`].
pub fn names() -> Vec<&'static str> {
    REGISTRY.iter().map(|r| r.name()).collect()
}

/// What every remediation file uses (`use super::prelude::*;`).
mod prelude {
    pub(super) use super::{remediation, setting};
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan `remediation` makes for an EC2 call `name` with these request parameters.
    pub(super) fn ec2_plan(
        remediation: &dyn Remediation,
        name: &str,
        params: serde_json::Value,
    ) -> Result<Plan, PlanError> {
        plan_for(remediation, "ec2.amazonaws.com", name, params)
    }

    /// The plan `remediation` makes for the call `name` of the service `source`
    /// (`lambda.amazonaws.com`) with these request parameters.
    pub(super) fn plan_for(
        remediation: &dyn Remediation,
        source: &str,
        name: &str,
        params: serde_json::Value,
    ) -> Result<Plan, PlanError> {
        let record = serde_json::json!({
            "eventVersion": "1.09", "eventSource": source, "eventName": name,
            "awsRegion": "us-east-1", "recipientAccountId": "123456789012", "eventID": "e1",
            "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/dev", "accountId": "123456789012"},
            "requestParameters": params
        });
        let mut events = Vec::new();
        let mut parser = crate::event::StreamParser::new("test");
        parser.push(record.to_string().as_bytes(), &mut |e| events.push(e));
        parser.finish(&mut |e| events.push(e));
        let event = events.pop().unwrap().unwrap();
        remediation.plan(&event, &crate::model::build(&event))
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = REGISTRY.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
