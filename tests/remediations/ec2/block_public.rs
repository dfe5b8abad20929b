//! The region settings that guard against public sharing: serial console access, and block
//! public access for EBS snapshots and AMIs. moto (5.1) does not implement
//! `GetSerialConsoleAccessStatus`, `DisableSerialConsoleAccess`,
//! `Get`/`EnableSnapshotBlockPublicAccess(State)` or `Get`/`EnableImageBlockPublicAccess(State)`,
//! so apply runs against an EC2 client mocked with aws-smithy-mocks and injected into an
//! `Aws`; the plan comes from the real engine, and audit mode runs the shipped pack through a
//! reactor on moto (it makes no call).

use aws_sdk_ec2::Client;
use aws_sdk_ec2::operation::disable_serial_console_access::DisableSerialConsoleAccessOutput;
use aws_sdk_ec2::operation::enable_image_block_public_access::EnableImageBlockPublicAccessOutput;
use aws_sdk_ec2::operation::enable_snapshot_block_public_access::EnableSnapshotBlockPublicAccessOutput;
use aws_sdk_ec2::operation::get_image_block_public_access_state::GetImageBlockPublicAccessStateOutput;
use aws_sdk_ec2::operation::get_serial_console_access_status::GetSerialConsoleAccessStatusOutput;
use aws_sdk_ec2::operation::get_snapshot_block_public_access_state::GetSnapshotBlockPublicAccessStateOutput;
use aws_sdk_ec2::types::{ImageBlockPublicAccessEnabledState, SnapshotBlockPublicAccessState};
use aws_smithy_mocks::{Rule, mock};
use serde_json::json;
use snapback::aws::{ApiError, Aws};
use snapback::reactor::ModeOverride;
use snapback::remediation::{self, Status};

use crate::common::{
    ACCOUNT, REGION, engine, event, mock_sdk_config, mocked, react, reactor, status,
};

/// An `Aws` whose EC2 client answers with these rules.
fn aws(rules: &[&Rule]) -> Aws {
    let base = mock_sdk_config();
    let conf = aws_sdk_ec2::config::Builder::from(&base)
        .interceptor(mocked(rules))
        .build();
    Aws::from_config(&base, ACCOUNT, REGION, false).with_ec2_client(Client::from_conf(conf))
}

/// Plan `name` for the EC2 call `event_name` through the real engine, then apply it.
async fn apply(name: &str, event_name: &str, aws: &Aws) -> (Result<Status, ApiError>, Vec<String>) {
    let event = event("ec2.amazonaws.com", event_name, json!({}));
    let decision = engine().decide(&event);
    let remediation = remediation::find(name).unwrap();
    let plan = remediation.plan(&event, &decision.request).unwrap();
    assert_eq!(
        (plan.resource.as_str(), plan.account.as_str()),
        (REGION, ACCOUNT),
        "the setting is the region's"
    );
    remediation::run(remediation, &plan, aws).await
}

/// Audit mode through the shipped pack: `event_name` plans the remediation `name`, and calls
/// nothing.
async fn assert_planned(name: &str, event_name: &str) {
    let reactor = reactor(ModeOverride::Audit).await;
    let record = react(&reactor, &event("ec2.amazonaws.com", event_name, json!({}))).await;
    assert_eq!(status(&record), "planned", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().map(|r| r.name.as_str()),
        Some(name)
    );
}

const SERIAL: &str = "ec2-disable-serial-console";

fn serial(on: bool) -> GetSerialConsoleAccessStatusOutput {
    GetSerialConsoleAccessStatusOutput::builder()
        .serial_console_access_enabled(on)
        .build()
}

#[tokio::test]
async fn serial_console_access_is_turned_back_off() {
    assert_planned(SERIAL, "EnableSerialConsoleAccess").await;
    let get = mock!(Client::get_serial_console_access_status)
        .sequence()
        .output(|| serial(true))
        .output(|| serial(false))
        .build();
    let disable = mock!(Client::disable_serial_console_access).then_output(|| {
        DisableSerialConsoleAccessOutput::builder()
            .serial_console_access_enabled(false)
            .build()
    });
    let (result, calls) = apply(SERIAL, "EnableSerialConsoleAccess", &aws(&[&get, &disable])).await;
    assert_eq!(result, Ok(Status::Applied));
    assert_eq!(
        calls,
        [
            "ec2:GetSerialConsoleAccessStatus",
            "ec2:DisableSerialConsoleAccess",
            "ec2:GetSerialConsoleAccessStatus"
        ]
    );
    assert_eq!(disable.num_calls(), 1);
}

#[tokio::test]
async fn serial_console_access_already_off_is_a_noop() {
    let get = mock!(Client::get_serial_console_access_status).then_output(|| serial(false));
    let disable = mock!(Client::disable_serial_console_access)
        .then_output(|| DisableSerialConsoleAccessOutput::builder().build());
    let (result, calls) = apply(SERIAL, "EnableSerialConsoleAccess", &aws(&[&get, &disable])).await;
    assert_eq!(result, Ok(Status::Noop));
    assert_eq!(calls, ["ec2:GetSerialConsoleAccessStatus"]);
    assert_eq!(disable.num_calls(), 0, "nothing was changed");
}

#[tokio::test]
async fn serial_console_access_still_on_after_the_disable_is_unverified() {
    let get = mock!(Client::get_serial_console_access_status).then_output(|| serial(true));
    let disable = mock!(Client::disable_serial_console_access)
        .then_output(|| DisableSerialConsoleAccessOutput::builder().build());
    let (result, _) = apply(SERIAL, "EnableSerialConsoleAccess", &aws(&[&get, &disable])).await;
    let err = result.unwrap_err();
    assert!(err.retryable(), "{err:?}");
    assert_eq!(err.call, "ec2:GetSerialConsoleAccessStatus");
}

const SNAPSHOTS: &str = "ec2-block-public-snapshots";

fn snapshot_state(
    state: SnapshotBlockPublicAccessState,
) -> GetSnapshotBlockPublicAccessStateOutput {
    GetSnapshotBlockPublicAccessStateOutput::builder()
        .state(state)
        .build()
}

#[tokio::test]
async fn snapshot_block_public_access_is_turned_back_on_as_block_new_sharing() {
    assert_planned(SNAPSHOTS, "DisableSnapshotBlockPublicAccess").await;
    let get = mock!(Client::get_snapshot_block_public_access_state)
        .sequence()
        .output(|| snapshot_state(SnapshotBlockPublicAccessState::Unblocked))
        .output(|| snapshot_state(SnapshotBlockPublicAccessState::BlockNewSharing))
        .build();
    let enable = mock!(Client::enable_snapshot_block_public_access)
        .match_requests(|req| req.state() == Some(&SnapshotBlockPublicAccessState::BlockNewSharing))
        .then_output(|| {
            EnableSnapshotBlockPublicAccessOutput::builder()
                .state(SnapshotBlockPublicAccessState::BlockNewSharing)
                .build()
        });
    let rules = [&get, &enable];
    let (result, calls) = apply(SNAPSHOTS, "DisableSnapshotBlockPublicAccess", &aws(&rules)).await;
    assert_eq!(result, Ok(Status::Applied));
    assert_eq!(
        calls,
        [
            "ec2:GetSnapshotBlockPublicAccessState",
            "ec2:EnableSnapshotBlockPublicAccess",
            "ec2:GetSnapshotBlockPublicAccessState"
        ]
    );
    assert_eq!(
        enable.num_calls(),
        1,
        "the request asked for block-new-sharing"
    );
}

#[tokio::test]
async fn a_snapshot_block_in_either_state_is_kept() {
    for state in [
        SnapshotBlockPublicAccessState::BlockAllSharing,
        SnapshotBlockPublicAccessState::BlockNewSharing,
    ] {
        let get = mock!(Client::get_snapshot_block_public_access_state)
            .then_output(move || snapshot_state(state.clone()));
        let enable = mock!(Client::enable_snapshot_block_public_access)
            .then_output(|| EnableSnapshotBlockPublicAccessOutput::builder().build());
        let rules = [&get, &enable];
        let (result, calls) =
            apply(SNAPSHOTS, "DisableSnapshotBlockPublicAccess", &aws(&rules)).await;
        assert_eq!(result, Ok(Status::Noop));
        assert_eq!(calls, ["ec2:GetSnapshotBlockPublicAccessState"]);
        assert_eq!(enable.num_calls(), 0, "block-all-sharing is not weakened");
    }
}

const IMAGES: &str = "ec2-block-public-images";

fn image_state(state: &str) -> GetImageBlockPublicAccessStateOutput {
    GetImageBlockPublicAccessStateOutput::builder()
        .image_block_public_access_state(state)
        .build()
}

#[tokio::test]
async fn image_block_public_access_is_turned_back_on() {
    assert_planned(IMAGES, "DisableImageBlockPublicAccess").await;
    let get = mock!(Client::get_image_block_public_access_state)
        .sequence()
        .output(|| image_state("unblocked"))
        .output(|| image_state("block-new-sharing"))
        .build();
    let enable = mock!(Client::enable_image_block_public_access)
        .match_requests(|req| {
            req.image_block_public_access_state()
                == Some(&ImageBlockPublicAccessEnabledState::BlockNewSharing)
        })
        .then_output(|| {
            EnableImageBlockPublicAccessOutput::builder()
                .image_block_public_access_state(
                    ImageBlockPublicAccessEnabledState::BlockNewSharing,
                )
                .build()
        });
    let rules = [&get, &enable];
    let (result, calls) = apply(IMAGES, "DisableImageBlockPublicAccess", &aws(&rules)).await;
    assert_eq!(result, Ok(Status::Applied));
    assert_eq!(
        calls,
        [
            "ec2:GetImageBlockPublicAccessState",
            "ec2:EnableImageBlockPublicAccess",
            "ec2:GetImageBlockPublicAccessState"
        ]
    );
    assert_eq!(enable.num_calls(), 1);

    let blocked = mock!(Client::get_image_block_public_access_state)
        .then_output(|| image_state("block-new-sharing"));
    let (result, calls) = apply(IMAGES, "DisableImageBlockPublicAccess", &aws(&[&blocked])).await;
    assert_eq!(
        result,
        Ok(Status::Noop),
        "already blocked: a second delivery"
    );
    assert_eq!(calls, ["ec2:GetImageBlockPublicAccessState"]);
}
