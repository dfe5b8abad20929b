//! KMS calls the remediations make: key state, cancelling deletion, enabling keys and
//! rotation.

use super::{ApiError, Aws, classify};

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

impl Aws {
    /// The key, or None when it does not exist (any more).
    pub async fn kms_describe_key(&self, key: &str) -> Result<Option<KmsKey>, ApiError> {
        use aws_sdk_kms::types::KeyState as Sdk;
        const CALL: &str = "kms:DescribeKey";
        match self.kms.describe_key().key_id(key).send().await {
            Ok(out) => Ok(out.key_metadata.map(|m| {
                let state = match m.key_state {
                    Some(Sdk::Enabled) => KmsKeyState::Enabled,
                    Some(Sdk::Disabled) => KmsKeyState::Disabled,
                    Some(Sdk::PendingDeletion | Sdk::PendingReplicaDeletion) => {
                        KmsKeyState::PendingDeletion
                    }
                    Some(other) => KmsKeyState::Other(other.as_str().to_owned()),
                    None if m.enabled => KmsKeyState::Enabled,
                    None => KmsKeyState::Other(String::new()),
                };
                KmsKey {
                    id: m.key_id,
                    state,
                }
            })),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }

    pub async fn kms_cancel_key_deletion(&self, key: &str) -> Result<(), ApiError> {
        self.kms
            .cancel_key_deletion()
            .key_id(key)
            .send()
            .await
            .map_err(|e| classify("kms:CancelKeyDeletion", &e))?;
        Ok(())
    }

    pub async fn kms_enable_key(&self, key: &str) -> Result<(), ApiError> {
        self.kms
            .enable_key()
            .key_id(key)
            .send()
            .await
            .map_err(|e| classify("kms:EnableKey", &e))?;
        Ok(())
    }

    /// Whether automatic rotation is on, or None when the key does not exist.
    pub async fn kms_rotation_enabled(&self, key: &str) -> Result<Option<bool>, ApiError> {
        const CALL: &str = "kms:GetKeyRotationStatus";
        match self.kms.get_key_rotation_status().key_id(key).send().await {
            Ok(out) => Ok(Some(out.key_rotation_enabled)),
            Err(e) => match classify(CALL, &e) {
                err if err.is_not_found() => Ok(None),
                err => Err(err),
            },
        }
    }

    /// Turn automatic rotation on, with the service's default period.
    pub async fn kms_enable_key_rotation(&self, key: &str) -> Result<(), ApiError> {
        self.kms
            .enable_key_rotation()
            .key_id(key)
            .send()
            .await
            .map_err(|e| classify("kms:EnableKeyRotation", &e))?;
        Ok(())
    }
}
