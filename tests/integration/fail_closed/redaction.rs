//! Secrets never reach what snapback writes: one regression test for each leak found in the
//! decision record (`check` output and the log), `explain` redacting unless `--unredacted`,
//! and the fields policies and auditors need kept as they were. The property test that
//! plants secrets in corpus events is `tests/redaction_planted.rs`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use snapback::decision_log::{Recorder, Redactor};
use snapback::{Engine, Event, StreamParser};

const SECRET: &str = "Zq7SECRETvalue42";

fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::new(
            snapback::load_policies(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"))
                .unwrap(),
        )
    })
}

fn event(source: &str, name: &str, params: &Value) -> Event {
    let record = json!({"eventVersion": "1.08", "eventSource": source, "eventName": name,
        "awsRegion": "us-east-1", "eventID": "e-1", "readOnly": false,
        "recipientAccountId": "123456789012",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/a",
            "accountId": "123456789012"},
        "requestParameters": params});
    let mut events = Vec::new();
    let mut parser = StreamParser::new("test");
    parser.push(record.to_string().as_bytes(), &mut |e| events.push(e));
    parser.finish(&mut |e| events.push(e));
    events.pop().unwrap().unwrap()
}

/// The decision record `check` prints for a request, as JSON, and its `redacted` list.
fn recorded_as(source: &str, name: &str, params: &Value) -> (String, Vec<String>) {
    let event = event(source, name, params);
    let record = Recorder::new("t", Redactor::default()).record(
        &event,
        &engine().decide(&event),
        std::time::SystemTime::now(),
    );
    (serde_json::to_string(&record).unwrap(), record.redacted)
}

/// Asserts that [`SECRET`] does not reach the record of `params` and that `path` is listed.
fn assert_redacted(params: &Value, path: &str) {
    let (text, redacted) = recorded_as("thing.amazonaws.com", "PutThing", params);
    assert!(!text.contains(SECRET), "leaked: {text}");
    assert!(
        redacted.iter().any(|p| p == path),
        "{path} not in {redacted:?}"
    );
}

#[test]
fn authorization_header_leaked() {
    assert_redacted(
        &json!({"headers": {"Authorization": format!("Bearer {SECRET}")}}),
        "headers.Authorization",
    );
}

#[test]
fn api_key_leaked() {
    assert_redacted(&json!({"apiKey": SECRET}), "apiKey");
    assert_redacted(
        &json!({"config": {"x-api-key": SECRET}}),
        "config.x-api-key",
    );
}

#[test]
fn token_leaked() {
    assert_redacted(&json!({"token": SECRET}), "token");
    assert_redacted(&json!({"auth": [{"Token": SECRET}]}), "auth.0.Token");
}

#[test]
fn x_amz_security_token_leaked() {
    assert_redacted(
        &json!({"headers": {"x-amz-security-token": SECRET}}),
        "headers.x-amz-security-token",
    );
}

#[test]
fn secret_key_leaked() {
    assert_redacted(&json!({"secretKey": SECRET}), "secretKey");
}

#[test]
fn passwd_and_pwd_leaked() {
    assert_redacted(&json!({"passwd": SECRET}), "passwd");
    assert_redacted(&json!({"db": {"pwd": SECRET}}), "db.pwd");
}

#[test]
fn private_key_pem_leaked() {
    assert_redacted(&json!({"privateKeyPem": SECRET}), "privateKeyPem");
}

#[test]
fn password2_leaked() {
    assert_redacted(&json!({"password2": SECRET}), "password2");
}

#[test]
fn password_text_leaked() {
    assert_redacted(&json!({"PasswordText": SECRET}), "PasswordText");
}

#[test]
fn ecs_environment_variables_leaked() {
    assert_redacted(
        &json!({"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx",
            "environment": [{"name": "GREETING", "value": SECRET}]}]}),
        "containerDefinitions.0.environment",
    );
}

#[test]
fn codebuild_environment_variables_leaked() {
    let params = json!({"name": "build", "environment": {"type": "LINUX_CONTAINER",
        "image": "aws/codebuild/standard:7.0", "privilegedMode": true,
        "environmentVariables": [{"name": "NPM_CONFIG", "value": SECRET, "type": "PLAINTEXT"}]}});
    assert_redacted(&params, "environment.environmentVariables");
    let (text, _) = recorded_as("codebuild.amazonaws.com", "CreateProject", &params);
    assert!(text.contains(r#""privilegedMode":true"#), "{text}");
}

#[test]
fn cloudformation_parameter_value_leaked() {
    assert_redacted(
        &json!({"stackName": "db", "parameters": [
            {"parameterKey": "DBPassword", "parameterValue": SECRET},
            {"parameterKey": "InstanceClass", "parameterValue": "db.t3.micro"}]}),
        "parameters.0.parameterValue",
    );
}

#[test]
fn ssm_put_parameter_value_leaked() {
    for ty in ["String", "SecureString"] {
        let params = json!({"name": "/app/endpoint", "type": ty, "value": SECRET});
        let (text, redacted) = recorded_as("ssm.amazonaws.com", "PutParameter", &params);
        assert!(!text.contains(SECRET), "leaked: {text}");
        assert_eq!(redacted, ["value"]);
    }
    // Overwriting may leave the type out: the action alone makes `value` secret-bearing.
    let params = json!({"name": "/app/endpoint", "overwrite": true, "value": SECRET});
    let (text, _) = recorded_as("ssm.amazonaws.com", "PutParameter", &params);
    assert!(!text.contains(SECRET), "leaked: {text}");
    assert!(text.contains("/app/endpoint"), "{text}");
}

#[test]
fn capitalised_environment_variables_leaked() {
    assert_redacted(
        &json!({"Environment": {"Variables": {"GREETING": SECRET}}}),
        "Environment.Variables",
    );
}

#[test]
fn nested_environment_variables_leaked() {
    assert_redacted(
        &json!({"functionConfiguration": {"environment": {"variables": {"GREETING": SECRET}}}}),
        "functionConfiguration.environment.variables",
    );
}

#[test]
fn connection_string_password_leaked() {
    assert_redacted(
        &json!({"config": format!("Server=db;Database=app;User Id=sa;Password={SECRET};")}),
        "config",
    );
    assert_redacted(
        &json!({"args": [format!("host=db user=app pwd={SECRET} dbname=app")]}),
        "args.0",
    );
}

#[test]
fn jdbc_url_password_leaked() {
    assert_redacted(
        &json!({"connectionProperties": {"JDBC_CONNECTION_URL":
            format!("jdbc:postgresql://db:5432/app?user=app&password={SECRET}&ssl=true")}}),
        "connectionProperties.JDBC_CONNECTION_URL",
    );
}

#[test]
fn url_credentials_leaked() {
    let params =
        json!({"source": {"location": format!("https://build:{SECRET}@git.example.com/r.git")}});
    assert_redacted(&params, "source.location");
    let (text, _) = recorded_as("thing.amazonaws.com", "PutThing", &params);
    assert!(
        text.contains("https://build:[REDACTED]@git.example.com/r.git"),
        "{text}"
    );
}

#[test]
fn json_inside_a_string_leaked() {
    let body = json!({"Resources": {"Db": {"Type": "AWS::RDS::DBInstance",
        "Properties": {"Engine": "mysql", "MasterUserPassword": SECRET}}}});
    let params = json!({"stackName": "db", "templateBody": body.to_string()});
    assert_redacted(&params, "templateBody");
    let (text, _) = recorded_as("cloudformation.amazonaws.com", "CreateStack", &params);
    assert!(text.contains(r#"\"Engine\":\"mysql\""#), "{text}");
}

/// What policies and auditors need stays exactly as it was: policy documents, security group
/// rules, ARNs, account ids, and names that only look secret.
#[test]
fn policy_fields_are_never_redacted() {
    let params = json!({
        "policyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-AbCdEf\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}]}",
        "bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}]},
        "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
            "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0", "description": "ssh"}]}}]},
        "roleArn": "arn:aws:iam::123456789012:role/service-role/token-rotator",
        "secretId": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-AbCdEf",
        "accountId": "123456789012",
        "pwdLastSet": "2024-01-01T00:00:00Z",
        "clientToken": "c-123", "nextToken": "n-1", "httpTokens": "optional",
        "minimumPasswordLength": 8, "requireSymbols": false,
        "tags": [{"key": "Owner", "value": "alice"}],
        "environment": "production",
    });
    let (out, redacted) = Redactor::default().redact(&params);
    assert_eq!(redacted, Vec::<String>::new());
    assert_eq!(out, params);
}

fn explain(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_snapback"))
        .arg("explain")
        .args(args)
        .arg("-")
        .env_remove("SNAPBACK_REDACT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

const LAMBDA_UPDATE: &str = r#"{"eventVersion":"1.08","eventSource":"lambda.amazonaws.com","eventName":"UpdateFunctionConfiguration20150331v2","awsRegion":"us-east-1","eventID":"e-2","readOnly":false,"recipientAccountId":"123456789012","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/a","accountId":"123456789012"},"requestParameters":{"functionName":"f","environment":{"variables":{"GREETING":"Zq7SECRETvalue42"}},"kmsKeyArn":"arn:aws:kms:us-east-1:123456789012:key/k","apiKey":"Zq7SECRETvalue42"}}"#;

#[test]
fn explain_printed_secrets() {
    let out = explain(&[], LAMBDA_UPDATE);
    assert!(!out.contains(SECRET), "{out}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        shown["redacted"],
        json!(["environment.variables", "apiKey"])
    );
    assert_eq!(
        shown["request"]["action"]["id"],
        "lambda:UpdateFunctionConfiguration20150331v2"
    );
}

#[test]
fn explain_unredacted_shows_the_request_as_received() {
    let out = explain(&["--unredacted"], LAMBDA_UPDATE);
    assert!(out.contains(SECRET), "{out}");
    assert!(!out.contains("[REDACTED]"), "{out}");
}

#[test]
fn explain_redacts_configured_paths() {
    let out = explain(&["--redact", "kmsKeyArn"], LAMBDA_UPDATE);
    assert!(
        !out.contains("arn:aws:kms:us-east-1:123456789012:key/k"),
        "{out}"
    );
}
