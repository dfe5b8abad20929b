//! `snapback prove` and `snapback diff` as a security team runs them, on the shipped pack and on
//! copies of it with planted defects, against a real cvc5 (scripts/test installs one and sets
//! `CVC5`; see scripts/cvc5.sh).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn snapback(args: &[&str]) -> Output {
    assert!(
        std::env::var_os("CVC5").is_some(),
        "CVC5 is not set: run the tests with scripts/test, which installs cvc5 (scripts/cvc5.sh)"
    );
    Command::new(env!("CARGO_BIN_EXE_snapback"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run snapback: {e}"))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A copy of the shipped pack in a scratch directory, with `edits` applied: (file, text) writes
/// the file, (file, "") removes it.
fn pack_copy(name: &str, edits: &[(&str, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snapback-prove-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(root().join("policies")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    for (file, text) in edits {
        if text.is_empty() {
            std::fs::remove_file(dir.join(file)).unwrap();
        } else {
            std::fs::write(dir.join(file), text).unwrap();
        }
    }
    dir
}

/// A shipped policy's text with `from` replaced by `to` (which must change it).
fn edited(file: &str, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(root().join("policies").join(file)).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    text.replace(from, to)
}

fn findings<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == kind)
        .collect()
}

#[test]
fn the_shipped_pack_proves() {
    let out = snapback(&["prove", "--policies", "policies", "--format", "json"]);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert!(report["policies"].as_u64().unwrap() >= 90, "{report:#}");
    assert!(findings(&report, "errors").is_empty(), "{report:#}");
    assert!(findings(&report, "vacuous").is_empty(), "{report:#}");
}

#[test]
fn planted_defects_are_each_caught_with_file_line_and_counterexample() {
    // A typo'd exception that exempts every caller, so the policy can never match.
    let vacuous = edited(
        "signin-console-without-mfa.cedar",
        r#"like "arn:aws:iam::*:role/snapback-break-glass""#,
        r#"like "*""#,
    )
    .replace(
        "@id(\"signin-console-without-mfa\")",
        "@id(\"planted-vacuous\")",
    );
    // Arithmetic that overflows for some password length: Cedar errors, and skips the policy.
    let erroring = edited(
        "iam-password-policy-weak.cedar",
        "@id(\"iam-password-policy-weak\")",
        "@id(\"planted-erroring\")",
    );
    let erroring = erroring.replacen(
        "when {",
        "when {\n  context has passwordPolicy && context.passwordPolicy.minimumPasswordLength * 2 < 28 &&",
        1,
    );
    // The console sign-in policy again, narrowed to one user: the original covers it.
    let implying = edited(
        "signin-console-without-mfa.cedar",
        "@id(\"signin-console-without-mfa\")",
        "@id(\"planted-implying\")",
    )
    .replace(
        "context.consoleLogin.success && !context.consoleLogin.mfaUsed",
        "context.consoleLogin.success && !context.consoleLogin.mfaUsed && principal.userName == \"ops\"",
    );
    let dir = pack_copy(
        "planted",
        &[
            ("planted-vacuous.cedar", vacuous),
            ("planted-erroring.cedar", erroring),
            ("planted-implying.cedar", implying),
        ],
    );
    let policies = dir.to_str().unwrap();
    let out = snapback(&["prove", "--policies", policies, "--format", "json"]);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(3), "{report:#}");

    let vacuous = findings(&report, "vacuous");
    assert_eq!(vacuous.len(), 1, "{report:#}");
    assert_eq!(vacuous[0]["policy"], "planted-vacuous");
    assert_eq!(
        vacuous[0]["place"],
        format!("{}:6", dir.join("planted-vacuous.cedar").display())
    );

    let errors = findings(&report, "errors");
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(errors[0]["policy"], "planted-erroring");
    let place = errors[0]["place"].as_str().unwrap();
    assert!(place.ends_with("planted-erroring.cedar:7"), "{place}");
    // The counterexample is a request whose password length overflows when doubled.
    let cex = &errors[0]["counterexample"];
    assert_eq!(
        cex["action"]["id"], "iam:UpdateAccountPasswordPolicy",
        "{cex:#}"
    );
    let length = cex["context"]["passwordPolicy"]["minimumPasswordLength"]
        .as_i64()
        .unwrap();
    assert!(length.checked_mul(2).is_none(), "{cex:#}");

    let implies = findings(&report, "implies");
    assert!(
        implies
            .iter()
            .any(|f| f["policy"] == "planted-implying"
                && f["implied"] == "signin-console-without-mfa"),
        "{report:#}"
    );
    // Information, not failure: the shipped pack's own policies imply no other.
    assert!(
        implies
            .iter()
            .all(|f| f["policy"].as_str().unwrap().starts_with("planted-")),
        "{report:#}"
    );

    // The text form names file and line the way `validate` does.
    let out = snapback(&["prove", "--policies", policies, "--no-implications"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "{}:6: error: policy `planted-vacuous` matches no well-typed request",
            dir.join("planted-vacuous.cedar").display()
        )),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The break-glass exception of `iam-role-trust-outside` with a `*` added: it now exempts any
/// role whose name starts with `snapback-break-glass`, which anyone who can create a role can
/// name.
fn widened_break_glass() -> PathBuf {
    pack_copy(
        "widened",
        &[(
            "iam-role-trust-outside.cedar",
            edited(
                "iam-role-trust-outside.cedar",
                r#"role/snapback-break-glass""#,
                r#"role/snapback-break-glass*""#,
            ),
        )],
    )
}

#[test]
fn diff_reports_exactly_the_widened_exception_as_narrower() {
    let new = widened_break_glass();
    let cases = new.with_extension("cases");
    let _ = std::fs::remove_dir_all(&cases);
    let out = snapback(&[
        "diff",
        "policies",
        new.to_str().unwrap(),
        "--format",
        "json",
        "--write-cases",
        cases.to_str().unwrap(),
    ]);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(2), "{report:#}");
    assert_eq!(report["narrows"], true);
    let changed: Vec<&Value> = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["change"] != "equivalent")
        .collect();
    assert_eq!(changed.len(), 1, "{report:#}");
    assert_eq!(changed[0]["policy"], "iam-role-trust-outside");
    assert_eq!(changed[0]["change"], "narrower");
    assert_eq!(report["whole"]["change"], "narrower");
    // The counterexample: a caller whose session issuer the new exception lets through.
    let cex = &changed[0]["caught_only_by_old"]["request"];
    let issuer = cex["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["uid"] == cex["principal"])
        .map(|e| e["attrs"]["sessionIssuerArn"].as_str().unwrap().to_owned())
        .unwrap();
    assert!(issuer.contains(":role/snapback-break-glass"), "{issuer}");
    assert!(!issuer.ends_with(":role/snapback-break-glass"), "{issuer}");
    assert!(changed[0]["caught_only_by_new"].is_null());

    // The skeleton it wrote is a case `snapback test` reads.
    let written = cases.join("iam-role-trust-outside/diff-caught-only-by-old.json");
    let skeleton: Value =
        serde_json::from_str(&std::fs::read_to_string(&written).unwrap()).unwrap();
    assert_eq!(skeleton["expect"]["policies"][0], "iam-role-trust-outside");
    assert_eq!(
        skeleton["event"]["detail"]["eventSource"],
        "iam.amazonaws.com"
    );
    snapback::cases::load(&cases).unwrap_or_else(|e| panic!("{e:?}"));

    // Allowed explicitly, the same change exits 0; a pack compared with itself is equivalent.
    let out = snapback(&[
        "diff",
        "policies",
        new.to_str().unwrap(),
        "--allow-narrower",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = snapback(&["diff", "policies", "policies", "--format", "json"]);
    let same = json(&out);
    assert_eq!(out.status.code(), Some(0), "{same:#}");
    assert_eq!(same["whole"]["change"], "equivalent");
    let _ = std::fs::remove_dir_all(&new);
    let _ = std::fs::remove_dir_all(&cases);
}

#[test]
fn diff_reports_removed_and_added_policies_and_wider_ones() {
    let new = pack_copy(
        "added-removed",
        &[
            ("ec2-flow-logs-deleted.cedar", String::new()),
            (
                "signin-console-without-mfa.cedar",
                edited(
                    "signin-console-without-mfa.cedar",
                    "principal is Aws::IAMUser,",
                    "principal,",
                ),
            ),
            // One action dropped from the scope: role creation is no longer checked.
            (
                "iam-role-trust-outside.cedar",
                edited(
                    "iam-role-trust-outside.cedar",
                    r#"action in [Aws::Action::"iam:CreateRole", Aws::Action::"iam:UpdateAssumeRolePolicy"]"#,
                    r#"action in [Aws::Action::"iam:UpdateAssumeRolePolicy"]"#,
                ),
            ),
        ],
    );
    let out = snapback(&[
        "diff",
        "policies",
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(2), "{report:#}");
    let change = |id: &str| {
        report["policies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["policy"] == id)
            .map(|d| d["change"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(change("ec2-flow-logs-deleted"), "removed");
    assert_eq!(change("iam-role-trust-outside"), "narrower");
    let trust = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["policy"] == "iam-role-trust-outside")
        .unwrap();
    assert_eq!(
        trust["caught_only_by_old"]["request"]["action"]["id"], "iam:CreateRole",
        "{trust:#}"
    );
    assert_eq!(change("signin-console-without-mfa"), "wider");
    assert_eq!(report["whole"]["change"], "incomparable", "{report:#}");
    let _ = std::fs::remove_dir_all(&new);
}

fn corpus() -> PathBuf {
    std::env::var_os("SNAPBACK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"))
}

#[test]
fn replay_over_the_corpus_lists_the_events_an_exception_lets_through() {
    // "Exempt the load-test users": `test*` also matches `tester`, who signs in without MFA
    // in six recorded events that name the user, and any user anyone names `test...`.
    let new = pack_copy(
        "replay",
        &[(
            "signin-console-without-mfa.cedar",
            edited(
                "signin-console-without-mfa.cedar",
                r#"principal.sessionIssuerArn like "arn:aws:iam::*:role/snapback-break-glass""#,
                r#"principal.sessionIssuerArn like "arn:aws:iam::*:role/snapback-break-glass" || principal.userName like "test*""#,
            ),
        )],
    );
    // The corpus's event folders (beside them are its manifest and statistics).
    let dirs: Vec<String> = [
        "cloudtrail-records",
        "cloudtrail-nonconforming",
        "eventbridge",
        "lookupevents",
    ]
    .iter()
    .map(|d| corpus().join(d).to_string_lossy().into_owned())
    .collect();
    let mut args = vec![
        "diff",
        "policies",
        new.to_str().unwrap(),
        "--format",
        "json",
        "--replay",
    ];
    args.extend(dirs.iter().map(String::as_str));
    let out = snapback(&args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (summary, changed) = lines.split_last().unwrap();
    let summary = &summary["summary"];
    assert!(summary["events"].as_u64().unwrap() > 800, "{summary:#}");
    assert_eq!(summary["unreadable"], 0, "{summary:#}");
    assert_eq!(changed.len() as u64, summary["changed"].as_u64().unwrap());
    assert_eq!(
        summary["by_policy"]["signin-console-without-mfa"]["caught_only_by_old"],
        changed.len()
    );
    assert_eq!(
        summary["by_policy"].as_object().unwrap().len(),
        1,
        "{summary:#}"
    );
    // Exactly the recorded sign-ins of `tester`, each now compliant.
    assert_eq!(changed.len(), 6, "{changed:#?}");
    for event in changed {
        assert_eq!(event["event_name"], "ConsoleLogin");
        assert_eq!(event["old"]["policies"][0], "signin-console-without-mfa");
        assert_eq!(event["new"]["outcome"], "compliant");
        assert!(
            event["source"].as_str().unwrap().contains("ConsoleLogin"),
            "{event:#}"
        );
    }
    let _ = std::fs::remove_dir_all(&new);
}

/// The Lambda's binary holds no SymCC code (its functions are not in the symbol table; a
/// debug build still names the crate's compile units in its debug info), and the command
/// line's does, so the check can fail.
#[test]
fn the_lambda_does_not_link_symcc() {
    let functions = |path: &str| {
        let out = Command::new("nm")
            .args(["--defined-only", path])
            .output()
            .unwrap_or_else(|e| panic!("cannot run nm (binutils): {e}"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("cedar_policy_symcc"))
            .count()
    };
    assert!(functions(env!("CARGO_BIN_EXE_snapback")) > 100);
    assert_eq!(functions(env!("CARGO_BIN_EXE_bootstrap")), 0);
}
