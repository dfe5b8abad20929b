//! KMS calls the remediations make: key state, cancelling deletion, enabling keys and
//! rotation.

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

        /// Turn automatic rotation on, with the service's default period.
        fn enable_rotation<'a>(&'a self, key: &'a str) -> () = "kms:EnableKeyRotation", |call| {
            sent(call, self.enable_key_rotation().key_id(key).send().await).map(drop)
        }
    }
}
