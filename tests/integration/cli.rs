//! The `snapback` binary as users run it: exit codes, diagnostics that name file and line,
//! and bad input that is reported without losing the rest of the stream.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn snapback(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_snapback"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run snapback: {e}"));
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.unwrap_or("").as_bytes())
            .unwrap_or_else(|e| panic!("stdin: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("snapback did not finish: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch policy directory holding the shipped schema and the given policies.
fn policy_dir(name: &str, policies: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snapback-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("policies/snapback.cedarschema"),
        dir.join("snapback.cedarschema"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for (file, src) in policies {
        std::fs::write(dir.join(file), src).unwrap_or_else(|e| panic!("{e}"));
    }
    dir
}

const STOP_LOGGING: &str = r#"{"eventVersion":"1.08","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","eventID":"e-1","readOnly":false,"recipientAccountId":"123456789012","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/mallory","accountId":"123456789012"},"requestParameters":{"name":"main"}}"#;
const START_LOGGING: &str = r#"{"eventVersion":"1.08","eventSource":"cloudtrail.amazonaws.com","eventName":"StartLogging","awsRegion":"us-east-1","eventID":"e-3","readOnly":false,"recipientAccountId":"123456789012","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012"},"requestParameters":{"name":"main"}}"#;

#[test]
fn shipped_pack_validates() {
    let out = snapback(&["validate"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("policies valid"));
}

#[test]
fn invalid_annotation_names_file_and_line_with_exit_3() {
    let dir = policy_dir(
        "badsev",
        &[(
            "bad.cedar",
            "@id(\"bad\")\n@severity(\"urgent\")\n@description(\"x\")\nforbid (principal, action, resource);\n",
        )],
    );
    let out = snapback(
        &["validate", "--policies", &dir.display().to_string()],
        None,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("bad.cedar:2:"), "no file:line in:\n{err}");
    assert!(
        err.contains("low, medium, high, critical"),
        "no hint in:\n{err}"
    );
}

#[test]
fn an_unregistered_remediation_is_a_validation_error() {
    let dir = policy_dir(
        "norem",
        &[(
            "x.cedar",
            "@id(\"x\")\n@severity(\"low\")\n@remediation(\"undo-everything\")\n@description(\"x\")\nforbid (principal, action, resource);\n",
        )],
    );
    let out = snapback(
        &["validate", "--policies", &dir.display().to_string()],
        None,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("x.cedar:3:") && err.contains("no remediation is registered"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_1_not_2() {
    let out = snapback(&["check", "--format", "yaml"], None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn strict_validation_errors_point_into_the_file() {
    let dir = policy_dir(
        "typo",
        &[(
            "typo.cedar",
            "@id(\"typo\")\n@severity(\"low\")\n@description(\"x\")\nforbid (principal, action, resource)\nwhen { context.noSuchField };\n",
        )],
    );
    let out = snapback(
        &["validate", "--policies", &dir.display().to_string()],
        None,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("typo.cedar:5:"), "no file:line in:\n{err}");
}

#[test]
fn check_exit_codes_follow_the_worst_outcome() {
    let compliant = snapback(&["check", "-"], Some(START_LOGGING));
    assert_eq!(
        compliant.status.code(),
        Some(0),
        "{}",
        text(&compliant.stderr)
    );
    let violating = snapback(&["check", "-"], Some(STOP_LOGGING));
    assert_eq!(
        violating.status.code(),
        Some(2),
        "{}",
        text(&violating.stderr)
    );
    let record: serde_json::Value = serde_json::from_str(text(&violating.stdout).trim())
        .unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert_eq!(record["decision"], "non_compliant");
    assert_eq!(record["policies"][0]["id"], "cloudtrail-logging-stopped");
    assert_eq!(
        record["policies"][0]["remediation"],
        "cloudtrail-start-logging"
    );
    assert_eq!(record["schema_version"], 1);
}

#[test]
fn a_bad_line_is_recorded_and_the_stream_goes_on() {
    let stream = format!("{STOP_LOGGING}\n{{\"eventName\": \n{START_LOGGING}\n");
    let out = snapback(&["check", "-"], Some(&stream));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 3, "{}", text(&out.stdout));
    assert_eq!(lines[0]["decision"], "non_compliant");
    assert_eq!(lines[1]["decision"], "error");
    assert!(
        lines[1]["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("-:2:")),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2]["decision"], "compliant");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn gzipped_log_files_are_read() {
    use flate2::{Compression, write::GzEncoder};
    let path =
        std::env::temp_dir().join(format!("snapback-cli-log-{}.json.gz", std::process::id()));
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    let log = format!("{{\"Records\": [{STOP_LOGGING}, {START_LOGGING}]}}");
    gz.write_all(log.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&path, gz.finish().unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = snapback(&["check", &path.display().to_string()], None);
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.contains("(record 1)"), "{stdout}");
}

#[test]
fn explain_shows_the_cedar_request() {
    let out = snapback(&["explain", "-"], Some(STOP_LOGGING));
    assert_eq!(out.status.code(), Some(0));
    let shown: serde_json::Value =
        serde_json::from_str(&text(&out.stdout)).unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert_eq!(shown["request"]["action"]["id"], "cloudtrail:StopLogging");
    assert_eq!(shown["request"]["resource"]["type"], "Aws::Trail");
    assert_eq!(shown["request"]["principal"]["type"], "Aws::IAMUser");
}

/// An event field holding terminal escape sequences (clear the screen, retitle the window) was
/// printed raw by `--format table`; it is escaped now, and the row stays on one line.
#[test]
fn table_output_escapes_control_characters_from_events() {
    let hostile = STOP_LOGGING.replace(
        r#""name":"main""#,
        r#""name":"main\u001b[2J\u001b]0;pwned\u0007\r\nfake row""#,
    );
    let out = snapback(&["check", "--format", "table", "-"], Some(&hostile));
    let stdout = text(&out.stdout);
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    assert!(stdout.contains(r"main\u{1b}[2J"), "{stdout}");
    assert_eq!(
        stdout.lines().count(),
        2,
        "the header and one row: {stdout}"
    );
}

/// Log lines were written with ANSI colour codes even when stderr was a pipe or a file (the
/// log subscriber's default), so `2> file` and log collectors got escape sequences.
#[test]
fn no_colours_when_stderr_is_not_a_terminal() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_snapback"))
        .args(["check", "-"])
        .env("SNAPBACK_LOG", "debug")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"eventName\": oops}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert!(
        err.contains("DEBUG"),
        "the bad line is logged at debug: {err}"
    );
    assert!(
        !err.contains('\u{1b}'),
        "escape codes in piped stderr: {err:?}"
    );
}

/// `redrive` on a spool that does not exist created it, replayed nothing and exited 0: a typo
/// in the path looked like an empty, healthy spool.
#[test]
fn redrive_on_a_missing_spool_is_an_error() {
    let dir = std::env::temp_dir().join(format!("snapback-no-spool-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = snapback(
        &[
            "redrive",
            "--dry-run",
            "--dead-letter",
            &dir.display().to_string(),
        ],
        None,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot read dead-letter spool"), "{err}");
    assert!(
        !dir.exists(),
        "redrive created the spool it was asked to read"
    );
}
