//! The Macie remediation: a paused session is resumed. moto (5.1) serves `GetMacieSession` but
//! not `UpdateMacieSession`, so `apply` runs against a client mocked with aws-smithy-mocks,
//! injected into an `Aws`; the plan comes from the shipped pack.

use aws_sdk_macie2::Client;
use aws_sdk_macie2::error::ErrorMetadata;
use aws_sdk_macie2::operation::get_macie_session::{GetMacieSessionError, GetMacieSessionOutput};
use aws_sdk_macie2::operation::update_macie_session::UpdateMacieSessionOutput;
use aws_sdk_macie2::types::MacieStatus;
use aws_sdk_macie2::types::error::AccessDeniedException;
use aws_smithy_mocks::{Rule, mock};
use serde_json::json;
use snapback::aws::Aws;
use snapback::remediation::{Plan, Status};

use super::common::{ACCOUNT, REGION, apply, event, mock_sdk_config, mocked, plan_for};

const REMEDIATION: &str = "macie-resume-session";

fn pause() -> Plan {
    let event = event(
        "macie2.amazonaws.com",
        "UpdateMacieSession",
        json!({"status": "PAUSED"}),
    );
    plan_for(REMEDIATION, &event)
}

fn session(status: MacieStatus) -> GetMacieSessionOutput {
    GetMacieSessionOutput::builder().status(status).build()
}

fn not_enabled() -> GetMacieSessionError {
    let meta = ErrorMetadata::builder()
        .code("AccessDeniedException")
        .message("Macie is not enabled.")
        .build();
    let err = AccessDeniedException::builder()
        .message("Macie is not enabled.")
        .meta(meta)
        .build();
    GetMacieSessionError::AccessDeniedException(err)
}

fn aws(rules: &[&Rule]) -> Aws {
    let base = mock_sdk_config();
    let conf = aws_sdk_macie2::config::Builder::from(&base)
        .interceptor(mocked(rules))
        .build();
    Aws::from_config(&base, ACCOUNT, REGION, false).with_macie2_client(Client::from_conf(conf))
}

fn resume() -> Rule {
    mock!(Client::update_macie_session)
        .match_requests(|req| {
            req.status() == Some(&MacieStatus::Enabled)
                && req.finding_publishing_frequency().is_none()
        })
        .then_output(|| UpdateMacieSessionOutput::builder().build())
}

#[test]
fn the_plan_needs_a_pause() {
    assert_eq!(pause().remediation, REMEDIATION);
    let resumed = event(
        "macie2.amazonaws.com",
        "UpdateMacieSession",
        json!({"status": "ENABLED"}),
    );
    let decision = super::common::engine().decide(&resumed);
    let err = snapback::remediation::find(REMEDIATION)
        .unwrap()
        .plan(&resumed, &decision.request)
        .unwrap_err();
    assert!(err.message.contains("does not pause"), "{err}");
}

#[tokio::test]
async fn a_paused_session_is_resumed_and_read_back() {
    let get = mock!(Client::get_macie_session)
        .sequence()
        .output(|| session(MacieStatus::Paused))
        .output(|| session(MacieStatus::Enabled))
        .build();
    let update = resume();
    let (result, calls) = apply(&pause(), &aws(&[&get, &update])).await;
    assert_eq!(result, Ok(Status::Applied));
    assert_eq!(
        calls,
        [
            "macie2:GetMacieSession",
            "macie2:UpdateMacieSession",
            "macie2:GetMacieSession"
        ]
    );
    assert_eq!(update.num_calls(), 1);
}

#[tokio::test]
async fn a_running_session_or_macie_disabled_is_a_noop() {
    let running = mock!(Client::get_macie_session).then_output(|| session(MacieStatus::Enabled));
    let update = resume();
    let (result, calls) = apply(&pause(), &aws(&[&running, &update])).await;
    assert_eq!(
        (result, calls.as_slice()),
        (Ok(Status::Noop), &["macie2:GetMacieSession".to_owned()][..])
    );

    let disabled = mock!(Client::get_macie_session).then_error(not_enabled);
    let (result, _) = apply(&pause(), &aws(&[&disabled, &update])).await;
    assert_eq!(result, Ok(Status::Noop));
    assert_eq!(update.num_calls(), 0, "nothing to resume");
}

#[tokio::test]
async fn a_session_still_paused_on_read_back_is_unverified_and_retried() {
    let get = mock!(Client::get_macie_session).then_output(|| session(MacieStatus::Paused));
    let update = resume();
    let (result, _) = apply(&pause(), &aws(&[&get, &update])).await;
    let err = result.unwrap_err();
    assert!(err.retryable(), "{err}");
    assert!(err.message.contains("still paused"), "{err}");
}
