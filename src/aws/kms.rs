//! KMS calls the remediations make: key state, cancelling deletion, enabling keys and
//! rotation, grants and the key policy.

use aws_sdk_kms::types::{KeyMetadata, KeyState};

use super::capability;
use super::error::{found, sent};

/// The state of a KMS key, as far as the remediations tell states apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KmsKeyState {
    Enabled,
    Disabled,
    /// Scheduled for deletion (`PendingDeletion`, or `PendingReplicaDeletion` for a
    /// multi-Region primary key that still has replicas).
    PendingDeletion,
    /// Any other state (`PendingImport`, `Unavailable`, `Creating`, `Updating`, ...).
    Other(String),
}

/// A KMS key as `DescribeKey` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsKey {
    /// The key id (not an alias or ARN), usable in every later call.
    pub id: String,
    pub state: KmsKeyState,
}

impl From<KeyMetadata> for KmsKey {
    fn from(m: KeyMetadata) -> Self {
        let state = match m.key_state {
            Some(KeyState::Enabled) => KmsKeyState::Enabled,
            Some(KeyState::Disabled) => KmsKeyState::Disabled,
            Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion) => {
                KmsKeyState::PendingDeletion
            }
            Some(other) => KmsKeyState::Other(other.as_str().to_owned()),
            None if m.enabled => KmsKeyState::Enabled,
            None => KmsKeyState::Other(String::new()),
        };
        Self {
            id: m.key_id,
            state,
        }
    }
}

capability! {
    /// The KMS calls of the key remediations.
    pub trait KmsOps(kms) for aws_sdk_kms::Client {
        /// The key, or None when it does not exist (any more).
        fn key<'a>(&'a self, key: &'a str) -> Option<KmsKey> = "kms:DescribeKey", |call| {
            let out = found(call, self.describe_key().key_id(key).send().await, &[])?;
            Ok(out.and_then(|o| o.key_metadata).map(KmsKey::from))
        }

        /// Cancel the key's scheduled deletion (it is then disabled).
        fn cancel_deletion<'a>(&'a self, key: &'a str) -> () = "kms:CancelKeyDeletion", |call| {
            sent(call, self.cancel_key_deletion().key_id(key).send().await).map(drop)
        }

        /// Enable the key.
        fn enable<'a>(&'a self, key: &'a str) -> () = "kms:EnableKey", |call| {
            sent(call, self.enable_key().key_id(key).send().await).map(drop)
        }

        /// Whether automatic rotation is on, or None when the key does not exist.
        fn rotation_enabled<'a>(&'a self, key: &'a str) -> Option<bool> = "kms:GetKeyRotationStatus", |call| {
            let out = found(call, self.get_key_rotation_status().key_id(key).send().await, &[])?;
            Ok(out.map(|o| o.key_rotation_enabled))
        }

        /// The ids of the key's grants, or None when the key does not exist.
        fn grant_ids<'a>(&'a self, key: &'a str) -> Option<Vec<String>> = "kms:ListGrants", |call| {
            let list = self.list_grants().key_id(key).into_paginator().items().send();
            let grants = found(call, list.try_collect().await, &[])?;
            Ok(grants.map(|grants| grants.into_iter().filter_map(|g| g.grant_id).collect()))
        }

        /// Revoke one grant of the key.
        fn revoke_grant<'a>(&'a self, key: &'a str, grant: &'a str) -> () = "kms:RevokeGrant", |call| {
            sent(call, self.revoke_grant().key_id(key).grant_id(grant).send().await).map(drop)
        }

        /// The key's policy (the one named `default`, the only name KMS has), or None when
        /// the key does not exist.
        fn key_policy<'a>(&'a self, key: &'a str) -> Option<String> = "kms:GetKeyPolicy", |call| {
            let read = self.get_key_policy().key_id(key).policy_name("default");
            Ok(found(call, read.send().await, &[])?.and_then(|o| o.policy))
        }

        /// Replace the key's policy.
        fn set_key_policy<'a>(&'a self, key: &'a str, policy: &'a str) -> () = "kms:PutKeyPolicy", |call| {
            let put = self.put_key_policy().key_id(key).policy_name("default").policy(policy);
            sent(call, put.send().await).map(drop)
        }

        /// Turn automatic rotation on, with the service's default period.
        fn enable_rotation<'a>(&'a self, key: &'a str) -> () = "kms:EnableKeyRotation", |call| {
            sent(call, self.enable_key_rotation().key_id(key).send().await).map(drop)
        }
    }
}
