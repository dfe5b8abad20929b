//! Fields the shipped policies rely on that are present but malformed fail closed: an embedded
//! policy that is not JSON, a CIDR or port that does not read, a flag that is not a boolean, a
//! resource name or a caller's type that is not a string gives an `error` decision naming the
//! field, never `compliant`; a violation that matched anyway stays `non_compliant` with the
//! error listed. Absent fields, and events no policy reads the field for, decide as before.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Value, json};
use snapback::decision_log::{DecisionRecord, Recorder, Redactor};
use snapback::{Engine, Outcome, StreamParser};

fn shipped() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies");
        Engine::new(snapback::load_policies(&dir).unwrap_or_else(|e| panic!("{e:?}")))
    })
}

/// A write call by an ordinary role, not the break-glass one.
fn call(source: &str, name: &str, params: Value) -> Value {
    json!({
        "eventVersion": "1.09",
        "eventSource": format!("{source}.amazonaws.com"),
        "eventName": name,
        "awsRegion": "us-east-1",
        "eventID": "0f6c3a52-1111-4b7a-9c1e-2a5d7f0e9b10",
        "eventTime": "2025-09-01T10:01:02Z",
        "readOnly": false,
        "recipientAccountId": "123456789012",
        "userIdentity": {
            "type": "AssumedRole",
            "arn": "arn:aws:sts::123456789012:assumed-role/Developer/li.wei",
            "accountId": "123456789012",
            "sessionContext": {"sessionIssuer": {"type": "Role",
                "arn": "arn:aws:iam::123456789012:role/Developer"}}
        },
        "requestParameters": params
    })
}

/// The record the decision log would hold for the event, read from a stream as `check` reads it.
fn decide_with(engine: &Engine, event: &Value) -> DecisionRecord {
    let mut events = Vec::new();
    let mut parser = StreamParser::new("events.jsonl");
    parser.push(
        format!("{{\"skip\":\"me\"}}\n{event}\n").as_bytes(),
        &mut |e| events.push(e),
    );
    parser.finish(&mut |e| events.push(e));
    let recorder = Recorder::new("test", Redactor::default());
    let now = std::time::SystemTime::now();
    // A field of the record itself of the wrong type is rejected when the event is read, before
    // the model: the same error decision, one layer earlier.
    match events.pop().unwrap() {
        Ok(event) => recorder.record(&event, &engine.decide(&event), now),
        Err(err) => recorder.unreadable(&err, now),
    }
}

fn decide(event: &Value) -> DecisionRecord {
    decide_with(shipped(), event)
}

fn policies(record: &DecisionRecord) -> Vec<&str> {
    record.policies.iter().map(|p| p.id.as_str()).collect()
}

/// An error decision whose errors name `field`, at the event's position in its input.
#[track_caller]
fn assert_error_naming(record: &DecisionRecord, field: &str) {
    assert_eq!(record.decision, Outcome::Error, "{}", record.reason);
    assert!(
        record.reason.contains(&format!("`{field}`")),
        "reason `{}` does not name `{field}`",
        record.reason
    );
    assert!(
        record.errors.iter().any(|e| e.policy.is_none()
            && (e.message.starts_with(&format!("`{field}` is malformed"))
                || e.message.starts_with(&format!("`{field}` must be")))),
        "{:?}",
        record.errors
    );
    assert_eq!(record.source, "events.jsonl:2:1");
}

/// A violation that matched on the lenient reading (a junk value reads as the widest one), with
/// the malformed field listed beside it.
#[track_caller]
fn assert_violation_listing(record: &DecisionRecord, field: &str) {
    assert_eq!(record.decision, Outcome::NonCompliant, "{}", record.reason);
    assert!(
        record.errors.iter().any(
            |e| e.policy.is_none() && e.message.starts_with(&format!("`{field}` is malformed"))
        ),
        "{:?}",
        record.errors
    );
}

#[test]
fn bucket_policy_that_is_not_json_is_an_error_not_compliant() {
    let event = call(
        "s3",
        "PutBucketPolicy",
        json!({"bucketName": "b", "bucketPolicy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\""}),
    );
    assert_error_naming(&decide(&event), "requestParameters.bucketPolicy");
}

#[test]
fn bucket_policy_with_an_unknown_principal_shape_is_an_error() {
    let event = call(
        "s3",
        "PutBucketPolicy",
        json!({"bucketName": "b", "bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": ["*"], "Action": "s3:GetObject"}]}}),
    );
    // The well-formed rest of the document lacks a TLS-only statement, a violation on its own
    // (s3-bucket-policy-allows-http); the malformed principal is listed beside it.
    assert_violation_listing(
        &decide(&event),
        "requestParameters.bucketPolicy.Statement.0.Principal",
    );
}

#[test]
fn inline_iam_policy_that_is_not_json_is_an_error_not_compliant() {
    let event = call(
        "iam",
        "PutRolePolicy",
        json!({"roleName": "r", "policyName": "p",
            "policyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\""}),
    );
    assert_error_naming(&decide(&event), "requestParameters.policyDocument");
}

#[test]
fn inline_iam_policy_whose_statement_is_not_object_or_list_is_an_error() {
    let event = call(
        "iam",
        "PutRolePolicy",
        json!({"roleName": "r", "policyName": "p", "policyDocument": {"Statement": "Allow *"}}),
    );
    assert_error_naming(
        &decide(&event),
        "requestParameters.policyDocument.Statement",
    );
}

fn ingress(ranges: Value, from: Value) -> Value {
    call(
        "ec2",
        "AuthorizeSecurityGroupIngress",
        json!({"groupId": "sg-1", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": from,
            "toPort": 22, "ipRanges": {"items": ranges}}]}}),
    )
}

#[test]
fn ingress_cidr_that_does_not_parse_is_an_error_not_compliant() {
    let record = decide(&ingress(json!([{"cidrIp": "0.0.0.0/o"}]), json!(22)));
    assert_error_naming(
        &record,
        "requestParameters.ipPermissions.items.0.ipRanges.items.0.cidrIp",
    );
}

#[test]
fn ingress_port_that_is_not_a_number_in_range_is_an_error() {
    let record = decide(&ingress(
        json!([{"cidrIp": "10.0.0.0/8"}]),
        json!("twenty-two"),
    ));
    assert_error_naming(&record, "requestParameters.ipPermissions.items.0.fromPort");
    let record = decide(&ingress(json!([{"cidrIp": "10.0.0.0/8"}]), json!(65536)));
    assert_error_naming(&record, "requestParameters.ipPermissions.items.0.fromPort");
}

#[test]
fn ingress_protocol_that_is_not_a_protocol_is_listed_as_an_error() {
    let mut event = ingress(json!([{"cidrIp": "0.0.0.0/0"}]), json!(22));
    event["requestParameters"]["ipPermissions"]["items"][0]["ipProtocol"] = json!({"name": "tcp"});
    // An unreadable protocol reads as all protocols: every world-open port policy matches.
    assert_violation_listing(
        &decide(&event),
        "requestParameters.ipPermissions.items.0.ipProtocol",
    );
}

/// One range is junk, the other opens SSH to the world: the violation is still reported (and
/// its revert planned), and the junk range is listed as an error beside it.
#[test]
fn a_matched_violation_beside_a_malformed_cidr_stays_non_compliant_with_the_error() {
    let record = decide(&ingress(
        json!([{"cidrIp": "junk"}, {"cidrIp": "0.0.0.0/0"}]),
        json!(22),
    ));
    assert_eq!(record.decision, Outcome::NonCompliant, "{}", record.reason);
    assert_eq!(policies(&record), ["ec2-sg-world-ssh"]);
    assert!(record.remediation.is_some() || record.policies[0].remediation.is_some());
    assert_eq!(record.errors.len(), 1, "{:?}", record.errors);
    assert!(record.errors[0].message.starts_with(
        "`requestParameters.ipPermissions.items.0.ipRanges.items.0.cidrIp` is malformed"
    ));
}

#[test]
fn trail_flag_that_is_not_a_boolean_is_an_error_not_compliant() {
    let event = call(
        "cloudtrail",
        "UpdateTrail",
        json!({"name": "main", "enableLogFileValidation": "disabled"}),
    );
    assert_error_naming(&decide(&event), "requestParameters.enableLogFileValidation");
}

#[test]
fn event_selectors_that_are_not_a_list_are_listed_as_an_error() {
    let event = call(
        "cloudtrail",
        "PutEventSelectors",
        json!({"trailName": "main", "eventSelectors": "[{\"readWriteType\": \"ReadOnly\""}),
    );
    // No selector can be read, so none keeps management writes: the violation matches.
    assert_violation_listing(&decide(&event), "requestParameters.eventSelectors");
}

#[test]
fn public_access_block_flag_that_is_not_a_boolean_is_an_error() {
    let event = call(
        "s3",
        "PutBucketPublicAccessBlock",
        json!({"bucketName": "b", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true,
            "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": "enabled"}}),
    );
    // The flag reads as off, so the weakened block matches; the error is listed beside it.
    assert_violation_listing(
        &decide(&event),
        "requestParameters.PublicAccessBlockConfiguration.RestrictPublicBuckets",
    );
}

#[test]
fn image_sharing_group_that_is_not_a_string_is_an_error_not_compliant() {
    let event = call(
        "ec2",
        "ModifyImageAttribute",
        json!({"imageId": "ami-1", "attributeType": "launchPermission",
            "launchPermission": {"add": {"items": [{"group": ["all"]}]}}}),
    );
    assert_error_naming(
        &decide(&event),
        "requestParameters.launchPermission.add.items.0.group",
    );
}

#[test]
fn bucket_name_that_is_not_a_string_is_an_error_not_an_account_event() {
    let event = call(
        "s3",
        "DeleteBucketEncryption",
        json!({"bucketName": {"name": "b"}}),
    );
    assert_error_naming(&decide(&event), "requestParameters.bucketName");
}

#[test]
fn caller_type_that_is_not_a_string_is_an_error_for_policies_scoped_to_a_type() {
    // No policy concerns a tag change by a role, but iam-root-activity concerns any change by
    // the root user: an unreadable caller type might be root. (The reader rejects a top-level
    // identity field of the wrong type for every event; the model checks the nested ones.)
    let mut event = call("s3", "PutBucketTagging", json!({"bucketName": "b"}));
    event["userIdentity"]["type"] = json!(["Root"]);
    assert_error_naming(&decide(&event), "userIdentity.type");
}

#[test]
fn break_glass_arn_that_is_not_a_string_keeps_the_violation_and_lists_the_error() {
    let mut event = call("cloudtrail", "StopLogging", json!({"name": "main"}));
    event["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] =
        json!({"arn": "arn:aws:iam::123456789012:role/snapback-break-glass"});
    let record = decide(&event);
    assert_eq!(record.decision, Outcome::NonCompliant, "{}", record.reason);
    assert_eq!(policies(&record), ["cloudtrail-logging-stopped"]);
    assert!(
        record.errors[0]
            .message
            .starts_with("`userIdentity.sessionContext.sessionIssuer.arn` is malformed")
    );
}

#[test]
fn a_root_violation_beside_a_malformed_bucket_policy_stays_non_compliant() {
    let mut event = call(
        "s3",
        "PutBucketPolicy",
        json!({"bucketName": "b", "bucketPolicy": "nope"}),
    );
    event["userIdentity"] = json!({"type": "Root", "arn": "arn:aws:iam::123456789012:root",
        "accountId": "123456789012"});
    let record = decide(&event);
    assert_eq!(record.decision, Outcome::NonCompliant, "{}", record.reason);
    assert_eq!(policies(&record), ["iam-root-activity"]);
    assert!(
        record.errors[0]
            .message
            .starts_with("`requestParameters.bucketPolicy` is malformed")
    );
}

/// Absent fields and fields no policy relies on for this event decide as before.
#[test]
fn absent_or_unread_malformed_fields_change_nothing() {
    // Absent document: nothing to judge.
    let absent = call("s3", "PutBucketPolicy", json!({"bucketName": "b"}));
    assert_eq!(decide(&absent).decision, Outcome::Compliant);
    let null = call(
        "iam",
        "PutRolePolicy",
        json!({"roleName": "r", "policyDocument": null}),
    );
    assert_eq!(decide(&null).decision, Outcome::Compliant);
    // The corpus's PutBucketPolicy with no bucket: the only policy reading `bucketPolicy` is
    // scoped to buckets, so the junk document concerns no policy.
    let no_bucket = call(
        "s3",
        "PutBucketPolicy",
        json!({"bucketPolicy": "invalid-json-policy"}),
    );
    let record = decide(&no_bucket);
    assert_eq!(record.decision, Outcome::Compliant, "{:?}", record.errors);
    // An event no policy concerns, however odd its parameters.
    let unmodelled = call(
        "s3",
        "PutBucketTagging",
        json!({"bucketName": {"x": 1}, "Tagging": "{"}),
    );
    assert_eq!(decide(&unmodelled).decision, Outcome::Compliant);
    // A field some other fact reads: the description of a range is not read.
    let described = ingress(
        json!([{"cidrIp": "10.0.0.0/8", "description": {"x": 1}}]),
        json!(22),
    );
    assert_eq!(decide(&described).decision, Outcome::Compliant);
}

#[test]
fn a_pack_without_a_policy_reading_the_fact_does_not_fail_on_it() {
    let dir = std::env::temp_dir().join(format!("snapback-fail-closed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["snapback.cedarschema", "ec2-sg-world-ssh.cedar"] {
        std::fs::copy(root.join("policies").join(file), dir.join(file)).unwrap();
    }
    std::fs::write(
        dir.join("acl.cedar"),
        r#"@id("acl-changed")
@severity("low")
@description("any bucket policy change")
forbid (principal, action == Aws::Action::"s3:PutBucketPolicy", resource is Aws::Bucket)
when { context.params.hasTag("bucketName") };
"#,
    )
    .unwrap();
    let engine = Engine::new(snapback::load_policies(&dir).unwrap_or_else(|e| panic!("{e:?}")));
    let event = call(
        "s3",
        "PutBucketPolicy",
        json!({"bucketName": "b", "bucketPolicy": "nope"}),
    );
    let record = decide_with(&engine, &event);
    assert_eq!(record.decision, Outcome::NonCompliant, "{}", record.reason);
    assert!(record.errors.is_empty(), "{:?}", record.errors);
}
