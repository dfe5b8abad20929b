//! `snapback slo` by hand-computed cases: availability and its budget, nearest-rank
//! percentiles, burn rates that page, remediation and time-to-remediate, the cost model, and
//! the real binary on a small log (table, JSON, valid Prometheus exposition, exit codes).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};
use snapback::DecisionRecord;
use snapback::decision_log::slo::{self, Arch, Config, Report, Slo, Targets, Window};
use snapback::event::EventTime;

const NOW: &str = "2026-11-20T09:05:00.000Z";
const MINUTE: i64 = 60_000;

fn now() -> i64 {
    EventTime::parse(NOW).unwrap().epoch_millis
}

fn at(ms: i64) -> String {
    EventTime { epoch_millis: ms }.to_rfc3339()
}

/// A decision record decided `ago_ms` before [`NOW`].
fn rec(ago_ms: i64, decision: &str, decide_us: u64) -> Value {
    json!({
        "schema_version": 1, "decision_id": format!("d-{ago_ms}-{decide_us}"), "event_id": "e-1",
        "event_time": at(now() - ago_ms - 1000), "received_at": at(now() - ago_ms - 10),
        "decided_at": at(now() - ago_ms), "remediated_at": null,
        "event_source": "s3.amazonaws.com", "event_name": "PutBucketPolicy",
        "account": "123456789012", "region": "us-east-1",
        "principal": {"type": "Aws::IamUser", "arn": "arn:aws:iam::123456789012:user/alice"},
        "action": "s3:PutBucketPolicy", "resource": {"type": "Aws::S3Bucket", "id": "b"},
        "decision": decision, "reason": "", "severity": null, "policies": [], "remediation": null,
        "errors": [], "request_parameters": null, "redacted": [], "source": "t:1:1",
        "policy_set": "sha256:0", "engine_version": "0.1.0", "cold_start": false, "decide_us": decide_us
    })
}

/// A non-compliant record whose remediation ended with `status` after `duration_ms`, confirmed
/// `ttr_ms` after the event when given.
fn remediated(ago_ms: i64, status: &str, duration_ms: u64, ttr_ms: Option<i64>) -> Value {
    let mut r = rec(ago_ms, "non_compliant", 1000);
    r["remediation"] =
        json!({"name": "s3-x", "status": status, "attempts": 1, "duration_ms": duration_ms});
    if let Some(ttr) = ttr_ms {
        r["event_time"] = json!(at(now() - ago_ms - ttr));
        r["remediated_at"] = json!(at(now() - ago_ms));
    }
    r
}

fn records(values: &[Value]) -> Vec<DecisionRecord> {
    values
        .iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect()
}

fn config() -> Config {
    Config {
        window: "30d".parse().unwrap(),
        targets: Targets::default(),
        arch: Arch::Arm64,
        memory_mb: 128,
    }
}

fn compute(values: &[Value]) -> Report {
    slo::compute(&records(values), now(), &config())
}

fn slo_of(report: &Report, slo: Slo) -> &slo::SloReport {
    report.slos.iter().find(|s| s.slo == slo).unwrap()
}

fn burn(s: &slo::SloReport, window: &str) -> f64 {
    s.burn_rates
        .iter()
        .find(|b| b.window == window)
        .unwrap()
        .burn_rate
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn two_errors_in_a_thousand_overspend_the_availability_budget() {
    // Spread over 10 days so no short window burns; errors 5 and 9 days ago.
    let values: Vec<Value> = (0..1000)
        .map(|i| {
            rec(
                i * 864_000,
                if i == 500 || i == 900 {
                    "error"
                } else {
                    "compliant"
                },
                1000,
            )
        })
        .collect();
    let r = compute(&values);
    let a = slo_of(&r, Slo::Availability);
    assert_eq!((r.events, a.total, a.bad), (1000, 1000, 2));
    assert_eq!(a.sli, Some(0.998));
    assert_eq!(a.error_budget, 0.001);
    assert_eq!(a.error_budget_remaining, -1.0);
    assert!(!a.page && !a.ticket, "{:?}", a.alerts);
}

#[test]
fn nearest_rank_percentiles_over_ten_latencies() {
    let us = [900, 100, 5000, 300, 150_000, 700, 200, 1000, 400, 600];
    let values: Vec<Value> = us
        .iter()
        .enumerate()
        .map(|(i, &u)| rec(i as i64 * MINUTE, "compliant", u))
        .collect();
    let r = compute(&values);
    // Sorted: 100 200 300 400 600 700 900 1000 5000 150000; ranks ceil(0.5*10)=5, ceil(9.5)=10, ceil(9.9)=10.
    let l = &r.decision_latency_us;
    assert_eq!(
        (l.p50, l.p95, l.p99),
        (Some(600), Some(150_000), Some(150_000))
    );
    assert_eq!((l.count, l.sum), (10, 159_200));
    // One of ten over 100 ms: SLI 0.9, budget 0.01, so 10x burn and 1 - 10 = -9 left.
    let lat = slo_of(&r, Slo::Latency);
    assert_eq!((lat.total, lat.bad, lat.sli), (10, 1, Some(0.9)));
    assert!(
        close(lat.error_budget_remaining, -9.0),
        "{}",
        lat.error_budget_remaining
    );
}

#[test]
fn errors_in_the_last_hour_page() {
    // One event a minute for three days; errors 1 and 30 minutes ago (30m is outside (now-30m, now]).
    let values: Vec<Value> = (0..3 * 24 * 60)
        .map(|k| {
            rec(
                k * MINUTE,
                if k == 1 || k == 30 {
                    "error"
                } else {
                    "compliant"
                },
                1000,
            )
        })
        .collect();
    let r = compute(&values);
    let a = slo_of(&r, Slo::Availability);
    let counts: Vec<(&str, u64, u64)> = a
        .burn_rates
        .iter()
        .map(|b| (b.window, b.total, b.bad))
        .collect();
    assert_eq!(
        counts,
        [
            ("5m", 5, 1),
            ("30m", 30, 1),
            ("1h", 60, 2),
            ("2h", 120, 2),
            ("6h", 360, 2),
            ("24h", 1440, 2),
            ("3d", 4320, 2)
        ]
    );
    assert!(close(burn(a, "5m"), 200.0));
    assert!(close(burn(a, "1h"), 2.0 / 60.0 / 0.001));
    assert!(close(burn(a, "6h"), 2.0 / 360.0 / 0.001)); // 5.56: the 6h/30m rule needs both
    assert!(close(burn(a, "3d"), 2.0 / 4320.0 / 0.001));
    assert!(a.page);
    assert!(!a.ticket, "24h burns 1.39 < 3 and 3d burns 0.46 < 1");
    assert_eq!(a.alerts, ["page: burn(1h) >= 14.4 and burn(5m) >= 14.4"]);
    assert!(!slo_of(&r, Slo::Latency).page);
}

#[test]
fn a_slow_steady_burn_files_a_ticket() {
    // Two errors every 1000 events, evenly over three days: burn 2 over 3d, 1/334 errors over 6h.
    let values: Vec<Value> = (0..4000)
        .map(|k| {
            rec(
                k * 64_800,
                if k % 500 == 7 { "error" } else { "compliant" },
                1000,
            )
        })
        .collect();
    let a = slo_of(&compute(&values), Slo::Availability).clone();
    assert!(close(burn(&a, "3d"), 2.0), "{}", burn(&a, "3d"));
    assert!(burn(&a, "6h") >= 1.0);
    assert_eq!((a.page, a.ticket), (false, true));
    assert_eq!(a.alerts, ["ticket: burn(3d) >= 1 and burn(6h) >= 1"]);
}

#[test]
fn remediation_success_and_time_to_remediate() {
    let values = [
        remediated(0, "applied", 10, Some(12_000)),
        remediated(MINUTE, "noop", 5, Some(90_000)),
        remediated(2 * MINUTE, "applied", 10, None),
        remediated(3 * MINUTE, "failed", 10, Some(1000)),
        remediated(4 * MINUTE, "planned", 0, None),
        remediated(5 * MINUTE, "flap_limited", 0, None),
    ];
    let r = compute(&values);
    let s = slo_of(&r, Slo::RemediationSuccess);
    assert_eq!((s.total, s.bad), (4, 1));
    assert_eq!(s.sli, Some(0.75));
    // Successes with both times: 12 s and 90 s; the failure's time does not count.
    let t = &r.time_to_remediate_ms;
    assert_eq!((t.count, t.p50, t.p99), (2, Some(12_000), Some(90_000)));
    let ttr = slo_of(&r, Slo::TimeToRemediate);
    assert_eq!((ttr.total, ttr.bad, ttr.sli), (2, 1, Some(0.5)));
}

#[test]
fn cost_for_a_known_mean_duration() {
    // 2.5 ms decision billed as 3 ms + 17 ms remediation = 20 ms; 20 ms decision = 20 ms.
    let values = [
        remediated(0, "applied", 17, None),
        rec(MINUTE, "compliant", 20_000),
    ];
    let mut values = values.to_vec();
    values[0]["decide_us"] = json!(2500);
    let r = compute(&values);
    assert_eq!(r.cost.mean_billed_ms, 20.0);
    // $0.20 + 0.020 s x 0.125 GB x $0.0000133334 x 1e6
    assert!(
        close(r.cost.per_million_events_usd, 0.2 + 0.033_333_5),
        "{}",
        r.cost.per_million_events_usd
    );
    assert!(close(
        slo::cost_per_million(20.0, Arch::X86_64, 1024),
        0.2 + 0.333_334
    ));
}

#[test]
fn only_the_window_counts() {
    let values = [
        rec(0, "error", 1),
        rec(-MINUTE, "error", 1),
        rec(2 * 86_400_000, "error", 1),
        rec(MINUTE, "compliant", 1),
    ];
    let config = Config {
        window: "1d".parse::<Window>().unwrap(),
        ..config()
    };
    let r = slo::compute(&records(&values), now(), &config);
    assert_eq!((r.events, r.outside_window), (2, 2));
    assert_eq!(slo_of(&r, Slo::Availability).sli, Some(0.5));
    // The 3d burn window still sees the record 2 days back; the one after now is never counted.
    let a = slo_of(&r, Slo::Availability);
    assert_eq!(a.burn_rates.last().map(|b| (b.total, b.bad)), Some((3, 2)));
    let mut undated = records(&values[..1]);
    undated[0].decided_at = "yesterday".into();
    assert_eq!(slo::compute(&undated, now(), &config).undated, 1);
}

#[test]
fn unknown_target_keys_name_the_file() {
    let dir = scratch("targets");
    let file = dir.join("targets.json");
    std::fs::write(
        &file,
        r#"{"availability": 0.99, "latency": {"target": 0.95, "threshold": 5}}"#,
    )
    .unwrap();
    let err = Targets::load(&file).unwrap_err().to_string();
    assert!(
        err.contains("targets.json") && err.contains("threshold"),
        "{err}"
    );
    std::fs::write(
        &file,
        r#"{"availability": 0.99, "latency": {"threshold_ms": 250}}"#,
    )
    .unwrap();
    let t = Targets::load(&file).unwrap();
    assert_eq!(
        (t.availability, t.latency.target, t.latency.threshold_ms),
        (0.99, 0.99, 250)
    );
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snapback-slo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn snapback(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_snapback"))
        .arg("slo")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A small log: 100 events over the last 100 minutes, 2 errors, one remediation each of
/// applied (30 s), failed and planned, one cold start.
fn small_log(dir: &std::path::Path, extra: &str) -> PathBuf {
    let mut lines: Vec<String> = (0..100)
        .map(|k| {
            let mut r = rec(
                k * MINUTE,
                if k == 3 || k == 40 {
                    "error"
                } else {
                    "compliant"
                },
                1000 + 1000 * k as u64,
            );
            r["cold_start"] = json!(k == 99);
            match k {
                10 => remediated(k * MINUTE, "applied", 250, Some(30_000)),
                11 => remediated(k * MINUTE, "failed", 250, None),
                12 => remediated(k * MINUTE, "planned", 0, None),
                _ => r,
            }
            .to_string()
        })
        .collect();
    lines.insert(50, extra.to_owned());
    let path = dir.join("decisions.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn cli_json_report_of_a_small_log() {
    let dir = scratch("json");
    let log = small_log(&dir, "");
    let out = snapback(&[log.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["now"], NOW);
    assert_eq!(v["window"], "30d");
    assert_eq!(v["events"], 100);
    assert_eq!(v["slos"][0]["slo"], "availability");
    assert_eq!(v["slos"][0]["sli"], 0.98);
    assert_eq!(v["slos"][0]["page"], true);
    assert_eq!(v["slos"][1]["sli"], 0.5);
    assert_eq!(v["time_to_remediate_ms"]["p50"], 30_000);
    assert_eq!(v["cold_start_ratio"], 0.01);
    assert_eq!(v["cost"]["arch"], "arm64");
}

#[test]
fn cli_prometheus_exposition_is_valid() {
    let dir = scratch("prom");
    let log = small_log(&dir, "");
    let out = snapback(&[
        log.to_str().unwrap(),
        "--format",
        "prometheus",
        "--arch",
        "x86_64",
        "--memory-mb",
        "256",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    for line in [
        "# TYPE snapback_slo_sli_ratio gauge",
        "snapback_slo_sli_ratio{slo=\"availability\"} 0.98",
        "snapback_slo_target_ratio{slo=\"availability\"} 0.999",
        "snapback_slo_error_budget_remaining_ratio{slo=\"availability\"} -19",
        "snapback_slo_burn_rate{slo=\"availability\",window=\"5m\"} 200",
        "snapback_slo_alert{slo=\"availability\",severity=\"page\"} 1",
        "snapback_slo_alert{slo=\"latency\",severity=\"ticket\"} 0",
        "# TYPE snapback_decision_latency_seconds summary",
        "snapback_decision_latency_seconds{quantile=\"0.5\"} 0.05",
        "snapback_time_to_remediate_seconds{quantile=\"0.99\"} 30",
        "snapback_cold_start_ratio 0.01",
        "snapback_events_total 100",
    ] {
        assert!(
            body.lines().any(|l| l == line),
            "missing {line:?} in\n{body}"
        );
    }
    assert!(
        body.contains("snapback_cost_per_million_events_usd{arch=\"x86_64\",memory_mb=\"256\"} ")
    );
    check_exposition(&body);
}

/// Every sample belongs to the family whose `# TYPE` precedes it, families are contiguous and
/// declared once, names and values are well formed.
fn check_exposition(body: &str) {
    let name_ok = |n: &str| {
        !n.is_empty()
            && !n.starts_with(|c: char| c.is_ascii_digit())
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let mut seen = std::collections::HashSet::new();
    let mut current: Option<(String, String)> = None;
    for line in body.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap();
            assert!(name_ok(name) && seen.insert(name.to_owned()), "{line}");
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(seen.contains(name), "TYPE before HELP: {line}");
            assert!(
                ["counter", "gauge", "summary", "histogram", "untyped"].contains(&kind),
                "{line}"
            );
            current = Some((name.to_owned(), kind.to_owned()));
        } else {
            let (series, value) = line.rsplit_once(' ').unwrap();
            assert!(
                value.parse::<f64>().is_ok() || ["NaN", "+Inf", "-Inf"].contains(&value),
                "{line}"
            );
            let name = series.split('{').next().unwrap();
            let (family, kind) = current
                .as_ref()
                .unwrap_or_else(|| panic!("sample before TYPE: {line}"));
            let base = if kind == "summary" {
                name.trim_end_matches("_sum").trim_end_matches("_count")
            } else {
                name
            };
            assert_eq!(base, family, "{line}");
            if let Some(labels) = series.strip_prefix(name).filter(|l| !l.is_empty()) {
                let inner = labels
                    .strip_prefix('{')
                    .and_then(|l| l.strip_suffix('}'))
                    .unwrap();
                for pair in inner.split(',') {
                    let (k, v) = pair.split_once('=').unwrap();
                    assert!(
                        name_ok(k) && v.len() >= 2 && v.starts_with('"') && v.ends_with('"'),
                        "{line}"
                    );
                }
            }
        }
    }
    assert!(body.ends_with('\n'));
}

#[test]
fn cli_table_reports_malformed_lines_as_errors_and_exits_1() {
    let dir = scratch("table");
    let log = small_log(&dir, "{not json");
    let out = snapback(&[dir.to_str().unwrap(), "--window", "1h", "--now", NOW]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: {}:51: not a decision record",
            log.display()
        )),
        "{stderr}"
    );
    assert!(
        stdout.contains("60 events in the 1h window ending 2026-11-20T09:05:00.000Z"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("availability") && l.ends_with("PAGE+TICKET")),
        "{stdout}"
    );
    assert!(
        stdout.contains("assumes one Lambda invocation per event"),
        "{stdout}"
    );
}

/// An error record whose `decision` key appears twice must not drop out of availability.
#[test]
fn cli_a_record_with_a_duplicated_key_is_an_error_counted_as_unreadable() {
    let dir = scratch("duplicate-key");
    let line = rec(MINUTE / 2, "error", 1000).to_string().replacen(
        "\"decision\":\"error\"",
        "\"decision\":\"error\",\"decision\":\"compliant\"",
        1,
    );
    let log = small_log(&dir, &line);
    let out = snapback(&[log.to_str().unwrap(), "--format", "json", "--now", NOW]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let error = format!("error: {}:51: ", log.display());
    assert!(
        stderr.contains(&error) && stderr.contains("duplicate key `decision`"),
        "{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["unreadable"], 1, "{stdout}");
}

#[test]
fn cli_a_record_whose_decided_at_is_not_a_time_is_an_error_naming_its_line() {
    let dir = scratch("undated");
    let mut r = rec(MINUTE / 2, "error", 1000);
    r["decided_at"] = json!("yesterday");
    let log = small_log(&dir, &r.to_string());
    let out = snapback(&[log.to_str().unwrap(), "--format", "json", "--now", NOW]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let error = format!("error: {}:51: ", log.display());
    assert!(
        stderr.contains(&error) && stderr.contains("decided_at"),
        "{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["unreadable"], 1, "{stdout}");
}

#[test]
fn cli_bad_targets_file_is_an_error_naming_it() {
    let dir = scratch("badtargets");
    let log = small_log(&dir, "");
    let targets = dir.join("slo-targets.json");
    std::fs::write(&targets, r#"{"availability": 0.999, "latncy": {}}"#).unwrap();
    let out = snapback(&[
        log.to_str().unwrap(),
        "--targets",
        targets.to_str().unwrap(),
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("slo-targets.json") && stderr.contains("latncy"),
        "{stderr}"
    );
}
