//! EC2 remediations on moto (security groups in [`security_groups`], network ACLs in [`nacl`],
//! sharing outside the organization in [`outside`]); `ec2-require-imdsv2` on
//! aws-smithy-mocks ([`imdsv2`]), because moto 5.1's ModifyInstanceMetadataOptions fails
//! (HTTP 500) without `HttpPutResponseHopLimit` and resets every option the request leaves out.

mod block_public;
mod imdsv2;
mod nacl;
mod outside;
mod security_groups;

use aws_sdk_ec2::types::{LaunchPermission, LaunchPermissionModifications, PermissionGroup};
use serde_json::json;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status, unique};

pub(super) async fn ec2() -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&sdk_config().await)
}

#[tokio::test]
async fn ebs_encryption_by_default_is_turned_back_on() {
    let ec2 = ec2().await;
    let enabled = || async {
        ec2.get_ebs_encryption_by_default()
            .send()
            .await
            .unwrap()
            .ebs_encryption_by_default
            .unwrap()
    };
    ec2.disable_ebs_encryption_by_default()
        .send()
        .await
        .unwrap();
    let disable = event(
        "ec2.amazonaws.com",
        "DisableEbsEncryptionByDefault",
        json!({"DisableEbsEncryptionByDefaultRequest": ""}),
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &disable).await),
        "planned"
    );
    assert!(!enabled().await, "audit mode must change nothing");

    let record = react(&reactor(ModeOverride::Enforce).await, &disable).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert!(enabled().await);
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &disable).await),
        "noop"
    );
}

#[tokio::test]
async fn a_public_snapshot_is_made_private_and_account_shares_kept() {
    let ec2 = ec2().await;
    let volume = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(1)
        .send()
        .await
        .unwrap()
        .volume_id
        .unwrap();
    let snapshot = ec2
        .create_snapshot()
        .volume_id(&volume)
        .send()
        .await
        .unwrap()
        .snapshot_id
        .unwrap();
    // moto applies the flat form of the request only (not CreateVolumePermissionModifications).
    ec2.modify_snapshot_attribute()
        .snapshot_id(&snapshot)
        .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
        .operation_type(aws_sdk_ec2::types::OperationType::Add)
        .group_names("all")
        .user_ids("111122223333")
        .send()
        .await
        .unwrap();
    let shares = || async {
        let out = ec2
            .describe_snapshot_attribute()
            .snapshot_id(&snapshot)
            .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
            .send()
            .await
            .unwrap();
        let p = out.create_volume_permissions();
        (
            p.iter().any(|p| p.group() == Some(&PermissionGroup::All)),
            p.iter()
                .filter_map(|p| p.user_id())
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(shares().await, (true, vec!["111122223333".to_owned()]));
    let modify = event(
        "ec2.amazonaws.com",
        "ModifySnapshotAttribute",
        json!({"snapshotId": snapshot, "attributeType": "CREATE_VOLUME_PERMISSION",
            "createVolumePermission": {"add": {"items": [{"group": "all"}, {"userId": "111122223333"}]}}}),
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &modify).await),
        "planned"
    );
    assert!(shares().await.0, "audit mode must change nothing");

    let record = react(&reactor(ModeOverride::Enforce).await, &modify).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(shares().await, (false, vec!["111122223333".to_owned()]));
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &modify).await),
        "noop"
    );
}

#[tokio::test]
async fn a_public_image_is_made_private_and_account_shares_kept() {
    let ec2 = ec2().await;
    let amazon = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .unwrap()
        .images()[0]
        .image_id()
        .unwrap()
        .to_owned();
    let run = ec2
        .run_instances()
        .image_id(amazon)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap();
    let instance = run.instances()[0].instance_id().unwrap().to_owned();
    let image = ec2
        .create_image()
        .instance_id(instance)
        .name(unique("image"))
        .send()
        .await
        .unwrap()
        .image_id
        .unwrap();
    ec2.modify_image_attribute()
        .image_id(&image)
        .launch_permission(
            LaunchPermissionModifications::builder()
                .add(
                    LaunchPermission::builder()
                        .group(PermissionGroup::All)
                        .build(),
                )
                .add(LaunchPermission::builder().user_id("111122223333").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let shares = || async {
        let out = ec2
            .describe_image_attribute()
            .image_id(&image)
            .attribute(aws_sdk_ec2::types::ImageAttributeName::LaunchPermission)
            .send()
            .await
            .unwrap();
        let p = out.launch_permissions();
        (
            p.iter().any(|p| p.group() == Some(&PermissionGroup::All)),
            p.iter()
                .filter_map(|p| p.user_id())
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        )
    };
    let modify = event(
        "ec2.amazonaws.com",
        "ModifyImageAttribute",
        json!({"imageId": image, "attributeType": "launchPermission",
            "launchPermission": {"add": {"items": [{"group": "all"}, {"userId": "111122223333"}]}}}),
    );

    assert_eq!(
        status(&react(&reactor(ModeOverride::Audit).await, &modify).await),
        "planned"
    );
    assert!(shares().await.0, "audit mode must change nothing");

    let record = react(&reactor(ModeOverride::Enforce).await, &modify).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(shares().await, (false, vec!["111122223333".to_owned()]));
    assert_eq!(
        status(&react(&reactor(ModeOverride::Enforce).await, &modify).await),
        "noop"
    );
}
