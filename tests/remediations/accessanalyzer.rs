//! Access Analyzer remediations. moto (5.1) does not serve Access Analyzer (`GetAnalyzer` and
//! `CreateAnalyzer` answer 404 "Not yet implemented"), so `apply` runs against a client mocked
//! with aws-smithy-mocks, injected into an `Aws`; the plan comes from the real engine.

use aws_sdk_accessanalyzer::Client;
use aws_sdk_accessanalyzer::error::ErrorMetadata;
use aws_sdk_accessanalyzer::operation::create_analyzer::{
    CreateAnalyzerError, CreateAnalyzerOutput,
};
use aws_sdk_accessanalyzer::operation::get_analyzer::{GetAnalyzerError, GetAnalyzerOutput};
use aws_sdk_accessanalyzer::types::error::{ConflictException, ResourceNotFoundException};
use aws_sdk_accessanalyzer::types::{AnalyzerStatus, AnalyzerSummary, Type};
use aws_smithy_mocks::{Rule, mock};
use serde_json::json;
use snapback::aws::{ApiError, Aws};
use snapback::reactor::ModeOverride;
use snapback::remediation::{self, Plan, Status};

use super::common::{
    ACCOUNT, REGION, engine, event, mock_sdk_config, mocked, react, reactor, status,
};

const NAME: &str = "org-guard";
const REMEDIATION: &str = "accessanalyzer-create-analyzer";

fn delete() -> snapback::Event {
    event(
        "access-analyzer.amazonaws.com",
        "DeleteAnalyzer",
        json!({"analyzerName": NAME}),
    )
}

fn plan() -> Plan {
    let event = delete();
    let decision = engine().decide(&event);
    remediation::find(REMEDIATION)
        .unwrap()
        .plan(&event, &decision.request)
        .unwrap()
}

fn analyzer() -> GetAnalyzerOutput {
    let summary = AnalyzerSummary::builder()
        .arn(format!(
            "arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/{NAME}"
        ))
        .name(NAME)
        .r#type(Type::Account)
        .created_at(aws_smithy_types::DateTime::from_secs(0))
        .status(AnalyzerStatus::Active)
        .build()
        .unwrap();
    GetAnalyzerOutput::builder().analyzer(summary).build()
}

fn not_found() -> GetAnalyzerError {
    let meta = ErrorMetadata::builder()
        .code("ResourceNotFoundException")
        .message("analyzer not found")
        .build();
    let err = ResourceNotFoundException::builder()
        .message("analyzer not found")
        .resource_id(NAME)
        .resource_type("Analyzer")
        .meta(meta)
        .build()
        .unwrap();
    GetAnalyzerError::ResourceNotFoundException(err)
}

/// An `Aws` whose Access Analyzer client answers with these rules (the other clients are
/// never called).
fn aws(rules: &[&Rule]) -> Aws {
    let base = mock_sdk_config();
    let conf = aws_sdk_accessanalyzer::config::Builder::from(&base)
        .interceptor(mocked(rules))
        .build();
    Aws::from_config(&base, ACCOUNT, REGION, false)
        .with_accessanalyzer_client(Client::from_conf(conf))
}

async fn apply(aws: &Aws) -> (Result<Status, ApiError>, Vec<String>) {
    remediation::run(remediation::find(REMEDIATION).unwrap(), &plan(), aws).await
}

fn create_account_analyzer() -> Rule {
    mock!(Client::create_analyzer)
        .match_requests(|req| {
            req.analyzer_name() == Some(NAME) && req.r#type() == Some(&Type::Account)
        })
        .then_output(|| {
            CreateAnalyzerOutput::builder()
                .arn(format!(
                    "arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/{NAME}"
                ))
                .build()
        })
}

#[test]
fn the_plan_names_the_deleted_analyzer() {
    let plan = plan();
    assert_eq!(plan.resource, NAME);
    assert_eq!(
        (plan.account.as_str(), plan.region.as_str()),
        (ACCOUNT, REGION)
    );
    assert_eq!(plan.args, json!({"type": "ACCOUNT"}));
}

#[tokio::test]
async fn a_deleted_analyzer_is_recreated_as_an_account_analyzer() {
    let get = mock!(Client::get_analyzer)
        .sequence()
        .error(not_found)
        .output(analyzer)
        .build();
    let create = create_account_analyzer();
    let (result, calls) = apply(&aws(&[&get, &create])).await;
    assert_eq!(result, Ok(Status::Applied));
    assert_eq!(
        calls,
        [
            "access-analyzer:GetAnalyzer",
            "access-analyzer:CreateAnalyzer",
            "access-analyzer:GetAnalyzer"
        ]
    );
    assert_eq!((get.num_calls(), create.num_calls()), (2, 1));
}

#[tokio::test]
async fn an_analyzer_that_exists_is_a_noop() {
    let get = mock!(Client::get_analyzer).then_output(analyzer);
    let create = create_account_analyzer();
    let (result, calls) = apply(&aws(&[&get, &create])).await;
    assert_eq!(result, Ok(Status::Noop));
    assert_eq!(calls, ["access-analyzer:GetAnalyzer"]);
    assert_eq!(create.num_calls(), 0, "nothing was created");
}

#[tokio::test]
async fn a_create_that_lost_a_race_is_verified_by_the_read_back() {
    let get = mock!(Client::get_analyzer)
        .sequence()
        .error(not_found)
        .output(analyzer)
        .build();
    let create = mock!(Client::create_analyzer).then_error(|| {
        let meta = ErrorMetadata::builder().code("ConflictException").build();
        let err = ConflictException::builder()
            .message("analyzer exists")
            .resource_id(NAME)
            .resource_type("Analyzer")
            .meta(meta)
            .build()
            .unwrap();
        CreateAnalyzerError::ConflictException(err)
    });
    let (result, _) = apply(&aws(&[&get, &create])).await;
    assert_eq!(result, Ok(Status::Applied));
}

#[tokio::test]
async fn an_analyzer_missing_after_the_create_is_unverified() {
    let get = mock!(Client::get_analyzer).then_error(not_found);
    let create = create_account_analyzer();
    let (result, calls) = apply(&aws(&[&get, &create])).await;
    let err = result.unwrap_err();
    assert!(err.retryable(), "{err:?}");
    assert_eq!(err.call, "access-analyzer:GetAnalyzer");
    assert_eq!(calls.len(), 3);
}

#[tokio::test]
async fn audit_mode_plans_the_revert() {
    let record = react(&reactor(ModeOverride::Audit).await, &delete()).await;
    assert_eq!(status(&record), "planned", "{record:?}");
}
