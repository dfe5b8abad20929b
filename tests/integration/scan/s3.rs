//! `snapback scan s3://BUCKET/PREFIX` against moto: the records and the summary are those of a
//! local scan of the same files (from the shared corpus, read in place), with and without
//! filters; the filters prune the listing; `--shard I/N` splits the files without overlap; an
//! object that is not a log file is an error naming it, and the rest is scanned.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use super::{records, snapback, stderr};
use crate::common::{self, unique};

const A: &str = "111122223333";
const B: &str = "444455556666";

fn corpus() -> PathBuf {
    std::env::var_os("SNAPBACK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
        .join("cloudtrail-records")
}

/// The corpus records as CloudTrail log files (relative key, JSON) across two accounts (B's in
/// an organization trail's layout), two regions, two days and three files each, every record
/// with a unique `eventID` and the account, region and time of its place; plus a digest file.
fn log_files() -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 100,
        "corpus not found at {}",
        corpus().display()
    );
    let mut files: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    for (i, path) in paths.iter().enumerate() {
        let mut record: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let Some(map) = record.as_object_mut() else {
            continue;
        };
        let account = [A, B][i % 2];
        let region = ["us-east-1", "eu-west-1"][(i / 2) % 2];
        let day = ["01", "02"][(i / 4) % 2];
        let n = (i / 8) % 3;
        map.insert("eventID".into(), json!(format!("corpus-{i:04}")));
        map.insert("recipientAccountId".into(), json!(account));
        map.insert("awsRegion".into(), json!(region));
        map.insert(
            "eventTime".into(),
            json!(format!(
                "2026-11-{day}T10:{:02}:{:02}Z",
                i / 60 % 60,
                i % 60
            )),
        );
        let org = if account == B { "o-abc123/" } else { "" };
        let key = format!(
            "AWSLogs/{org}{account}/CloudTrail/{region}/2026/11/{day}/\
             {account}_CloudTrail_{region}_202611{day}T1000Z_{n}.json.gz"
        );
        files.entry(key).or_default().push(record);
    }
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(key, records)| (key, json!({ "Records": records }).to_string().into_bytes()))
        .collect();
    out.push((
        format!("AWSLogs/{A}/CloudTrail-Digest/us-east-1/2026/11/01/{A}_CloudTrail-Digest_us-east-1_x.json.gz"),
        json!({"awsAccountId": A}).to_string().into_bytes(),
    ));
    out
}

fn gzipped(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// The files under a local root, and in a new moto bucket under `logs/`: (local root, s3 root).
async fn archive(extra: &[(&str, &[u8])]) -> (PathBuf, String) {
    let root = std::env::temp_dir().join(unique("snapback-s3-local"));
    let config = common::sdk_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let bucket = unique("scan-s3").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let mut all: Vec<(String, Vec<u8>)> = log_files()
        .into_iter()
        .map(|(key, json)| (key, gzipped(&json)))
        .collect();
    all.extend(extra.iter().map(|(k, b)| ((*k).to_owned(), b.to_vec())));
    for (key, body) in &all {
        let path = root.join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, body).unwrap();
        s3.put_object()
            .bucket(&bucket)
            .key(format!("logs/{key}"))
            .body(body.clone().into())
            .send()
            .await
            .unwrap();
    }
    // Outside the root: never listed.
    s3.put_object()
        .bucket(&bucket)
        .key("elsewhere/AWSLogs/x.json.gz")
        .body(gzipped(b"{}").into())
        .send()
        .await
        .unwrap();
    (root, format!("s3://{bucket}/logs"))
}

/// Run `scan` on a root with moto's endpoint and test credentials.
fn scan(root: &str, args: &[&str]) -> Output {
    let endpoint = common::endpoint();
    let mut all = vec!["scan", "--threads", "2", "--endpoint-url", &endpoint];
    all.extend_from_slice(args);
    all.push(root);
    snapback(&all)
}

/// Each record's event id and decision, in order.
fn decisions(out: &Output) -> Vec<(String, String)> {
    records(out)
        .iter()
        .map(|r| {
            (
                r["event_id"].as_str().unwrap_or("").to_owned(),
                r["decision"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The summary on stderr, without times and the listing line.
fn summary(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| !l.starts_with("listed "))
        .map(|l| match l.split_once(" in ") {
            Some((head, _)) if l.starts_with("scanned ") => head.to_owned(),
            _ => l.to_owned(),
        })
        .collect()
}

/// How many keys the S3 scan listed.
fn listed(out: &Output) -> usize {
    let err = stderr(out);
    let line = err.lines().find(|l| l.starts_with("listed ")).unwrap();
    line.split(' ').nth(1).unwrap().parse().unwrap()
}

fn local(root: &Path) -> &str {
    root.to_str().unwrap()
}

#[tokio::test]
async fn a_bucket_scans_as_a_local_copy_of_it_does() {
    let (root, url) = archive(&[]).await;
    let on_disk = scan(local(&root), &[]);
    let in_s3 = scan(&url, &["--fetch-concurrency", "3"]);
    let expected = decisions(&on_disk);
    assert!(expected.len() >= 600, "{}", stderr(&on_disk));
    assert_eq!(decisions(&in_s3), expected, "{}", stderr(&in_s3));
    assert_eq!(summary(&in_s3), summary(&on_disk), "{}", stderr(&in_s3));
    assert_eq!(in_s3.status.code(), on_disk.status.code());
    let sources: Vec<Value> = records(&in_s3)
        .into_iter()
        .map(|r| r["source"].clone())
        .collect();
    let bucket = url.trim_end_matches("/logs");
    assert!(
        sources.iter().all(|s| s
            .as_str()
            .unwrap()
            .starts_with(&format!("{bucket}/logs/AWSLogs/"))),
        "{sources:?}"
    );
}

#[tokio::test]
async fn filters_give_the_local_records_and_list_fewer_keys() {
    let (root, url) = archive(&[]).await;
    let everything = scan(&url, &[]);
    for filters in [
        &["--account", B][..],
        &["--region", "eu-west-1", "--since", "2026-11-02"][..],
        &[
            "--account",
            A,
            "--region",
            "us-east-1",
            "--until",
            "2026-11-01",
        ][..],
    ] {
        let on_disk = scan(local(&root), filters);
        let in_s3 = scan(&url, filters);
        let expected = decisions(&on_disk);
        assert!(!expected.is_empty(), "{filters:?}: {}", stderr(&on_disk));
        assert!(expected.len() < decisions(&everything).len(), "{filters:?}");
        assert_eq!(
            decisions(&in_s3),
            expected,
            "{filters:?}: {}",
            stderr(&in_s3)
        );
        assert_eq!(summary(&in_s3), summary(&on_disk), "{filters:?}");
        assert!(
            listed(&in_s3) < listed(&everything),
            "{filters:?}: {} then {}",
            stderr(&everything),
            stderr(&in_s3)
        );
    }
}

#[tokio::test]
async fn shards_decide_each_event_exactly_once() {
    let (root, url) = archive(&[]).await;
    let whole = decisions(&scan(&url, &[]));
    let mut union = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let part = decisions(&scan(&url, &["--shard", &shard]));
        assert!(!part.is_empty(), "shard {shard} is empty");
        // A local copy splits the same way.
        assert_eq!(decisions(&scan(local(&root), &["--shard", &shard])), part);
        union.extend(part);
    }
    let mut whole = whole;
    whole.sort();
    union.sort();
    assert_eq!(union, whole);
    for bad in ["3/3", "1/0", "x"] {
        let out = scan(&url, &["--shard", bad]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("is not a shard"), "{}", stderr(&out));
    }
}

#[tokio::test]
async fn an_object_that_is_not_a_log_is_an_error_naming_it_and_the_rest_is_scanned() {
    let key =
        format!("AWSLogs/{A}/CloudTrail/us-east-1/2026/11/01/{A}_CloudTrail_us-east-1_bad.json.gz");
    let mut truncated = gzipped(&log_files()[0].1);
    truncated.truncate(truncated.len() / 2);
    let cut =
        format!("AWSLogs/{A}/CloudTrail/us-east-1/2026/11/02/{A}_CloudTrail_us-east-1_cut.json.gz");
    let (root, url) = archive(&[(&key, b"this is not gzip"), (&cut, &truncated)]).await;
    let in_s3 = scan(&url, &[]);
    let all = records(&in_s3);
    let bucket = url.trim_end_matches("/logs");
    for name in [&key, &cut] {
        let named = format!("{bucket}/logs/{name}");
        assert!(
            all.iter().any(|r| r["decision"] == "error"
                && r["source"].as_str().unwrap().starts_with(named.as_str())),
            "no error names {named}: {}",
            stderr(&in_s3)
        );
    }
    assert_eq!(in_s3.status.code(), Some(1), "{}", stderr(&in_s3));
    // Everything else is decided, as locally.
    assert_eq!(decisions(&in_s3), decisions(&scan(local(&root), &[])));
    let ok = all.iter().filter(|r| r["decision"] != "error").count();
    assert!(ok >= 600, "{ok}");
}

#[test]
fn s3_and_local_roots_are_not_mixed() {
    let out = snapback(&["scan", "s3://bucket/logs", "AWSLogs/"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not both"), "{}", stderr(&out));
    let out = snapback(&["scan", "s3://"]);
    assert!(
        stderr(&out).contains("is not an S3 archive root"),
        "{}",
        stderr(&out)
    );
}
