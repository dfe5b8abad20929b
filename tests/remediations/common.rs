//! Shared harness for the remediation tests against moto: clients, the reactor, events.

#![allow(dead_code, reason = "each test file uses part of the harness")]

use std::path::PathBuf;
use std::time::SystemTime;

use snapback::aws::{Factory, Settings};
use snapback::decision_log::{DecisionRecord, Recorder, Redactor};
use snapback::reactor::{Config, ModeOverride, Reactor};
use snapback::resilience::SpoolDir;
use snapback::{Engine, Event, StreamParser};

/// The reactor every test runs events through.
pub type TestReactor = Reactor<Factory, SpoolDir>;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

/// The moto endpoint `./scripts/test` started.
pub fn endpoint() -> String {
    std::env::var("SNAPBACK_TEST_ENDPOINT").unwrap_or_else(|_| {
        panic!("SNAPBACK_TEST_ENDPOINT is not set: run ./scripts/test, which starts a moto server")
    })
}

/// An SDK configuration pointing at moto, with test credentials.
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint())
        .region(aws_config::Region::new(REGION))
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await
}

/// A unique name for this test's resources (moto state is shared by parallel tests).
pub fn unique(prefix: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{n}-{nanos}", std::process::id())
}

pub fn engine() -> Engine {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies");
    Engine::new(snapback::load_policies(&dir).unwrap_or_else(|e| panic!("{e:?}")))
}

pub fn spool() -> SpoolDir {
    let dir = std::env::temp_dir().join(unique("snapback-spool"));
    SpoolDir::new(&dir).unwrap()
}

/// A reactor on moto in the given mode.
pub async fn reactor(mode: ModeOverride) -> Reactor<Factory, SpoolDir> {
    reactor_on(engine(), mode).await
}

async fn reactor_on(engine: Engine, mode: ModeOverride) -> Reactor<Factory, SpoolDir> {
    let recorder = Recorder::new(engine.pack().hash.clone(), Redactor::default());
    let settings = Settings {
        endpoint_url: Some(endpoint()),
        home_account: Some(ACCOUNT.to_owned()),
        ..Settings::default()
    };
    let config = Config {
        mode,
        ..Config::default()
    };
    Reactor::new(
        engine,
        recorder,
        Factory::new(settings).await,
        spool(),
        config,
    )
}

/// An EventBridge event ("AWS API Call via CloudTrail") around a CloudTrail record.
pub fn eventbridge(record: serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
    let service = record
        .get("eventSource")
        .and_then(serde_json::Value::as_str)
        .and_then(|s| s.split('.').next())
        .unwrap_or("unknown")
        .to_owned();
    serde_json::json!({
        "version": "0",
        "id": unique("eb"),
        "detail-type": "AWS API Call via CloudTrail",
        "source": format!("aws.{service}"),
        "account": ACCOUNT,
        "time": "2026-11-20T09:05:01Z",
        "region": REGION,
        "resources": [],
        "detail": record,
    })
}

/// A bare CloudTrail record for `service:event_name` with these request parameters, made by
/// a developer's assumed role.
pub fn event(source: &str, event_name: &str, params: serde_json::Value) -> Event {
    answered(source, event_name, params, serde_json::Value::Null)
}

/// [`event`], with the call's `responseElements`.
pub fn answered(
    source: &str,
    event_name: &str,
    params: serde_json::Value,
    response: serde_json::Value,
) -> Event {
    let record = serde_json::json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:dev",
            "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/Developer/dev"),
            "accountId": ACCOUNT,
            "sessionContext": {"sessionIssuer": {"type": "Role", "arn": format!("arn:aws:iam::{ACCOUNT}:role/Developer"), "accountId": ACCOUNT, "userName": "Developer"},
                "attributes": {"mfaAuthenticated": "false", "creationDate": "2026-11-20T09:00:00Z"}}
        },
        "eventTime": "2026-11-20T09:05:00Z",
        "eventSource": source,
        "eventName": event_name,
        "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": params,
        "responseElements": response,
        "eventID": unique("evt"),
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": ACCOUNT
    });
    let mut events = Vec::new();
    let mut parser = StreamParser::new("test");
    parser.push(record.to_string().as_bytes(), &mut |e| events.push(e));
    parser.finish(&mut |e| events.push(e));
    events.pop().unwrap().unwrap()
}

/// Run one event through the reactor and return its record.
pub async fn react(reactor: &Reactor<Factory, SpoolDir>, event: &Event) -> DecisionRecord {
    reactor.handle(event, SystemTime::now()).await.record
}

/// The remediation status of a record, as text.
pub fn status(record: &DecisionRecord) -> &'static str {
    record
        .remediation
        .as_ref()
        .map_or("none", |r| r.status.as_str())
}

/// A new trail with its bucket, not logging, in the account `config` reaches.
pub async fn stopped_trail(config: &aws_config::SdkConfig) -> (String, aws_sdk_cloudtrail::Client) {
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    );
    let bucket = unique("trail-bucket").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let ct = aws_sdk_cloudtrail::Client::new(config);
    let name = unique("trail");
    ct.create_trail()
        .name(&name)
        .s3_bucket_name(&bucket)
        .send()
        .await
        .unwrap();
    (name, ct)
}

/// A queue's ARN.
pub async fn queue_arn(sqs: &aws_sdk_sqs::Client, url: &str) -> String {
    sqs.get_queue_attributes()
        .queue_url(url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
        .clone()
}

/// Whether a trail is logging.
pub async fn logging(ct: &aws_sdk_cloudtrail::Client, name: &str) -> bool {
    ct.get_trail_status()
        .name(name)
        .send()
        .await
        .unwrap()
        .is_logging
        .unwrap_or(false)
}

/// A copy of the shipped policy directory with one policy that does not validate.
pub fn broken_policies() -> PathBuf {
    let dir = std::env::temp_dir().join(unique("bad-policies"));
    std::fs::create_dir_all(&dir).unwrap();
    let policies = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies");
    for entry in std::fs::read_dir(&policies).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        dir.join("zz-broken.cedar"),
        "@id(\"zz-broken\")\n@severity(\"high\")\nforbid (principal, action, resource) when { context.nope };\n",
    )
    .unwrap();
    dir
}

/// A policy document as IAM returns it (URL-encoded JSON; moto may leave it as written).
pub fn document(raw: &str) -> serde_json::Value {
    if let Ok(doc) = serde_json::from_str(raw) {
        return doc;
    }
    let mut bytes = Vec::new();
    let mut rest = raw.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match (b, tail.get(..2)) {
            (b'%', Some(hex)) => {
                bytes.push(u8::from_str_radix(std::str::from_utf8(hex).unwrap(), 16).unwrap());
                rest = &tail[2..];
            }
            (b'+', _) => {
                bytes.push(b' ');
                rest = tail;
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    serde_json::from_slice(&bytes).unwrap()
}

/// An SDK configuration for clients mocked with aws-smithy-mocks: test credentials, no
/// endpoint, and an HTTP client that never sends (each service's client adds its rules with
/// [`mocked`]).
pub fn mock_sdk_config() -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("testing", "testing", None, None, "test"),
            ),
        )
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .build()
}

/// An interceptor answering with these rules, in any order.
pub fn mocked(rules: &[&aws_smithy_mocks::Rule]) -> aws_smithy_mocks::MockResponseInterceptor {
    rules.iter().fold(
        aws_smithy_mocks::MockResponseInterceptor::new()
            .rule_mode(aws_smithy_mocks::RuleMode::MatchAny),
        |interceptor, rule| interceptor.with_rule(rule),
    )
}

/// The plan the shipped pack's policy makes for `event` with `remediation`.
pub fn plan_for(remediation: &str, event: &Event) -> snapback::remediation::Plan {
    let decision = engine().decide(event);
    snapback::remediation::find(remediation)
        .unwrap()
        .plan(event, &decision.request)
        .unwrap()
}

/// Apply `plan` with `aws`: its result and the calls it made.
pub async fn apply(
    plan: &snapback::remediation::Plan,
    aws: &snapback::aws::Aws,
) -> (
    Result<snapback::remediation::Status, snapback::aws::ApiError>,
    Vec<String>,
) {
    let remediation = snapback::remediation::find(&plan.remediation).unwrap();
    snapback::remediation::run(remediation, plan, aws).await
}
