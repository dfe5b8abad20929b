//! The Amazon Inspector remediation on moto: resource types someone stopped scanning are
//! scanned again (the shipped policy `inspector-disabled` names it). Inspector's state is one
//! per account and region, shared by every test: this is the only test that touches it.

use aws_sdk_inspector2::Client;
use aws_sdk_inspector2::types::{ResourceScanType, Status};
use serde_json::json;
use snapback::Event;
use snapback::reactor::ModeOverride;

use super::common::{ACCOUNT, event, react, reactor, sdk_config, status};

async fn inspector() -> Client {
    Client::new(&sdk_config().await)
}

/// The scan status of EC2, ECR and Lambda functions in the account.
async fn scanning(inspector: &Client) -> [bool; 3] {
    let out = inspector
        .batch_get_account_status()
        .account_ids(ACCOUNT)
        .send()
        .await
        .unwrap();
    let state = out.accounts()[0].resource_state().unwrap();
    let on = |s: Option<&aws_sdk_inspector2::types::State>| s.unwrap().status() == &Status::Enabled;
    [on(state.ec2()), on(state.ecr()), on(state.lambda())]
}

fn disable(types: &[&str]) -> Event {
    event(
        "inspector2.amazonaws.com",
        "Disable",
        json!({"accountIds": [ACCOUNT], "resourceTypes": types}),
    )
}

#[tokio::test]
async fn scanning_is_enabled_again_for_the_types_disabled() {
    let inspector = inspector().await;
    inspector
        .disable()
        .account_ids(ACCOUNT)
        .resource_types(ResourceScanType::Ec2)
        .resource_types(ResourceScanType::Ecr)
        .resource_types(ResourceScanType::Lambda)
        .send()
        .await
        .unwrap();
    let event = disable(&["EC2", "ECR"]);

    let audit = react(&reactor(ModeOverride::Audit).await, &event).await;
    assert_eq!(status(&audit), "planned", "{audit:?}");
    assert_eq!(
        scanning(&inspector).await,
        [false; 3],
        "audit mode must change nothing"
    );

    let record = react(&reactor(ModeOverride::Enforce).await, &event).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        [
            "inspector2:BatchGetAccountStatus",
            "inspector2:Enable",
            "inspector2:BatchGetAccountStatus"
        ]
    );
    assert_eq!(
        scanning(&inspector).await,
        [true, true, false],
        "only the types the event disabled"
    );
    let again = react(&reactor(ModeOverride::Enforce).await, &event).await;
    assert_eq!(status(&again), "noop", "a second delivery: {again:?}");
}
