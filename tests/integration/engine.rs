//! Decision semantics that the shipped pack cannot show: an evaluation error is an `error`
//! decision naming the policy (never "compliant"), and `@mode("off")` policies are not run.

use std::path::{Path, PathBuf};

use snapback::{Engine, Outcome, StreamParser};

fn pack(name: &str, policies: &[(&str, &str)]) -> Engine {
    let dir = std::env::temp_dir().join(format!("snapback-engine-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("policies/snapback.cedarschema"),
        dir.join("snapback.cedarschema"),
    )
    .unwrap();
    for (file, src) in policies {
        std::fs::write(dir.join(file), src).unwrap();
    }
    Engine::new(snapback::load_policies(&PathBuf::from(&dir)).unwrap_or_else(|e| panic!("{e:?}")))
}

fn event(json: &str) -> snapback::Event {
    let mut events = Vec::new();
    let mut parser = StreamParser::new("test");
    parser.push(json.as_bytes(), &mut |e| events.push(e));
    parser.finish(&mut |e| events.push(e));
    events.pop().unwrap().unwrap()
}

const PASSWORD_POLICY: &str = r#"{"eventSource":"iam.amazonaws.com","eventName":"UpdateAccountPasswordPolicy",
  "readOnly":false,"recipientAccountId":"123456789012","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/a"},
  "requestParameters":{"minimumPasswordLength":8,"maxPasswordAge":90}}"#;

const OVERFLOW: &str = r#"@id("overflows")
@severity("low")
@description("multiplies past the range of Long")
forbid (principal, action == Aws::Action::"iam:UpdateAccountPasswordPolicy", resource)
when { context has passwordPolicy && context.passwordPolicy.maxPasswordAge * 9223372036854775807 > 0 };
"#;

const SHORT: &str = r#"@id("short-passwords")
@severity("medium")
@description("passwords shorter than 14")
forbid (principal, action == Aws::Action::"iam:UpdateAccountPasswordPolicy", resource)
when { context has passwordPolicy && context.passwordPolicy.minimumPasswordLength < 14 };
"#;

#[test]
fn evaluation_error_is_an_error_decision_naming_the_policy() {
    let engine = pack("overflow", &[("overflow.cedar", OVERFLOW)]);
    let decision = engine.decide(&event(PASSWORD_POLICY));
    assert_eq!(decision.outcome, Outcome::Error);
    assert!(decision.evaluated);
    assert!(decision.reason.contains("overflows"), "{}", decision.reason);
    assert_eq!(decision.errors.len(), 1);
    assert_eq!(decision.errors[0].policy.as_deref(), Some("overflows"));
}

#[test]
fn a_match_beside_an_error_is_non_compliant_and_keeps_the_error() {
    let engine = pack(
        "both",
        &[("overflow.cedar", OVERFLOW), ("short.cedar", SHORT)],
    );
    let decision = engine.decide(&event(PASSWORD_POLICY));
    assert_eq!(decision.outcome, Outcome::NonCompliant);
    assert_eq!(
        decision
            .matched
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["short-passwords"]
    );
    assert_eq!(decision.errors[0].policy.as_deref(), Some("overflows"));
}

#[test]
fn policies_in_mode_off_are_not_evaluated() {
    let off = SHORT.replace("@severity", "@mode(\"off\")\n@severity");
    let engine = pack("off", &[("short.cedar", &off)]);
    assert_eq!(engine.pack().policies.len(), 1);
    let decision = engine.decide(&event(PASSWORD_POLICY));
    assert_eq!(decision.outcome, Outcome::Compliant);
    assert!(!decision.evaluated);
}

#[test]
fn failed_and_read_only_calls_are_skipped() {
    let engine = pack("skip", &[("short.cedar", SHORT)]);
    let failed = PASSWORD_POLICY.replace(
        r#""readOnly":false"#,
        r#""readOnly":false,"errorCode":"AccessDenied""#,
    );
    let decision = engine.decide(&event(&failed));
    assert_eq!(decision.outcome, Outcome::Skipped);
    assert!(!decision.evaluated);
    assert!(decision.reason.contains("AccessDenied"));
    let read = PASSWORD_POLICY.replace(r#""readOnly":false"#, r#""readOnly":true"#);
    assert_eq!(engine.decide(&event(&read)).outcome, Outcome::Skipped);
}

/// The request's hierarchy: the principal and the resource are in the account, the action in
/// its service group, and in nothing else.
#[test]
fn principal_resource_and_action_are_in_their_account_and_group() {
    const IN: &str = r#"@id("ID")
@severity("low")
@description("membership")
forbid (principal, action == Aws::Action::"iam:UpdateAccountPasswordPolicy", resource)
when { WHEN };
"#;
    let cases = [
        (
            "principal-in-account",
            r#"principal in Aws::Account::"123456789012""#,
            true,
        ),
        (
            "resource-in-account",
            r#"resource in Aws::Account::"123456789012""#,
            true,
        ),
        (
            "resource-in-target",
            "resource in context.targetAccount",
            true,
        ),
        ("action-in-group", r#"action in Aws::Action::"iam""#, true),
        (
            "principal-elsewhere",
            r#"principal in Aws::Account::"999999999999""#,
            false,
        ),
        (
            "resource-elsewhere",
            r#"resource in Aws::Account::"999999999999""#,
            false,
        ),
        (
            "action-other-group",
            r#"action in Aws::Action::"ec2""#,
            false,
        ),
    ];
    let policies: Vec<(String, String)> = cases
        .iter()
        .map(|(id, when, _)| {
            (
                format!("{id}.cedar"),
                IN.replace("ID", id).replace("WHEN", when),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = policies
        .iter()
        .map(|(f, s)| (f.as_str(), s.as_str()))
        .collect();
    let engine = pack("hierarchy", &borrowed);
    let decision = engine.decide(&event(PASSWORD_POLICY));
    assert!(decision.errors.is_empty(), "{:?}", decision.errors);
    let matched: Vec<&str> = decision.matched.iter().map(|m| m.id.as_str()).collect();
    let mut expected: Vec<&str> = cases
        .iter()
        .filter(|(_, _, hit)| *hit)
        .map(|(id, _, _)| *id)
        .collect();
    expected.sort();
    assert_eq!(matched, expected);
}

/// The engine converts only the attributes some policy names; a policy that does read the
/// `ip` and `datetime` values (of the principal and of the context) still sees them.
#[test]
fn attributes_a_policy_reads_are_there_when_others_are_dropped() {
    const FROM_OFFICE: &str = r#"@id("from-office-after-2025")
@severity("low")
@description("a change from the office range, made after 2025 began")
forbid (principal, action == Aws::Action::"iam:UpdateAccountPasswordPolicy", resource)
when {
  principal has sourceIpAddr && principal.sourceIpAddr.isInRange(ip("10.0.0.0/8")) &&
  context has eventTime && context.eventTime > datetime("2025-01-01")
};
"#;
    let engine = pack(
        "reads",
        &[("office.cedar", FROM_OFFICE), ("short.cedar", SHORT)],
    );
    let with = |ip: &str, time: &str| {
        PASSWORD_POLICY.replace(
            r#""readOnly":false"#,
            &format!(r#""readOnly":false,"sourceIPAddress":"{ip}","eventTime":"{time}""#),
        )
    };
    let ids = |json: &str| -> Vec<String> {
        let decision = engine.decide(&event(json));
        assert!(decision.errors.is_empty(), "{:?}", decision.errors);
        decision.matched.iter().map(|m| m.id.clone()).collect()
    };
    assert_eq!(
        ids(&with("10.1.2.3", "2026-03-01T10:00:00Z")),
        ["from-office-after-2025", "short-passwords"]
    );
    assert_eq!(
        ids(&with("192.0.2.1", "2026-03-01T10:00:00Z")),
        ["short-passwords"]
    );
    assert_eq!(
        ids(&with("10.1.2.3", "2024-03-01T10:00:00Z")),
        ["short-passwords"]
    );
}

/// A policy that uses `context` as a whole value gets every context attribute.
#[test]
fn a_policy_using_the_whole_context_gets_all_of_it() {
    const WHOLE: &str = r#"@id("whole-context")
@severity("low")
@description("compares the context record itself")
forbid (principal, action == Aws::Action::"iam:UpdateAccountPasswordPolicy", resource)
when { [context].contains(context) && context.readOnly == false };
"#;
    let engine = pack("whole", &[("whole.cedar", WHOLE)]);
    let decision = engine.decide(&event(PASSWORD_POLICY));
    assert_eq!(
        decision.outcome,
        Outcome::NonCompliant,
        "{:?}",
        decision.errors
    );
}

/// A copy of the shipped pack in a fresh directory, with `edit` applied to one policy file.
fn shipped_copy(name: &str, file: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let dir = std::env::temp_dir().join(format!("snapback-copy-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = if name == file { edit(&text) } else { text };
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

/// The build validated the shipped pack (build.rs), so loading the same files does not run
/// Cedar's validator again; a pack that differs by a byte is validated at load, and an
/// ill-typed change is still caught.
#[test]
fn only_the_exact_pack_the_build_validated_skips_validation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let shipped = snapback::load_policies(&root).unwrap();
    assert!(shipped.validated_at_build);
    // The schema is parsed when asked for, and is the same schema.
    let actions = |pack: &snapback::PolicyPack| pack.schema().unwrap().actions().count();
    assert!(
        snapback::policy::load_embedded(&snapback::remediation::names())
            .unwrap()
            .validated_at_build
    );
    let revalidated =
        snapback::policy::load_revalidated(&root, &snapback::remediation::names()).unwrap();
    assert!(!revalidated.validated_at_build);
    assert_eq!(revalidated.hash, shipped.hash);
    assert_eq!(actions(&shipped), actions(&revalidated));

    let same = shipped_copy("same", "", str::to_owned);
    assert!(snapback::load_policies(&same).unwrap().validated_at_build);

    let file = "ec2-sg-world-ssh.cedar";
    let comment = shipped_copy("comment", file, |src| format!("{src}\n// reviewed\n"));
    let changed = snapback::load_policies(&comment).unwrap();
    assert!(!changed.validated_at_build);
    assert_ne!(changed.hash, shipped.hash);

    let ill_typed = shipped_copy("ill-typed", file, |src| {
        src.replace(
            "worldOpenPorts.contains(22)",
            "worldOpenPorts.contains(\"22\")",
        )
    });
    let errors = snapback::load_policies(&ill_typed).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        format!("{:?}", errors[0]).contains("ec2-sg-world-ssh"),
        "{errors:?}"
    );
}
