//! The Security Hub standards remediation: standards someone disabled are enabled again. moto
//! (5.1) serves the hub but not `GetEnabledStandards` or `BatchEnableStandards`, so `apply`
//! runs against a client mocked with aws-smithy-mocks, injected into an `Aws`; the plan comes
//! from the shipped pack.

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::batch_enable_standards::BatchEnableStandardsOutput;
use aws_sdk_securityhub::operation::get_enabled_standards::GetEnabledStandardsOutput;
use aws_sdk_securityhub::types::{StandardsStatus, StandardsSubscription};
use aws_smithy_mocks::{Rule, mock};
use serde_json::json;
use snapback::aws::Aws;
use snapback::remediation::{Plan, Status};

use super::common::{ACCOUNT, REGION, answered, apply, event, mock_sdk_config, mocked, plan_for};

const REMEDIATION: &str = "securityhub-enable-standards";
const FSBP: &str =
    "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
const CIS: &str = "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0";

fn subscription(standard: &str) -> String {
    let path = standard.split("standards/").nth(1).unwrap();
    format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:subscription/{path}")
}

/// `BatchDisableStandards` of FSBP, with the response CloudTrail records.
fn disabled() -> Plan {
    let event = answered(
        "securityhub.amazonaws.com",
        "BatchDisableStandards",
        json!({"standardsSubscriptionArns": [subscription(FSBP)]}),
        json!({"standardsSubscriptions": [{"standardsArn": FSBP,
            "standardsSubscriptionArn": subscription(FSBP), "standardsStatus": "DELETING"}]}),
    );
    plan_for(REMEDIATION, &event)
}

fn enabled(standards: &[(&str, StandardsStatus)]) -> GetEnabledStandardsOutput {
    let list = standards.iter().map(|(arn, status)| {
        StandardsSubscription::builder()
            .standards_arn(*arn)
            .standards_subscription_arn(subscription(arn))
            .standards_status(status.clone())
            .build()
    });
    GetEnabledStandardsOutput::builder()
        .set_standards_subscriptions(Some(list.collect()))
        .build()
}

fn aws(rules: &[&Rule]) -> Aws {
    let base = mock_sdk_config();
    let conf = aws_sdk_securityhub::config::Builder::from(&base)
        .interceptor(mocked(rules))
        .build();
    Aws::from_config(&base, ACCOUNT, REGION, false).with_securityhub_client(Client::from_conf(conf))
}

fn enable_fsbp() -> Rule {
    mock!(Client::batch_enable_standards)
        .match_requests(|req| {
            let arns: Vec<_> = req
                .standards_subscription_requests()
                .iter()
                .map(|r| r.standards_arn())
                .collect();
            arns == [Some(FSBP)]
        })
        .then_output(|| BatchEnableStandardsOutput::builder().build())
}

#[test]
fn the_plan_names_the_standards_from_the_response_or_the_request() {
    assert_eq!(disabled().args, json!({"standardsArns": [FSBP]}));
    let no_response = event(
        "securityhub.amazonaws.com",
        "BatchDisableStandards",
        json!({"standardsSubscriptionArns": [subscription(CIS), subscription(FSBP)]}),
    );
    assert_eq!(
        plan_for(REMEDIATION, &no_response).args,
        json!({"standardsArns": [FSBP, CIS]}),
        "sorted, each once"
    );
}

#[tokio::test]
async fn a_disabled_standard_is_enabled_again_and_the_others_left() {
    let get = mock!(Client::get_enabled_standards)
        .sequence()
        .output(|| {
            enabled(&[
                (CIS, StandardsStatus::Ready),
                (FSBP, StandardsStatus::Deleting),
            ])
        })
        .output(|| {
            enabled(&[
                (CIS, StandardsStatus::Ready),
                (FSBP, StandardsStatus::Pending),
            ])
        })
        .build();
    let enable = enable_fsbp();
    let (result, calls) = apply(&disabled(), &aws(&[&get, &enable])).await;
    assert_eq!(result, Ok(Status::Applied));
    assert_eq!(
        calls,
        [
            "securityhub:GetEnabledStandards",
            "securityhub:BatchEnableStandards",
            "securityhub:GetEnabledStandards"
        ]
    );
    assert_eq!(
        enable.num_calls(),
        1,
        "only the standard the event disabled"
    );
}

#[tokio::test]
async fn a_standard_enabled_again_already_is_a_noop() {
    let get = mock!(Client::get_enabled_standards)
        .then_output(|| enabled(&[(FSBP, StandardsStatus::Ready)]));
    let enable = enable_fsbp();
    let (result, calls) = apply(&disabled(), &aws(&[&get, &enable])).await;
    assert_eq!(result, Ok(Status::Noop));
    assert_eq!(calls, ["securityhub:GetEnabledStandards"]);
    assert_eq!(enable.num_calls(), 0);
}
