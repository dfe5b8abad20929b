//! EC2 calls the remediations make: security group ingress (its types and requests in
//! [`ingress`]), EBS encryption by default, snapshot and image sharing, instance metadata
//! options, network ACL entries, and the region's serial console access and snapshot and image
//! block public access.

mod ingress;

use aws_sdk_ec2::types::{
    HttpTokensState, ImageAttributeName, ImageBlockPublicAccessEnabledState, LaunchPermission,
    LaunchPermissionModifications, NetworkAclEntry, OperationType, PermissionGroup, RuleAction,
    SnapshotAttributeName, SnapshotBlockPublicAccessState,
};

pub use ingress::{IngressPermission, IngressRule, IngressSource};

use super::capability;
use super::error::{found, sent};

/// Who may use a snapshot or an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sharing {
    /// Shared with everyone (group `all`).
    pub public: bool,
    /// The accounts it is shared with.
    pub accounts: Vec<String>,
}

impl Sharing {
    fn new<'p>(
        groups: impl Iterator<Item = (Option<&'p PermissionGroup>, Option<&'p str>)>,
    ) -> Self {
        let (mut public, mut accounts) = (false, Vec::new());
        for (group, user) in groups {
            public |= group == Some(&PermissionGroup::All);
            accounts.extend(user.map(str::to_owned));
        }
        Self { public, accounts }
    }
}

/// The instance metadata settings a remediation reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceMetadata {
    /// `running`, `stopped`, `terminated`, ...
    pub state: String,
    /// `required` (IMDSv2 only) or `optional`.
    pub http_tokens: String,
}

/// One rule of a network ACL, as the remediations compare it with the rule an event made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    pub rule_number: i32,
    pub egress: bool,
    pub allow: bool,
    /// `6` (tcp), `17` (udp), `-1` (all), ...
    pub protocol: String,
    /// The IPv4 or IPv6 range.
    pub cidr: String,
    /// The port range, for tcp and udp.
    pub ports: Option<(i32, i32)>,
}

impl AclEntry {
    fn new(entry: &NetworkAclEntry) -> Option<Self> {
        Some(Self {
            rule_number: entry.rule_number()?,
            egress: entry.egress().unwrap_or(false),
            allow: entry.rule_action() == Some(&RuleAction::Allow),
            protocol: entry.protocol().unwrap_or_default().to_owned(),
            cidr: entry
                .cidr_block()
                .or(entry.ipv6_cidr_block())
                .unwrap_or_default()
                .to_owned(),
            ports: entry.port_range().and_then(|r| Some((r.from()?, r.to()?))),
        })
    }
}

capability! {
    /// The EC2 calls of the security group, EBS, snapshot, image and instance remediations.
    pub trait Ec2Ops(ec2) for aws_sdk_ec2::Client {
        /// Whether new EBS volumes in this region are encrypted by default.
        fn ebs_encryption_by_default<'a>(&'a self) -> bool = "ec2:GetEbsEncryptionByDefault", |call| {
            let out = sent(call, self.get_ebs_encryption_by_default().send().await)?;
            Ok(out.ebs_encryption_by_default().unwrap_or(false))
        }

        /// Turn EBS encryption by default on in this region.
        fn encrypt_ebs_by_default<'a>(&'a self) -> () = "ec2:EnableEbsEncryptionByDefault", |call| {
            sent(call, self.enable_ebs_encryption_by_default().send().await).map(drop)
        }

        /// Who may create volumes from the snapshot, or None when it does not exist.
        fn snapshot_sharing<'a>(&'a self, snapshot: &'a str) -> Option<Sharing>
            = "ec2:DescribeSnapshotAttribute", |call| {
            let read = self
                .describe_snapshot_attribute()
                .snapshot_id(snapshot)
                .attribute(SnapshotAttributeName::CreateVolumePermission);
            Ok(found(call, read.send().await, &[])?.map(|out| {
                Sharing::new(out.create_volume_permissions().iter().map(|p| (p.group(), p.user_id())))
            }))
        }

        /// Take the `all` group off the snapshot's create-volume permission.
        fn unshare_snapshot<'a>(&'a self, snapshot: &'a str) -> () = "ec2:ModifySnapshotAttribute", |call| {
            let modify = self
                .modify_snapshot_attribute()
                .snapshot_id(snapshot)
                .attribute(SnapshotAttributeName::CreateVolumePermission)
                .operation_type(OperationType::Remove)
                .group_names("all");
            sent(call, modify.send().await).map(drop)
        }

        /// Take these accounts off the snapshot's create-volume permission.
        fn unshare_snapshot_with<'a>(&'a self, snapshot: &'a str, accounts: &'a [String])
            -> () = "ec2:ModifySnapshotAttribute", |call| {
            let modify = self
                .modify_snapshot_attribute()
                .snapshot_id(snapshot)
                .attribute(SnapshotAttributeName::CreateVolumePermission)
                .operation_type(OperationType::Remove)
                .set_user_ids(Some(accounts.to_vec()));
            sent(call, modify.send().await).map(drop)
        }

        /// Who may launch the image, or None when it does not exist (or was deregistered).
        fn image_sharing<'a>(&'a self, image: &'a str) -> Option<Sharing> = "ec2:DescribeImageAttribute", |call| {
            let read = self
                .describe_image_attribute()
                .image_id(image)
                .attribute(ImageAttributeName::LaunchPermission);
            Ok(found(call, read.send().await, &["InvalidAMIID.Unavailable"])?.map(|out| {
                Sharing::new(out.launch_permissions().iter().map(|p| (p.group(), p.user_id())))
            }))
        }

        /// Take the `all` group off the image's launch permission.
        fn unshare_image<'a>(&'a self, image: &'a str) -> () = "ec2:ModifyImageAttribute", |call| {
            let all = LaunchPermission::builder().group(PermissionGroup::All).build();
            let remove = LaunchPermissionModifications::builder().remove(all).build();
            let modify = self.modify_image_attribute().image_id(image).launch_permission(remove);
            sent(call, modify.send().await).map(drop)
        }

        /// Take these accounts off the image's launch permission.
        fn unshare_image_with<'a>(&'a self, image: &'a str, accounts: &'a [String])
            -> () = "ec2:ModifyImageAttribute", |call| {
            let users = accounts.iter().map(|a| LaunchPermission::builder().user_id(a).build());
            let remove = LaunchPermissionModifications::builder().set_remove(Some(users.collect())).build();
            let modify = self.modify_image_attribute().image_id(image).launch_permission(remove);
            sent(call, modify.send().await).map(drop)
        }

        /// The rules of the network ACL, or None when it does not exist.
        fn network_acl_entries<'a>(&'a self, acl: &'a str) -> Option<Vec<AclEntry>>
            = "ec2:DescribeNetworkAcls", |call| {
            let out = found(call, self.describe_network_acls().network_acl_ids(acl).send().await, &[])?;
            let acls = out.iter().flat_map(|o| o.network_acls());
            let mut found = acls.filter(|a| a.network_acl_id() == Some(acl)).peekable();
            if found.peek().is_none() {
                return Ok(None);
            }
            Ok(Some(found.flat_map(|a| a.entries()).filter_map(AclEntry::new).collect()))
        }

        /// Delete the network ACL's rule of this number and direction.
        fn delete_network_acl_entry<'a>(&'a self, acl: &'a str, rule_number: i32, egress: bool)
            -> () = "ec2:DeleteNetworkAclEntry", |call| {
            let delete = self
                .delete_network_acl_entry()
                .network_acl_id(acl)
                .rule_number(rule_number)
                .egress(egress);
            sent(call, delete.send().await).map(drop)
        }

        /// The instance's state and metadata options, or None when it does not exist.
        fn instance_metadata<'a>(&'a self, instance: &'a str) -> Option<InstanceMetadata>
            = "ec2:DescribeInstances", |call| {
            let out = found(call, self.describe_instances().instance_ids(instance).send().await, &[])?;
            let found = out.iter().flat_map(|o| o.reservations()).flat_map(|r| r.instances());
            Ok(found.filter(|i| i.instance_id() == Some(instance)).map(|i| InstanceMetadata {
                state: i.state().and_then(|s| s.name()).map(|n| n.as_str().to_owned()).unwrap_or_default(),
                http_tokens: i
                    .metadata_options()
                    .and_then(|m| m.http_tokens())
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
            }).next())
        }

        /// Require IMDSv2 session tokens; every other metadata option is left as it is.
        fn require_imdsv2<'a>(&'a self, instance: &'a str) -> () = "ec2:ModifyInstanceMetadataOptions", |call| {
            let modify = self
                .modify_instance_metadata_options()
                .instance_id(instance)
                .http_tokens(HttpTokensState::Required);
            sent(call, modify.send().await).map(drop)
        }

        /// The group's ingress permissions, one per source, or None when the group does not
        /// exist. A group is named by id (`sg-...`) or, in a default VPC, by name.
        fn ingress<'a>(&'a self, group: &'a str) -> Option<Vec<IngressPermission>>
            = "ec2:DescribeSecurityGroups", |call| {
            ingress::permissions(self, call, group).await
        }

        /// The group's ingress rules among `ids`; rules that no longer exist are left out.
        fn ingress_rules<'a>(&'a self, group: &'a str, ids: &'a [String]) -> Vec<IngressRule>
            = "ec2:DescribeSecurityGroupRules", |call| {
            ingress::rules(self, call, group, ids).await
        }

        /// Revoke exactly these ingress permissions.
        fn revoke_ingress<'a>(&'a self, group: &'a str, permissions: &'a [IngressPermission])
            -> () = "ec2:RevokeSecurityGroupIngress", |call| {
            let revoke = ingress::revoke(self, group).set_ip_permissions(Some(
                permissions.iter().map(IngressPermission::to_sdk).collect(),
            ));
            sent(call, revoke.send().await).map(drop)
        }

        /// Revoke these ingress rules by id.
        fn revoke_ingress_rules<'a>(&'a self, group: &'a str, ids: &'a [String])
            -> () = "ec2:RevokeSecurityGroupIngress", |call| {
            let revoke = self.revoke_security_group_ingress().group_id(group);
            sent(call, revoke.set_security_group_rule_ids(Some(ids.to_vec())).send().await).map(drop)
        }

        /// Whether EC2 serial console access is on for the account in this region.
        fn serial_console_enabled<'a>(&'a self) -> bool = "ec2:GetSerialConsoleAccessStatus", |call| {
            let out = sent(call, self.get_serial_console_access_status().send().await)?;
            Ok(out.serial_console_access_enabled().unwrap_or(false))
        }

        /// Turn EC2 serial console access off for the account in this region.
        fn disable_serial_console<'a>(&'a self) -> () = "ec2:DisableSerialConsoleAccess", |call| {
            sent(call, self.disable_serial_console_access().send().await).map(drop)
        }

        /// The block public access state for EBS snapshots in this region
        /// (`block-all-sharing`, `block-new-sharing` or `unblocked`).
        fn snapshot_block_public_access<'a>(&'a self) -> String
            = "ec2:GetSnapshotBlockPublicAccessState", |call| {
            let out = sent(call, self.get_snapshot_block_public_access_state().send().await)?;
            Ok(out.state().map(|s| s.as_str().to_owned()).unwrap_or_default())
        }

        /// Block new public sharing of EBS snapshots in this region.
        fn block_new_snapshot_sharing<'a>(&'a self) -> () = "ec2:EnableSnapshotBlockPublicAccess", |call| {
            let enable = self
                .enable_snapshot_block_public_access()
                .state(SnapshotBlockPublicAccessState::BlockNewSharing);
            sent(call, enable.send().await).map(drop)
        }

        /// The block public access state for AMIs in this region (`block-new-sharing` or
        /// `unblocked`).
        fn image_block_public_access<'a>(&'a self) -> String
            = "ec2:GetImageBlockPublicAccessState", |call| {
            let out = sent(call, self.get_image_block_public_access_state().send().await)?;
            Ok(out.image_block_public_access_state().unwrap_or_default().to_owned())
        }

        /// Block new public sharing of AMIs in this region.
        fn block_new_image_sharing<'a>(&'a self) -> () = "ec2:EnableImageBlockPublicAccess", |call| {
            let enable = self
                .enable_image_block_public_access()
                .image_block_public_access_state(ImageBlockPublicAccessEnabledState::BlockNewSharing);
            sent(call, enable.send().await).map(drop)
        }
    }
}
