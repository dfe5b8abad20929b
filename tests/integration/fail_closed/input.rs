//! Reading inputs as users run the binary: directory walks that end and say what they skipped,
//! archives with integrity digests, events whose shape is wrong, and the size limit.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Run snapback, killing it (and failing) if it does not finish within 60 s.
fn snapback(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_snapback"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("snapback {args:?} did not finish in 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("snapback-cli-input-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const STOP_LOGGING: &str = r#"{"eventVersion":"1.08","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","eventID":"e-1","readOnly":false,"recipientAccountId":"123456789012","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/mallory","accountId":"123456789012"},"requestParameters":{"name":"main"}}"#;

/// A directory with two links to itself hung `check`; a FIFO named `*.json` blocked it.
#[test]
fn check_on_a_directory_with_link_loops_and_a_fifo_ends_and_warns() {
    let dir = scratch("walk");
    std::fs::write(dir.join("a.json"), STOP_LOGGING).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("loop1")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("loop2")).unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join("pipe.json"))
        .status()
        .unwrap();
    assert!(made.success());
    let out = snapback(&["check", dir.to_str().unwrap()], "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stderr.contains("warning: `") && stderr.contains("a FIFO"),
        "{stderr}"
    );
    assert!(stderr.contains("1 events: 1 non-compliant"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every archive with log-file validation on exited 1 with one error per digest file.
#[test]
fn scan_does_not_read_cloudtrail_digests() {
    let dir = scratch("digest");
    let logs = dir.join("AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/01");
    let digests = dir.join("AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/01");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::create_dir_all(&digests).unwrap();
    let start = STOP_LOGGING.replace("StopLogging", "StartLogging");
    std::fs::write(logs.join("a.json"), format!("{{\"Records\":[{start}]}}")).unwrap();
    std::fs::write(
        digests.join("d.json"),
        r#"{"awsAccountId":"123456789012","logFiles":[]}"#,
    )
    .unwrap();
    let out = snapback(&["scan", "--no-progress", dir.to_str().unwrap()], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("1 events: 0 non-compliant, 1 compliant"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An EventBridge event whose `detail` was `{}` was decided `compliant`, exit 0.
#[test]
fn an_eventbridge_event_with_an_empty_detail_is_an_error_exit_1() {
    let event = r#"{"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","account":"123456789012","time":"2026-11-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{}}"#;
    let out = snapback(&["check"], event);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(r#""decision":"error""#), "{stdout}");
    assert!(stdout.contains("`eventName`"), "{stdout}");
}

#[test]
fn a_value_past_max_event_bytes_is_an_error_and_the_next_is_read() {
    let big = STOP_LOGGING.replace(r#""e-1""#, &format!("\"{}\"", "e".repeat(600)));
    let input = format!("{big}\n{STOP_LOGGING}\n");
    let out = snapback(&["check", "--max-event-bytes", "500"], &input);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains("limit of 500 bytes"), "{stdout}");
    assert!(
        lines[1].contains(r#""decision":"non_compliant""#),
        "{stdout}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_snapback"))
        .args(["check", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("SNAPBACK_MAX_EVENT_BYTES"));
}
