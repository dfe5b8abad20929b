//! moto cannot change one metadata option alone, so apply runs against mocked EC2 responses.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::operation::describe_instances::{DescribeInstancesError, DescribeInstancesOutput};
use aws_sdk_ec2::operation::modify_instance_metadata_options::ModifyInstanceMetadataOptionsOutput;
use aws_sdk_ec2::types::{
    HttpTokensState, Instance, InstanceMetadataOptionsResponse, InstanceState, InstanceStateName,
    Reservation,
};
use aws_smithy_mocks::{Rule, mock};
use serde_json::json;
use snapback::aws::Aws;
use snapback::reactor::ModeOverride;
use snapback::remediation::{self, Plan, Status};

use crate::common::{ACCOUNT, REGION, event, mock_sdk_config, mocked, react, reactor, status};

const INSTANCE: &str = "i-0123456789abcdef0";

fn modify_event() -> snapback::Event {
    event(
        "ec2.amazonaws.com",
        "ModifyInstanceMetadataOptions",
        json!({"ModifyInstanceMetadataOptionsRequest": {"InstanceId": INSTANCE, "HttpTokens": "optional"}}),
    )
}

fn plan() -> Plan {
    let event = modify_event();
    remediation::find("ec2-require-imdsv2")
        .unwrap()
        .plan(&event, &snapback::model::build(&event))
        .unwrap()
}

fn described(tokens: HttpTokensState) -> DescribeInstancesOutput {
    let instance = Instance::builder()
        .instance_id(INSTANCE)
        .state(
            InstanceState::builder()
                .name(InstanceStateName::Running)
                .build(),
        )
        .metadata_options(
            InstanceMetadataOptionsResponse::builder()
                .http_tokens(tokens)
                .http_put_response_hop_limit(2)
                .build(),
        )
        .build();
    DescribeInstancesOutput::builder()
        .reservations(Reservation::builder().instances(instance).build())
        .build()
}

fn aws(rules: &[&Rule]) -> Aws {
    let base = mock_sdk_config();
    let conf = aws_sdk_ec2::config::Builder::from(&base)
        .interceptor(mocked(rules))
        .build();
    Aws::from_config(&base, ACCOUNT, REGION, false).with_ec2_client(Client::from_conf(conf))
}

async fn apply(aws: &Aws) -> (Result<Status, snapback::aws::ApiError>, Vec<String>) {
    remediation::run(
        remediation::find("ec2-require-imdsv2").unwrap(),
        &plan(),
        aws,
    )
    .await
}

#[tokio::test]
async fn optional_tokens_are_required_again_and_nothing_else_is_set() {
    let describe = mock!(Client::describe_instances)
        .match_requests(|r| r.instance_ids() == [INSTANCE])
        .sequence()
        .output(|| described(HttpTokensState::Optional))
        .output(|| described(HttpTokensState::Required))
        .build();
    let modify = mock!(Client::modify_instance_metadata_options)
        .match_requests(|r| {
            r.instance_id() == Some(INSTANCE)
                && r.http_tokens() == Some(&HttpTokensState::Required)
                && r.http_put_response_hop_limit().is_none()
                && r.http_endpoint().is_none()
                && r.instance_metadata_tags().is_none()
        })
        .then_output(|| ModifyInstanceMetadataOptionsOutput::builder().build());
    let (result, calls) = apply(&aws(&[&describe, &modify])).await;
    assert_eq!(result, Ok(Status::Applied));
    assert_eq!(
        calls,
        [
            "ec2:DescribeInstances",
            "ec2:ModifyInstanceMetadataOptions",
            "ec2:DescribeInstances"
        ]
    );
    assert_eq!((describe.num_calls(), modify.num_calls()), (2, 1));
}

#[tokio::test]
async fn required_tokens_are_a_noop() {
    let describe =
        mock!(Client::describe_instances).then_output(|| described(HttpTokensState::Required));
    let modify = mock!(Client::modify_instance_metadata_options)
        .then_output(|| ModifyInstanceMetadataOptionsOutput::builder().build());
    let (result, calls) = apply(&aws(&[&describe, &modify])).await;
    assert_eq!(result, Ok(Status::Noop));
    assert_eq!(calls, ["ec2:DescribeInstances"]);
    assert_eq!(modify.num_calls(), 0);
}

#[tokio::test]
async fn a_deleted_instance_is_a_noop() {
    let describe = mock!(Client::describe_instances).then_error(|| {
        DescribeInstancesError::generic(
            aws_sdk_ec2::error::ErrorMetadata::builder()
                .code("InvalidInstanceID.NotFound")
                .message("gone")
                .build(),
        )
    });
    let (result, _) = apply(&aws(&[&describe])).await;
    assert_eq!(result, Ok(Status::Noop));
}

#[tokio::test]
async fn a_change_that_does_not_stick_is_not_verified() {
    let describe =
        mock!(Client::describe_instances).then_output(|| described(HttpTokensState::Optional));
    let modify = mock!(Client::modify_instance_metadata_options)
        .then_output(|| ModifyInstanceMetadataOptionsOutput::builder().build());
    let (result, _) = apply(&aws(&[&describe, &modify])).await;
    let err = result.unwrap_err();
    assert!(
        err.retryable() && err.message.contains("still `optional`"),
        "{err:?}"
    );
}

#[tokio::test]
async fn audit_mode_only_plans() {
    let record = react(&reactor(ModeOverride::Audit).await, &modify_event()).await;
    assert_eq!(status(&record), "planned");
    assert_eq!(record.remediation.unwrap().name, "ec2-require-imdsv2");
}
