//! Security Hub remediations on moto.

use serde_json::json;
use snapback::reactor::ModeOverride;

use super::common::{event, react, reactor, sdk_config, status};

async fn client(region: &str) -> aws_sdk_securityhub::Client {
    let config = sdk_config().await;
    let conf = aws_sdk_securityhub::config::Builder::from(&config)
        .region(aws_config::Region::new(region.to_owned()))
        .build();
    aws_sdk_securityhub::Client::from_conf(conf)
}

/// Whether the hub is enabled: moto, like AWS, answers `InvalidAccessException` when it is not
/// (moto in an XML body the SDK cannot parse, so the code is read from the header).
async fn enabled(sh: &aws_sdk_securityhub::Client) -> bool {
    match sh.describe_hub().send().await {
        Ok(_) => true,
        Err(e) => {
            let header = e
                .raw_response()
                .and_then(|r| r.headers().get("x-amzn-errortype"))
                .map(str::to_owned);
            let code = aws_sdk_securityhub::error::ProvideErrorMetadata::code(&e)
                .map(str::to_owned)
                .or(header);
            assert_eq!(code.as_deref(), Some("InvalidAccessException"), "{e:?}");
            false
        }
    }
}

async fn enable(sh: &aws_sdk_securityhub::Client) {
    if !enabled(sh).await {
        sh.enable_security_hub()
            .enable_default_standards(true)
            .send()
            .await
            .unwrap();
    }
}

/// The hub is one per account and region, shared state: this is the only test that touches it.
#[tokio::test]
async fn a_disabled_security_hub_is_enabled_again() {
    let sh = client("us-east-1").await;
    let west = client("us-west-2").await;
    enable(&west).await;
    enable(&sh).await;
    sh.disable_security_hub().send().await.unwrap();
    assert!(!enabled(&sh).await);
    let disable = event("securityhub.amazonaws.com", "DisableSecurityHub", json!({}));

    let audit = reactor(ModeOverride::Audit).await;
    assert_eq!(status(&react(&audit, &disable).await), "planned");
    assert!(!enabled(&sh).await, "audit mode must change nothing");

    let enforce = reactor(ModeOverride::Enforce).await;
    let record = react(&enforce, &disable).await;
    assert_eq!(status(&record), "applied", "{record:?}");
    let calls = &record.remediation.as_ref().unwrap().api_calls;
    assert_eq!(
        calls,
        &[
            "securityhub:DescribeHub",
            "securityhub:EnableSecurityHub",
            "securityhub:DescribeHub"
        ]
    );
    assert!(enabled(&sh).await);
    assert!(enabled(&west).await, "another region's hub was not touched");

    let record = react(&reactor(ModeOverride::Enforce).await, &disable).await;
    assert_eq!(status(&record), "noop", "{record:?}");
    assert_eq!(
        record.remediation.as_ref().unwrap().api_calls,
        ["securityhub:DescribeHub"]
    );
}

/// CloudTrail records `DisableSecurityHub` with no request parameters at all.
#[tokio::test]
async fn an_event_without_parameters_is_planned() {
    let disable = event(
        "securityhub.amazonaws.com",
        "DisableSecurityHub",
        serde_json::Value::Null,
    );
    let record = react(&reactor(ModeOverride::Audit).await, &disable).await;
    assert_eq!(status(&record), "planned", "{record:?}");
}
