//! `ec2-unshare-image-outside` and `ec2-unshare-snapshot-outside` on moto: an image or a
//! snapshot shared with an account of the organization and with an attacker's; only the
//! attacker's share (the one the event added from outside) is taken back. A deregistered image
//! is not tested: moto 5.1 answers DescribeImageAttribute for one with HTTP 500.

use aws_sdk_ec2::types::{
    ImageAttributeName, LaunchPermission, LaunchPermissionModifications, OperationType,
    SnapshotAttributeName,
};
use serde_json::json;
use snapback::reactor::ModeOverride;

use super::super::common::{event, react, reactor, status, unique};
use super::ec2;

/// An account of the organization (log-archive), an attacker's, and one shared with later.
const MEMBER: &str = "111122223333";
const ATTACKER: &str = "210987654321";
const LATER: &str = "777766665555";

/// A new image of this account.
async fn image(ec2: &aws_sdk_ec2::Client) -> String {
    let images = ec2.describe_images().owners("amazon").send().await.unwrap();
    let amazon = images.images()[0].image_id().unwrap().to_owned();
    let run = ec2
        .run_instances()
        .image_id(amazon)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap();
    let instance = run.instances()[0].instance_id().unwrap().to_owned();
    let created = ec2
        .create_image()
        .instance_id(instance)
        .name(unique("image"))
        .send()
        .await
        .unwrap();
    created.image_id.unwrap()
}

async fn share_image(ec2: &aws_sdk_ec2::Client, image: &str, accounts: &[&str]) {
    let mut add = LaunchPermissionModifications::builder();
    for account in accounts {
        add = add.add(LaunchPermission::builder().user_id(*account).build());
    }
    ec2.modify_image_attribute()
        .image_id(image)
        .launch_permission(add.build())
        .send()
        .await
        .unwrap();
}

async fn image_shares(ec2: &aws_sdk_ec2::Client, image: &str) -> Vec<String> {
    let out = ec2
        .describe_image_attribute()
        .image_id(image)
        .attribute(ImageAttributeName::LaunchPermission)
        .send()
        .await
        .unwrap();
    let mut accounts: Vec<String> = out
        .launch_permissions()
        .iter()
        .filter_map(|p| p.user_id().map(str::to_owned))
        .collect();
    accounts.sort();
    accounts
}

fn share_image_event(image: &str, accounts: &[&str]) -> snapback::Event {
    let items: Vec<_> = accounts.iter().map(|a| json!({"userId": a})).collect();
    event(
        "ec2.amazonaws.com",
        "ModifyImageAttribute",
        json!({"imageId": image, "attributeType": "launchPermission",
            "launchPermission": {"add": {"items": items}}}),
    )
}

#[tokio::test]
async fn an_image_shared_outside_is_unshared_from_the_outside_accounts_only() {
    let ec2 = ec2().await;
    let image = image(&ec2).await;
    share_image(&ec2, &image, &[MEMBER, ATTACKER]).await;
    let shared = share_image_event(&image, &[MEMBER, ATTACKER]);
    share_image(&ec2, &image, &[LATER]).await;
    let all = vec![MEMBER.to_owned(), ATTACKER.to_owned(), LATER.to_owned()];
    let mut all_sorted = all.clone();
    all_sorted.sort();

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &shared).await), "planned");
    assert_eq!(
        image_shares(&ec2, &image).await,
        all_sorted,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &shared).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "ec2:DescribeImageAttribute",
            "ec2:ModifyImageAttribute",
            "ec2:DescribeImageAttribute"
        ]
    );
    let mut kept = vec![MEMBER.to_owned(), LATER.to_owned()];
    kept.sort();
    assert_eq!(
        image_shares(&ec2, &image).await,
        kept,
        "only the event's outside share goes"
    );

    let again = react(&reactor(ModeOverride::Enforce).await, &shared).await;
    assert_eq!(status(&again), "noop", "{again:?}");
}

/// A new snapshot of a new volume.
async fn snapshot(ec2: &aws_sdk_ec2::Client) -> String {
    let volume = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(1)
        .send()
        .await
        .unwrap();
    let created = ec2
        .create_snapshot()
        .volume_id(volume.volume_id.unwrap())
        .send()
        .await
        .unwrap();
    created.snapshot_id.unwrap()
}

async fn share_snapshot(ec2: &aws_sdk_ec2::Client, snapshot: &str, accounts: &[&str]) {
    // moto applies the flat form of the request only (not CreateVolumePermissionModifications).
    ec2.modify_snapshot_attribute()
        .snapshot_id(snapshot)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .operation_type(OperationType::Add)
        .set_user_ids(Some(accounts.iter().map(|a| (*a).to_owned()).collect()))
        .send()
        .await
        .unwrap();
}

async fn snapshot_shares(ec2: &aws_sdk_ec2::Client, snapshot: &str) -> Vec<String> {
    let out = ec2
        .describe_snapshot_attribute()
        .snapshot_id(snapshot)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .send()
        .await
        .unwrap();
    let mut accounts: Vec<String> = out
        .create_volume_permissions()
        .iter()
        .filter_map(|p| p.user_id().map(str::to_owned))
        .collect();
    accounts.sort();
    accounts
}

fn share_snapshot_event(snapshot: &str, accounts: &[&str]) -> snapback::Event {
    let items: Vec<_> = accounts.iter().map(|a| json!({"userId": a})).collect();
    event(
        "ec2.amazonaws.com",
        "ModifySnapshotAttribute",
        json!({"snapshotId": snapshot, "attributeType": "CREATE_VOLUME_PERMISSION",
            "createVolumePermission": {"add": {"items": items}}}),
    )
}

#[tokio::test]
async fn a_snapshot_shared_outside_is_unshared_from_the_outside_accounts_only() {
    let ec2 = ec2().await;
    let snapshot = snapshot(&ec2).await;
    share_snapshot(&ec2, &snapshot, &[MEMBER, ATTACKER]).await;
    let shared = share_snapshot_event(&snapshot, &[MEMBER, ATTACKER]);
    share_snapshot(&ec2, &snapshot, &[LATER]).await;
    let mut all = vec![MEMBER.to_owned(), ATTACKER.to_owned(), LATER.to_owned()];
    all.sort();

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &shared).await), "planned");
    assert_eq!(
        snapshot_shares(&ec2, &snapshot).await,
        all,
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &shared).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "ec2:DescribeSnapshotAttribute",
            "ec2:ModifySnapshotAttribute",
            "ec2:DescribeSnapshotAttribute"
        ]
    );
    let mut kept = vec![MEMBER.to_owned(), LATER.to_owned()];
    kept.sort();
    assert_eq!(
        snapshot_shares(&ec2, &snapshot).await,
        kept,
        "only the event's outside share goes"
    );

    let again = react(&reactor(ModeOverride::Enforce).await, &shared).await;
    assert_eq!(status(&again), "noop", "{again:?}");
}

#[tokio::test]
async fn a_deleted_snapshot_is_a_noop() {
    let ec2 = ec2().await;
    let snapshot = snapshot(&ec2).await;
    share_snapshot(&ec2, &snapshot, &[ATTACKER]).await;
    ec2.delete_snapshot()
        .snapshot_id(&snapshot)
        .send()
        .await
        .unwrap();
    let shared = share_snapshot_event(&snapshot, &[ATTACKER]);
    let record = react(&reactor(ModeOverride::Enforce).await, &shared).await;
    assert_eq!(status(&record), "noop", "{record:?}");
}
