//! EC2 calls the remediations make: security group ingress (in [`ingress`]), EBS encryption by
//! default, snapshot and image sharing, instance metadata options.

mod ingress;

use aws_sdk_ec2::types::{
    HttpTokensState, ImageAttributeName, LaunchPermission, LaunchPermissionModifications,
    OperationType, PermissionGroup, SnapshotAttributeName,
};

pub use ingress::{IngressPermission, IngressSource};

use super::{ApiError, Aws, classify};

/// Who may use a snapshot or an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sharing {
    /// Shared with everyone (group `all`).
    pub public: bool,
    /// The accounts it is shared with.
    pub accounts: Vec<String>,
}

/// The instance metadata settings a remediation reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceMetadata {
    /// `running`, `stopped`, `terminated`, ...
    pub state: String,
    /// `required` (IMDSv2 only) or `optional`.
    pub http_tokens: String,
}

/// Not-found, whatever the service called it, as a gone resource.
fn gone<T>(call: &str, result: Result<T, ApiError>, extra: &[&str]) -> Result<Option<T>, ApiError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(err)
            if err.is_not_found() || err.code.as_deref().is_some_and(|c| extra.contains(&c)) =>
        {
            tracing::debug!(call, "{err}");
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

impl Aws {
    /// Whether new EBS volumes in this region are encrypted by default.
    pub async fn ec2_ebs_encryption_by_default(&self) -> Result<bool, ApiError> {
        let out = self
            .ec2
            .get_ebs_encryption_by_default()
            .send()
            .await
            .map_err(|e| classify("ec2:GetEbsEncryptionByDefault", &e))?;
        Ok(out.ebs_encryption_by_default().unwrap_or(false))
    }

    pub async fn ec2_enable_ebs_encryption_by_default(&self) -> Result<(), ApiError> {
        self.ec2
            .enable_ebs_encryption_by_default()
            .send()
            .await
            .map_err(|e| classify("ec2:EnableEbsEncryptionByDefault", &e))?;
        Ok(())
    }

    /// Who may create volumes from the snapshot, or None when it does not exist.
    pub async fn ec2_snapshot_sharing(&self, snapshot: &str) -> Result<Option<Sharing>, ApiError> {
        const CALL: &str = "ec2:DescribeSnapshotAttribute";
        let out = self
            .ec2
            .describe_snapshot_attribute()
            .snapshot_id(snapshot)
            .attribute(SnapshotAttributeName::CreateVolumePermission)
            .send()
            .await
            .map_err(|e| classify(CALL, &e));
        Ok(gone(CALL, out, &[])?.map(|out| {
            let permissions = out.create_volume_permissions();
            Sharing {
                public: permissions
                    .iter()
                    .any(|p| p.group() == Some(&PermissionGroup::All)),
                accounts: permissions
                    .iter()
                    .filter_map(|p| p.user_id().map(str::to_owned))
                    .collect(),
            }
        }))
    }

    /// Take the `all` group off the snapshot's create-volume permission.
    pub async fn ec2_unshare_snapshot_publicly(&self, snapshot: &str) -> Result<(), ApiError> {
        self.ec2
            .modify_snapshot_attribute()
            .snapshot_id(snapshot)
            .attribute(SnapshotAttributeName::CreateVolumePermission)
            .operation_type(OperationType::Remove)
            .group_names("all")
            .send()
            .await
            .map_err(|e| classify("ec2:ModifySnapshotAttribute", &e))?;
        Ok(())
    }

    /// Who may launch the image, or None when it does not exist (or was deregistered).
    pub async fn ec2_image_sharing(&self, image: &str) -> Result<Option<Sharing>, ApiError> {
        const CALL: &str = "ec2:DescribeImageAttribute";
        let out = self
            .ec2
            .describe_image_attribute()
            .image_id(image)
            .attribute(ImageAttributeName::LaunchPermission)
            .send()
            .await
            .map_err(|e| classify(CALL, &e));
        Ok(gone(CALL, out, &["InvalidAMIID.Unavailable"])?.map(|out| {
            let permissions = out.launch_permissions();
            Sharing {
                public: permissions
                    .iter()
                    .any(|p| p.group() == Some(&PermissionGroup::All)),
                accounts: permissions
                    .iter()
                    .filter_map(|p| p.user_id().map(str::to_owned))
                    .collect(),
            }
        }))
    }

    /// Take the `all` group off the image's launch permission.
    pub async fn ec2_unshare_image_publicly(&self, image: &str) -> Result<(), ApiError> {
        let remove = LaunchPermissionModifications::builder()
            .remove(
                LaunchPermission::builder()
                    .group(PermissionGroup::All)
                    .build(),
            )
            .build();
        self.ec2
            .modify_image_attribute()
            .image_id(image)
            .launch_permission(remove)
            .send()
            .await
            .map_err(|e| classify("ec2:ModifyImageAttribute", &e))?;
        Ok(())
    }

    /// The instance's state and metadata options, or None when it does not exist.
    pub async fn ec2_instance_metadata(
        &self,
        instance: &str,
    ) -> Result<Option<InstanceMetadata>, ApiError> {
        const CALL: &str = "ec2:DescribeInstances";
        let out = self
            .ec2
            .describe_instances()
            .instance_ids(instance)
            .send()
            .await
            .map_err(|e| classify(CALL, &e));
        let Some(out) = gone(CALL, out, &[])? else {
            return Ok(None);
        };
        let found = out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .find(|i| i.instance_id() == Some(instance));
        Ok(found.map(|i| InstanceMetadata {
            state: i
                .state()
                .and_then(|s| s.name())
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
            http_tokens: i
                .metadata_options()
                .and_then(|m| m.http_tokens())
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
        }))
    }

    /// Require IMDSv2 session tokens; every other metadata option is left as it is.
    pub async fn ec2_require_imdsv2(&self, instance: &str) -> Result<(), ApiError> {
        self.ec2
            .modify_instance_metadata_options()
            .instance_id(instance)
            .http_tokens(HttpTokensState::Required)
            .send()
            .await
            .map_err(|e| classify("ec2:ModifyInstanceMetadataOptions", &e))?;
        Ok(())
    }

    /// Replace the EC2 client, for tests that mock EC2 responses.
    #[doc(hidden)]
    pub fn with_ec2_client(mut self, client: aws_sdk_ec2::Client) -> Self {
        self.ec2 = client;
        self
    }
}
