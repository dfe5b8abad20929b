//! The IAM Roles Anywhere remediation: a trust anchor created or enabled is disabled. moto
//! (5.1) does not serve Roles Anywhere, so `apply` runs against a client mocked with
//! aws-smithy-mocks, injected into an `Aws`; the plan comes from the shipped pack.

use aws_sdk_rolesanywhere::Client;
use aws_sdk_rolesanywhere::error::ErrorMetadata;
use aws_sdk_rolesanywhere::operation::disable_trust_anchor::DisableTrustAnchorOutput;
use aws_sdk_rolesanywhere::operation::get_trust_anchor::{
    GetTrustAnchorError, GetTrustAnchorOutput,
};
use aws_sdk_rolesanywhere::types::TrustAnchorDetail;
use aws_sdk_rolesanywhere::types::error::ResourceNotFoundException;
use aws_smithy_mocks::{Rule, mock};
use serde_json::json;
use snapback::aws::Aws;
use snapback::remediation::{Plan, Status};

use super::common::{ACCOUNT, REGION, answered, apply, event, mock_sdk_config, mocked, plan_for};

const REMEDIATION: &str = "rolesanywhere-disable-trust-anchor";
const ANCHOR: &str = "0f3c2a9e-4b1d-4e8a-9c7f-2d5b6a8e1c43";

fn created() -> Plan {
    let event = answered(
        "rolesanywhere.amazonaws.com",
        "CreateTrustAnchor",
        json!({"name": "partner-ca", "enabled": true,
            "source": {"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": "MIIB..."}}}),
        json!({"trustAnchor": {"trustAnchorId": ANCHOR, "name": "partner-ca", "enabled": true}}),
    );
    plan_for(REMEDIATION, &event)
}

fn anchor(enabled: bool) -> GetTrustAnchorOutput {
    let detail = TrustAnchorDetail::builder()
        .trust_anchor_id(ANCHOR)
        .name("partner-ca")
        .enabled(enabled)
        .build();
    GetTrustAnchorOutput::builder().trust_anchor(detail).build()
}

fn aws(rules: &[&Rule]) -> Aws {
    let base = mock_sdk_config();
    let conf = aws_sdk_rolesanywhere::config::Builder::from(&base)
        .interceptor(mocked(rules))
        .build();
    Aws::from_config(&base, ACCOUNT, REGION, false)
        .with_rolesanywhere_client(Client::from_conf(conf))
}

fn disable() -> Rule {
    mock!(Client::disable_trust_anchor)
        .match_requests(|req| req.trust_anchor_id() == Some(ANCHOR))
        .then_output(|| {
            DisableTrustAnchorOutput::builder()
                .trust_anchor(TrustAnchorDetail::builder().build())
                .build()
        })
}

#[test]
fn the_anchor_comes_from_the_response_or_the_request() {
    assert_eq!(created().resource, ANCHOR);
    let enabled = event(
        "rolesanywhere.amazonaws.com",
        "EnableTrustAnchor",
        json!({"trustAnchorId": ANCHOR}),
    );
    assert_eq!(plan_for(REMEDIATION, &enabled).resource, ANCHOR);
}

#[tokio::test]
async fn an_enabled_anchor_is_disabled_and_read_back() {
    let get = mock!(Client::get_trust_anchor)
        .sequence()
        .output(|| anchor(true))
        .output(|| anchor(false))
        .build();
    let disable = disable();
    let (result, calls) = apply(&created(), &aws(&[&get, &disable])).await;
    assert_eq!(result, Ok(Status::Applied));
    assert_eq!(
        calls,
        [
            "rolesanywhere:GetTrustAnchor",
            "rolesanywhere:DisableTrustAnchor",
            "rolesanywhere:GetTrustAnchor"
        ]
    );
    assert_eq!(disable.num_calls(), 1);
}

#[tokio::test]
async fn a_disabled_or_deleted_anchor_is_a_noop() {
    let disable = disable();
    let off = mock!(Client::get_trust_anchor).then_output(|| anchor(false));
    assert_eq!(
        apply(&created(), &aws(&[&off, &disable])).await.0,
        Ok(Status::Noop)
    );

    let gone = mock!(Client::get_trust_anchor).then_error(|| {
        let meta = ErrorMetadata::builder()
            .code("ResourceNotFoundException")
            .message("trust anchor not found")
            .build();
        GetTrustAnchorError::ResourceNotFoundException(
            ResourceNotFoundException::builder()
                .message("trust anchor not found")
                .meta(meta)
                .build(),
        )
    });
    assert_eq!(
        apply(&created(), &aws(&[&gone, &disable])).await.0,
        Ok(Status::Noop)
    );
    assert_eq!(disable.num_calls(), 0);
}
