//! `snapback audit query` and `audit stats` against a brute-force filter: a seeded log of
//! generated decision records, half plain and half gzip, queried with many filter
//! combinations; the binary must print exactly the records the test's own filter keeps, in log
//! order, byte for byte. Also: a malformed line is reported with file:line and skipped, an
//! unreadable file fails, and CSV fields are quoted.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use snapback::event::EventTime;

/// 2026-10-25T00:00:00Z; the generated records spread over the twelve days from it.
const START: i64 = 1_792_886_400_000;
const DAY: i64 = 86_400_000;
const DAYS: i64 = 12;

const ACCOUNTS: &str = "111111111111 222222222222 333333333333 444444444444";
const REGIONS: &str = "us-east-1 us-west-2 eu-west-1 ap-southeast-2";
const PRINCIPALS: &str = "user/alice role/deployer assumed-role/Admin/bob root";
const ACTIONS: &str = "s3:PutBucketPolicy s3:PutBucketAcl s3:DeleteBucket iam:CreateAccessKey \
    iam:AttachUserPolicy ec2:AuthorizeSecurityGroupIngress cloudtrail:StopLogging \
    kms:ScheduleKeyDeletion";
/// Policy ids, each with its severity.
const POLICIES: &str = "s3-no-public-policy=critical s3-no-public-acl=high \
    iam-no-user-keys=medium ec2-no-open-ssh=high cloudtrail-always-on=critical \
    kms-no-key-deletion=low";
const SEVERITIES: &str = "low medium high critical";
const DECISIONS: &str = "compliant non_compliant skipped error";
const STATUSES: &str = "applied noop planned failed breaker_open dead_lettered flap_limited";

/// The list filters, with the values random queries pick from.
const FILTERS: [(&str, &str); 9] = [
    ("account", ACCOUNTS),
    ("region", REGIONS),
    ("principal", "alice deployer Admin :root 222222222222"),
    (
        "action",
        "s3:* iam ec2:AuthorizeSecurityGroupIngress kms:* s3:DeleteBucket s3:Put*",
    ),
    ("resource", "bucket sg-1 -4 key-"),
    (
        "policy",
        "s3-no-public-policy iam-no-user-keys ec2-no-open-ssh kms-no-key-deletion",
    ),
    ("severity", SEVERITIES),
    ("decision", DECISIONS),
    (
        "status",
        "applied noop planned failed breaker_open dead_lettered flap_limited none",
    ),
];

/// xorshift64*: small, seeded, good enough to spread records around.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn word<'a>(&mut self, words: &'a str) -> &'a str {
        let words: Vec<&str> = words.split_whitespace().collect();
        words[self.below(words.len())]
    }
}

/// A generated record, the time the filter should use for it (the event time, or the decision
/// time without one), and its line in the log.
#[derive(Debug, Clone)]
struct Gen {
    id: String,
    millis: i64,
    record: Value,
    line: String,
}

fn rfc3339(epoch_millis: i64) -> String {
    EventTime { epoch_millis }.to_rfc3339()
}

fn generate(rng: &mut Rng, n: usize) -> Vec<Gen> {
    (0..n).map(|i| one(rng, i)).collect()
}

fn one(rng: &mut Rng, i: usize) -> Gen {
    let event_millis = START + (rng.next() % (DAYS * DAY) as u64) as i64;
    let decided_millis = event_millis + (rng.next() % 7_200_000) as i64;
    let (event_time, millis) = match rng.below(20) {
        0 => (Value::Null, decided_millis),
        1 => (json!("not a time"), decided_millis),
        _ => (json!(rfc3339(event_millis)), event_millis),
    };
    let account = (!rng.chance(5)).then(|| rng.word(ACCOUNTS).to_owned());
    let region = rng.word(REGIONS).to_owned();
    let owner = account.as_deref().unwrap_or("000000000000");
    let principal = format!("arn:aws:iam::{owner}:{}", rng.word(PRINCIPALS));
    let action = rng.word(ACTIONS).to_owned();
    let resource = format!("{}-{}", rng.word("bucket sg key trail"), rng.below(50));
    let decision = rng.word(DECISIONS).to_owned();
    let mut policies: Vec<(&str, &str)> = Vec::new();
    for _ in 0..=rng.below(2) {
        let p = rng.word(POLICIES).split_once('=').unwrap();
        if decision == "non_compliant" && !policies.contains(&p) {
            policies.push(p);
        }
    }
    let rank = |s: &str| SEVERITIES.find(s).unwrap();
    let severity = policies.iter().map(|p| p.1).max_by_key(|s| rank(s));
    let status = match decision.as_str() {
        "non_compliant" if rng.chance(80) => rng.word(STATUSES),
        _ => "none",
    };
    let (service, name) = action.split_once(':').unwrap();
    let id = format!("d-{i:05}");
    let policies: Vec<Value> = policies.iter().map(|(id, sev)| json!({
        "id": id, "severity": sev, "mode": "enforce", "remediation": null, "controls": ["C1"]
    })).collect();
    let remediation = (status != "none").then(|| {
        json!({
            "name": "revert", "status": status, "attempts": 1, "api_calls": [], "duration_ms": 12
        })
    });
    let record = json!({
        "schema_version": 1, "decision_id": id, "event_id": format!("e-{i}"),
        "event_time": event_time, "received_at": rfc3339(decided_millis - 5),
        "decided_at": rfc3339(decided_millis), "event_source": format!("{service}.amazonaws.com"),
        "event_name": name, "account": account, "region": region,
        "principal": {"type": "Aws::IamUser", "arn": principal}, "action": action,
        "resource": {"type": "Aws::Thing", "id": resource}, "decision": decision,
        "reason": "generated", "severity": severity, "policies": policies,
        "remediation": remediation, "errors": [], "source": format!("gen.jsonl:{}:1", i + 1),
        "policy_set": "sha256:0", "engine_version": "0.1.0", "cold_start": false, "decide_us": 10
    });
    let line = record.to_string();
    Gen {
        id,
        millis,
        record,
        line,
    }
}

/// A query: list filters as `(flag, values)`, a time window as the arguments and the instants
/// they mean, and a limit.
#[derive(Debug, Clone, Default)]
struct Query {
    lists: Vec<(&'static str, Vec<String>)>,
    since: Option<(String, i64)>,
    until: Option<(String, i64)>,
    limit: Option<usize>,
}

/// Whether a record matches one value of a list filter, read from the generated JSON.
fn hit(flag: &str, value: &str, g: &Gen) -> bool {
    let r = &g.record;
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let action = text(&r["action"]);
    let service = action.split(':').next().unwrap();
    match flag {
        "account" | "region" | "severity" | "decision" => r[flag] == value,
        "principal" => text(&r["principal"]["arn"]).contains(value),
        "action" if value.ends_with(":*") => Some(service) == value.strip_suffix(":*"),
        "action" if value.ends_with('*') => action.starts_with(value.trim_end_matches('*')),
        "action" if !value.contains(':') => service == value,
        "action" => action == value,
        "resource" => text(&r["resource"]["id"]).contains(value),
        "policy" => r["policies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == value),
        "status" if value == "none" => r["remediation"].is_null(),
        "status" => r["remediation"]["status"] == value,
        _ => panic!("no filter {flag}"),
    }
}

impl Query {
    /// `flag=a,b flag=c` as list filters.
    fn lists(spec: &str) -> Self {
        let lists = spec.split_whitespace().map(|kv| {
            let (flag, values) = kv.split_once('=').unwrap();
            let flag = FILTERS.iter().find(|f| f.0 == flag).unwrap().0;
            (flag, values.split(',').map(str::to_owned).collect())
        });
        Self {
            lists: lists.collect(),
            ..Self::default()
        }
    }

    /// Arguments for the binary; lists alternate between comma-separated and repeated flags,
    /// written `--flag=value` since values may start with `-`.
    fn args(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (flag, time) in [("--since", &self.since), ("--until", &self.until)] {
            out.extend(time.iter().map(|(text, _)| format!("{flag}={text}")));
        }
        for (i, (flag, values)) in self.lists.iter().enumerate() {
            if i % 2 == 0 {
                out.push(format!("--{flag}={}", values.join(",")));
            } else {
                out.extend(values.iter().map(|v| format!("--{flag}={v}")));
            }
        }
        out.extend(self.limit.map(|n| format!("--limit={n}")));
        out
    }

    fn keeps(&self, g: &Gen) -> bool {
        self.since.as_ref().is_none_or(|(_, s)| g.millis >= *s)
            && self.until.as_ref().is_none_or(|(_, u)| g.millis < *u)
            && self
                .lists
                .iter()
                .all(|(flag, values)| values.iter().any(|v| hit(flag, v, g)))
    }

    fn expected<'a>(&self, records: &'a [Gen]) -> Vec<&'a Gen> {
        let kept = records.iter().filter(|g| self.keeps(g));
        kept.take(self.limit.unwrap_or(usize::MAX)).collect()
    }
}

/// A time argument: midnight as a date, or half past an hour as an RFC 3339 time.
fn time(rng: &mut Rng) -> (String, i64) {
    let midnight = START + rng.below(DAYS as usize + 1) as i64 * DAY;
    let date = rfc3339(midnight)[..10].to_owned();
    if rng.chance(50) {
        return (date, midnight);
    }
    let hour = rng.below(24) as i64;
    let text = format!("{date}T{hour:02}:30:00Z");
    (text, midnight + hour * 3_600_000 + 1_800_000)
}

fn random_query(rng: &mut Rng) -> Query {
    let mut q = Query::default();
    for _ in 0..1 + rng.below(3) {
        match rng.below(FILTERS.len() + 2) {
            0 => q.since = Some(time(rng)),
            1 => q.until = Some(time(rng)),
            n => {
                let (flag, words) = FILTERS[n - 2];
                let values = (0..=rng.below(2)).map(|_| rng.word(words).to_owned());
                let values: Vec<String> = values.collect();
                // a repeated flag adds values to the same filter
                match q.lists.iter_mut().find(|(f, _)| *f == flag) {
                    Some((_, old)) => old.extend(values),
                    None => q.lists.push((flag, values)),
                }
            }
        }
    }
    q.limit = rng.chance(15).then(|| rng.below(40));
    q
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snapback-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_plain(path: &Path, lines: &[&str]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
}

fn write_gz(path: &Path, lines: &[&str]) {
    let file = std::fs::File::create(path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    for l in lines {
        writeln!(gz, "{l}").unwrap();
    }
    gz.finish().unwrap();
}

/// Run `snapback audit ARGS... PATHS... EXTRA...`: exit code, stdout, stderr.
fn audit(args: &[&str], paths: &[PathBuf], extra: &[String]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_snapback"))
        .arg("audit")
        .args(args)
        .args(paths)
        .args(extra)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn ids(stdout: &str) -> Vec<String> {
    let id = |l: &str| serde_json::from_str::<Value>(l).unwrap()["decision_id"].clone();
    stdout
        .lines()
        .map(|l| id(l).as_str().unwrap().to_owned())
        .collect()
}

/// 2000 records, the first half in a plain file and the rest gzipped, read in that order.
fn generated_log(name: &str) -> (Vec<Gen>, Vec<PathBuf>) {
    let records = generate(&mut Rng(0x5eed_cafe_f00d_0001), 2000);
    let dir = scratch(name);
    let paths = vec![dir.join("a.jsonl"), dir.join("b.jsonl.gz")];
    let lines: Vec<&str> = records.iter().map(|g| g.line.as_str()).collect();
    write_plain(&paths[0], &lines[..1000]);
    write_gz(&paths[1], &lines[1000..]);
    (records, paths)
}

#[test]
fn query_prints_exactly_what_a_brute_force_filter_keeps() {
    let (records, paths) = generated_log("brute");
    let mut rng = Rng(0xdead_beef_1234_5678);
    let mut queries = vec![
        Query::default(),
        Query {
            limit: Some(7),
            ..Query::default()
        },
        Query {
            limit: Some(0),
            ..Query::default()
        },
        Query::lists("action=s3:PutBucket*"),
        Query::lists("status=none decision=non_compliant"),
        Query::lists("severity=critical,low account=111111111111,222222222222"),
        Query::lists("principal=assumed-role region=eu-west-1,us-east-1 action=iam,kms:*"),
        Query {
            since: Some(("2026-10-28".into(), START + 3 * DAY)),
            until: Some(("2026-10-30T00:00:00Z".into(), START + 5 * DAY)),
            ..Query::default()
        },
        Query {
            since: Some(time(&mut rng)),
            until: Some(time(&mut rng)),
            ..Query::default()
        },
    ];
    queries.extend((0..60).map(|_| random_query(&mut rng)));
    let mut selective = 0;
    for q in &queries {
        let expected = q.expected(&records);
        let (code, stdout, stderr) = audit(&["query", "--format", "json"], &paths, &q.args());
        assert_eq!(code, Some(0), "{q:?}: {stderr}");
        let want: Vec<&str> = expected.iter().map(|g| g.id.as_str()).collect();
        let got = ids(&stdout);
        let first = got.iter().zip(&want).position(|(g, w)| g != w);
        let counts = format!(
            "{} records, want {}, first difference at {first:?}",
            got.len(),
            want.len()
        );
        assert!(got == want, "{q:?}: {counts}");
        let lines: String = expected.iter().map(|g| format!("{}\n", g.line)).collect();
        assert!(stdout == lines, "records come out as logged: {q:?}");
        selective += usize::from(!expected.is_empty() && expected.len() < records.len());
    }
    assert!(
        selective > queries.len() / 2,
        "too few queries select some records: {selective}"
    );
}

#[test]
fn stats_count_what_the_brute_force_filter_keeps() {
    let (records, paths) = generated_log("stats");
    let q = Query::lists("region=us-east-1,eu-west-1 decision=non_compliant,error");
    let (code, stdout, stderr) = audit(&["stats", "--format", "json"], &paths, &q.args());
    assert_eq!(code, Some(0), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let kept = q.expected(&records);
    assert_eq!(report["total"], kept.len());
    let counted = |key: &dyn Fn(&Gen) -> Vec<String>| -> Value {
        let mut counts = BTreeMap::<String, u64>::new();
        for k in kept.iter().flat_map(|g| key(g)) {
            *counts.entry(k).or_default() += 1;
        }
        let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        let counts = counts
            .into_iter()
            .map(|(k, n)| json!({"key": k, "count": n}));
        counts.collect()
    };
    let field = |g: &Gen, pointer: &str| {
        let v = g.record.pointer(pointer).and_then(Value::as_str);
        vec![v.unwrap_or("-").to_owned()]
    };
    assert_eq!(report["by_decision"], counted(&|g| field(g, "/decision")));
    assert_eq!(report["by_account"], counted(&|g| field(g, "/account")));
    assert_eq!(
        report["by_principal"],
        counted(&|g| field(g, "/principal/arn"))
    );
    let policies = |g: &Gen| -> Vec<String> {
        let policies = g.record["policies"].as_array().unwrap().iter();
        policies
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(report["by_policy"], counted(&policies));
    let day = |g: &Gen| vec![rfc3339(g.millis)[..10].to_owned()];
    assert_eq!(report["by_day"], counted(&day));
}

#[test]
fn a_malformed_line_is_reported_with_file_and_line_and_the_rest_still_come_out() {
    let records = generate(&mut Rng(42), 4);
    let dir = scratch("malformed");
    let paths = [dir.join("a.jsonl"), dir.join("b.jsonl.gz")];
    write_plain(
        &paths[0],
        &[
            &records[0].line,
            r#"{"decision_id": "d-x""#,
            &records[1].line,
        ],
    );
    write_gz(
        &paths[1],
        &[&records[2].line, "", "not json", &records[3].line],
    );
    let (code, stdout, stderr) = audit(&["query", "--format", "json"], &paths, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        ids(&stdout),
        records.iter().map(|g| g.id.clone()).collect::<Vec<_>>()
    );
    for (path, line) in [(&paths[0], 2), (&paths[1], 3)] {
        let error = format!("error: {}:{line}: not a decision record", path.display());
        assert!(stderr.contains(&error), "{stderr}");
    }
}

/// A critical violation whose `decision` key appears twice: readers that take the first
/// value see `compliant`, serde refuses the record; either way it must not vanish.
#[test]
fn a_record_with_a_duplicated_key_is_an_error_counted_in_stats_not_skipped() {
    let records = generate(&mut Rng(7), 3);
    let dir = scratch("duplicate-key");
    let path = dir.join("a.jsonl");
    let mut record = records[1].record.clone();
    record["decision"] = json!("non_compliant");
    record["severity"] = json!("critical");
    let line = record.to_string().replacen(
        "\"decision\":\"non_compliant\"",
        "\"decision\":\"compliant\",\"decision\":\"non_compliant\"",
        1,
    );
    write_plain(&path, &[&records[0].line, &line, &records[2].line]);
    let error = format!("error: {}:2: ", path.display());
    for command in ["query", "stats"] {
        let (code, stdout, stderr) = audit(
            &[command, "--format", "json"],
            std::slice::from_ref(&path),
            &[],
        );
        assert_eq!(code, Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains(&error) && stderr.contains("duplicate key `decision`"),
            "{command}: {stderr}"
        );
        if command == "stats" {
            let report: Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(report["total"], 2, "{stdout}");
            assert_eq!(report["unreadable"], 1, "{stdout}");
        }
    }
    let (_, stdout, _) = audit(&["stats"], std::slice::from_ref(&path), &[]);
    assert!(stdout.contains("1 unreadable record"), "{stdout}");
}

#[test]
fn a_record_that_is_not_utf8_is_an_error_not_silently_mended() {
    let records = generate(&mut Rng(9), 2);
    let dir = scratch("not-utf8");
    let path = dir.join("a.jsonl");
    let mut bytes = records[0].line.clone().into_bytes();
    bytes.push(b'\n');
    let at = records[1].line.find("generated").unwrap();
    let mut second = records[1].line.clone().into_bytes();
    second[at] = 0xff;
    bytes.extend_from_slice(&second);
    bytes.push(b'\n');
    std::fs::write(&path, bytes).unwrap();
    let (code, stdout, stderr) = audit(
        &["query", "--format", "json"],
        std::slice::from_ref(&path),
        &[],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(ids(&stdout), vec![records[0].id.clone()]);
    let error = format!("error: {}:2: ", path.display());
    assert!(
        stderr.contains(&error) && stderr.contains("UTF-8"),
        "{stderr}"
    );
}

#[test]
fn a_record_whose_time_cannot_be_read_is_an_error_not_dropped_by_since() {
    let records = generate(&mut Rng(11), 2);
    let dir = scratch("undated");
    let path = dir.join("a.jsonl");
    let mut record = records[1].record.clone();
    record["event_time"] = json!("not a time");
    record["decided_at"] = json!("yesterday");
    let line = record.to_string();
    write_plain(&path, &[&records[0].line, &line]);
    let (code, _, stderr) = audit(
        &["query", "--since", "2000-01-01", "--format", "json"],
        std::slice::from_ref(&path),
        &[],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let error = format!("error: {}:2: ", path.display());
    assert!(
        stderr.contains(&error) && stderr.contains("decided_at"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_log_is_an_error() {
    let missing = scratch("unreadable").join("missing.jsonl");
    let (code, _, stderr) = audit(&["query"], &[missing], &[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("missing.jsonl: cannot read"), "{stderr}");
}

#[test]
fn csv_quotes_fields_that_need_it() {
    let mut record: Value = serde_json::from_str(&one(&mut Rng(7), 0).line).unwrap();
    record["event_time"] = json!("2026-11-01T00:00:00.000Z");
    record["account"] = json!(null);
    record["region"] = json!("us-east-1");
    record["principal"]["arn"] = json!("arn:aws:iam::1:user/a");
    record["action"] = json!("s3:PutBucketPolicy");
    record["resource"]["id"] = json!("weird,\"name\"");
    record["decision"] = json!("non_compliant");
    record["severity"] = json!("high");
    record["policies"] = json!([
        {"id": "p-one", "severity": "high", "mode": "enforce", "remediation": null, "controls": []},
        {"id": "p-two", "severity": "low", "mode": "audit", "remediation": null, "controls": []}
    ]);
    record["remediation"] =
        json!({"name": "r", "status": "planned", "attempts": 0, "duration_ms": 0});
    record["source"] = json!("in\nput.json:1:1");
    let path = scratch("csv").join("log.jsonl");
    write_plain(&path, &[&record.to_string()]);
    let (code, stdout, stderr) = audit(&["query", "--format", "csv"], &[path], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "decision_id,event_time,account,region,principal_arn,action,resource_type,resource_id,\
         decision,severity,policies,remediation_status,source\n\
         d-00000,2026-11-01T00:00:00.000Z,,us-east-1,arn:aws:iam::1:user/a,s3:PutBucketPolicy,\
         Aws::Thing,\"weird,\"\"name\"\"\",non_compliant,high,p-one;p-two,planned,\"in\nput.json:1:1\"\n"
    );
}
