//! `snapback scan` as users run it: over a CloudTrail archive tree (filters, file order on any
//! number of threads, corrupt files reported and the rest scanned, `--violations-only`, the
//! summary), over the CloudTrail API (against a loopback LookupEvents double, since moto does
//! not implement LookupEvents: paging and throttling), and `--remediate` against moto.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use common::{ACCOUNT, unique};

fn snapback(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_snapback"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run snapback: {e}"))
}

fn records(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a record: {l}: {e}")))
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A CloudTrail record for `account`, `region` and `time`.
fn record(name: &str, source: &str, account: &str, region: &str, time: &str) -> Value {
    let mut r = Value::Object(
        common::event(
            &format!("{source}.amazonaws.com"),
            name,
            json!({"name": "trail-1", "groupId": "sg-1"}),
        )
        .record,
    );
    r["recipientAccountId"] = json!(account);
    r["awsRegion"] = json!(region);
    r["eventTime"] = json!(time);
    if name.starts_with("Describe") {
        r["readOnly"] = json!(true);
    }
    r
}

fn gz(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap();
}

/// An archive of three accounts' days, one file in it a truncated gzip.
fn archive() -> PathBuf {
    let root = std::env::temp_dir().join(unique("snapback-archive"));
    let file = |account: &str, region: &str, day: &str, name: &str| {
        root.join(format!(
            "AWSLogs/{account}/CloudTrail/{region}/2026/11/{day}/{account}_CloudTrail_{region}_{name}.json.gz"
        ))
    };
    let a = "111122223333";
    let b = "444455556666";
    gz(
        &file(a, "us-east-1", "01", "1"),
        json!({"Records": [
            record("StopLogging", "cloudtrail", a, "us-east-1", "2026-11-01T10:00:00Z"),
            record("StartLogging", "cloudtrail", a, "us-east-1", "2026-11-01T10:05:00Z"),
            record("DescribeTrails", "cloudtrail", a, "us-east-1", "2026-11-01T10:06:00Z"),
        ]})
        .to_string()
        .as_bytes(),
    );
    gz(
        &file(a, "us-east-1", "02", "2"),
        json!({"Records": [
            record("DeleteTrail", "cloudtrail", a, "us-east-1", "2026-11-02T09:00:00Z"),
            // Delivered on the 2nd, made just before midnight on the 1st.
            record("StopLogging", "cloudtrail", a, "us-east-1", "2026-11-01T23:59:00Z"),
        ]})
        .to_string()
        .as_bytes(),
    );
    gz(
        &file(a, "eu-west-1", "01", "3"),
        json!({"Records": [record("DeleteTrail", "cloudtrail", a, "eu-west-1", "2026-11-01T11:00:00Z")]})
            .to_string()
            .as_bytes(),
    );
    gz(
        &file(b, "us-east-1", "01", "4"),
        json!({"Records": [record("StopLogging", "cloudtrail", b, "us-east-1", "2026-11-01T12:00:00Z")]})
            .to_string()
            .as_bytes(),
    );
    // A truncated gzip: the events before the cut are read, then an error record.
    let mut whole = Vec::new();
    {
        let mut enc = flate2::write::GzEncoder::new(&mut whole, flate2::Compression::default());
        let many: Vec<Value> = (0..200)
            .map(|i| {
                record(
                    "StartLogging",
                    "cloudtrail",
                    b,
                    "us-east-1",
                    &format!("2026-11-02T00:00:{:02}Z", i % 60),
                )
            })
            .collect();
        enc.write_all(json!({"Records": many}).to_string().as_bytes())
            .unwrap();
        enc.finish().unwrap();
    }
    let cut = file(b, "us-east-1", "02", "5");
    std::fs::create_dir_all(cut.parent().unwrap()).unwrap();
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    root
}

/// What a record is, without the fields that vary from run to run.
fn key(r: &Value) -> (String, String, String) {
    (
        r["source"].as_str().unwrap().to_owned(),
        r["decision"].as_str().unwrap().to_owned(),
        r["event_name"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn archive_records_come_in_file_order_whatever_the_threads() {
    let root = archive();
    let root = root.to_str().unwrap();
    let one = snapback(&["scan", "--threads", "1", root]);
    let two = snapback(&["scan", "--threads", "2", root]);
    let (one_records, two_records) = (records(&one), records(&two));
    assert_eq!(
        one_records.iter().map(key).collect::<Vec<_>>(),
        two_records.iter().map(key).collect::<Vec<_>>()
    );
    // Walk order: account, region, day, file; record order inside each file.
    let names: Vec<&str> = one_records
        .iter()
        .filter(|r| r["decision"] != "error")
        .take(7)
        .map(|r| r["event_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "DeleteTrail",
            "StopLogging",
            "StartLogging",
            "DescribeTrails",
            "DeleteTrail",
            "StopLogging",
            "StopLogging"
        ]
    );
    assert_eq!(one.status.code(), Some(1), "the corrupt file is an error");
}

#[test]
fn a_corrupt_gzip_is_an_error_naming_the_file_and_the_rest_is_scanned() {
    let root = archive();
    let out = snapback(&["scan", root.to_str().unwrap()]);
    let all = records(&out);
    let errors: Vec<&Value> = all.iter().filter(|r| r["decision"] == "error").collect();
    assert!(!errors.is_empty(), "{all:#?}");
    for error in &errors {
        assert!(
            error["source"].as_str().unwrap().contains("_5.json.gz"),
            "{error:?}"
        );
    }
    assert!(
        errors
            .iter()
            .any(|e| e["reason"].as_str().unwrap().contains("cannot read")),
        "{errors:?}"
    );
    // The four intact files: 3 + 2 + 1 + 1 events, all there.
    let intact = all
        .iter()
        .filter(|r| !r["source"].as_str().unwrap().contains("_5.json.gz"))
        .count();
    assert_eq!(intact, 7);
    let err = stderr(&out);
    assert!(!err.contains(" 0 errors"), "{err}");
}

#[test]
fn filters_narrow_by_account_region_and_day() {
    let root = archive();
    let out = snapback(&[
        "scan",
        "--account",
        "111122223333",
        "--region",
        "us-east-1",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-01",
        root.to_str().unwrap(),
    ]);
    let got: Vec<(String, String)> = records(&out)
        .iter()
        .map(|r| {
            (
                r["event_name"].as_str().unwrap().to_owned(),
                r["event_time"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The 2nd's file is read (delivery lags) but only its event of the 1st is kept.
    assert_eq!(
        got,
        [
            (
                "StopLogging".to_owned(),
                "2026-11-01T10:00:00.000Z".to_owned()
            ),
            (
                "StartLogging".to_owned(),
                "2026-11-01T10:05:00.000Z".to_owned()
            ),
            (
                "DescribeTrails".to_owned(),
                "2026-11-01T10:06:00.000Z".to_owned()
            ),
            (
                "StopLogging".to_owned(),
                "2026-11-01T23:59:00.000Z".to_owned()
            ),
        ]
    );
    assert_eq!(out.status.code(), Some(2), "violations found: exit 2");
}

#[test]
fn violations_only_prints_violations_and_the_summary_counts_everything() {
    let root = archive();
    let out = snapback(&[
        "scan",
        "--violations-only",
        "--account",
        "111122223333",
        root.to_str().unwrap(),
    ]);
    let all = records(&out);
    assert_eq!(all.len(), 4, "{all:#?}");
    assert!(all.iter().all(|r| r["decision"] == "non_compliant"));
    let err = stderr(&out);
    assert!(
        err.contains("6 events: 4 non-compliant, 1 compliant, 1 skipped, 0 errors"),
        "{err}"
    );
    assert!(err.contains("violations by severity: critical 4"), "{err}");
    assert!(err.contains("cloudtrail-logging-stopped"), "{err}");
    assert!(err.contains("cloudtrail-trail-deleted"), "{err}");
    // Piped: no progress bar, no terminal control sequences.
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let out = snapback(&["scan"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--api"), "{}", stderr(&out));
    let out = snapback(&["scan", "--since", "last tuesday", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`last tuesday`"), "{}", stderr(&out));
    let empty = std::env::temp_dir().join(unique("snapback-empty"));
    std::fs::create_dir_all(&empty).unwrap();
    let out = snapback(&["scan", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no CloudTrail log files"),
        "{}",
        stderr(&out)
    );
}

/// A loopback LookupEvents: the first call is throttled, then two pages. Returns its endpoint
/// and the request bodies it received.
fn lookup_double(pages: Vec<Value>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let bodies = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let bodies = bodies.clone();
            let pages = pages.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut stream = stream;
                loop {
                    let mut length = 0;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let lower = line.to_lowercase();
                        if let Some(v) = lower.strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap();
                        }
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let n = {
                        let mut all = bodies.lock().unwrap();
                        all.push(String::from_utf8_lossy(&body).into_owned());
                        all.len()
                    };
                    let (status, reply) = match n {
                        1 => (
                            "400 Bad Request",
                            json!({"__type": "ThrottlingException", "message": "Rate exceeded"}),
                        ),
                        n => (
                            "200 OK",
                            pages.get(n - 2).cloned().unwrap_or(json!({"Events": []})),
                        ),
                    };
                    let reply = reply.to_string();
                    let response = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n{reply}",
                        reply.len()
                    );
                    if stream.write_all(response.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

#[test]
fn the_api_is_paged_and_a_throttled_call_is_retried() {
    let item = |r: Value| json!({"EventId": r["eventID"], "EventName": r["eventName"], "CloudTrailEvent": r.to_string()});
    let stop = record(
        "StopLogging",
        "cloudtrail",
        ACCOUNT,
        "us-east-1",
        "2026-11-20T09:00:00Z",
    );
    let start = record(
        "StartLogging",
        "cloudtrail",
        ACCOUNT,
        "us-east-1",
        "2026-11-20T09:01:00Z",
    );
    let delete = record(
        "DeleteTrail",
        "cloudtrail",
        ACCOUNT,
        "us-east-1",
        "2026-11-20T09:02:00Z",
    );
    let pages = vec![
        json!({"Events": [item(stop), item(start)], "NextToken": "page-2"}),
        json!({"Events": [item(delete), {"EventId": "broken", "CloudTrailEvent": "{\"eventName\": "}]}),
    ];
    let (url, bodies) = lookup_double(pages);
    let out = snapback(&[
        "scan",
        "--api",
        "--region",
        "us-east-1",
        "--since",
        "2026-11-20",
        "--endpoint-url",
        &url,
    ]);
    let all = records(&out);
    let got: Vec<(&str, &str)> = all
        .iter()
        .map(|r| {
            (
                r["event_name"].as_str().unwrap(),
                r["decision"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("StopLogging", "non_compliant"),
            ("StartLogging", "compliant"),
            ("DeleteTrail", "non_compliant"),
            ("", "error"),
        ],
        "{}",
        stderr(&out)
    );
    assert!(
        all[3]["source"]
            .as_str()
            .unwrap()
            .starts_with("cloudtrail-api:us-east-1:page-2:"),
        "{:?}",
        all[3]
    );
    let bodies = bodies.lock().unwrap().clone();
    assert_eq!(
        bodies.len(),
        3,
        "one throttled call, then two pages: {bodies:?}"
    );
    assert_eq!(
        bodies[0], bodies[1],
        "the throttled call is retried as it was"
    );
    assert!(!bodies[1].contains("NextToken"), "{}", bodies[1]);
    assert!(
        bodies[2].contains("\"NextToken\":\"page-2\""),
        "{}",
        bodies[2]
    );
    assert!(
        bodies[1].contains("ReadOnly"),
        "only write events are asked for: {}",
        bodies[1]
    );
    assert!(bodies[1].contains("StartTime"), "{}", bodies[1]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the unreadable event is an error"
    );
}

#[tokio::test]
async fn remediate_reverts_only_what_is_still_non_compliant() {
    let config = common::sdk_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let bucket = unique("scan-bucket").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let ct = aws_sdk_cloudtrail::Client::new(&config);
    let (still, fixed) = (unique("still-stopped"), unique("restarted"));
    for name in [&still, &fixed] {
        ct.create_trail()
            .name(name)
            .s3_bucket_name(&bucket)
            .send()
            .await
            .unwrap();
        ct.stop_logging().name(name).send().await.unwrap();
    }
    ct.start_logging().name(&fixed).send().await.unwrap();

    let stop = |name: &str| {
        let mut r = Value::Object(
            common::event(
                "cloudtrail.amazonaws.com",
                "StopLogging",
                json!({"name": name}),
            )
            .record,
        );
        r["eventTime"] = json!("2026-11-20T09:00:00Z");
        r
    };
    let root = std::env::temp_dir().join(unique("snapback-remediate"));
    gz(
        &root.join("AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/f.json.gz"),
        json!({"Records": [stop(&still), stop(&fixed)]})
            .to_string()
            .as_bytes(),
    );
    let spool = std::env::temp_dir().join(unique("snapback-scan-spool"));
    let out = snapback(&[
        "scan",
        "--remediate",
        "--mode",
        "enforce",
        "--endpoint-url",
        &common::endpoint(),
        "--dead-letter",
        spool.to_str().unwrap(),
        root.to_str().unwrap(),
    ]);
    let all = records(&out);
    let status: Vec<&str> = all
        .iter()
        .map(|r| r["remediation"]["status"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(status, ["applied", "noop"], "{}\n{all:#?}", stderr(&out));
    let logging = ct
        .get_trail_status()
        .name(&still)
        .send()
        .await
        .unwrap()
        .is_logging();
    assert_eq!(logging, Some(true));
    assert!(
        stderr(&out).contains("remediation: 2 reverted or already compliant, 0 left in place"),
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `scan s3://...` against moto, compared with a local scan of the same files.
mod s3;
