//! The questions auditors ask of a decision log: which records match a filter (a time window,
//! accounts, regions, principals, actions, resources, policies, severities, decisions,
//! remediation statuses), and how many there are by policy, account, principal, day and
//! decision. Pure: `snapback audit` streams records through a [`Filter`] into [`Stats`], and
//! nothing here reads a file or the clock.

mod parse;

use std::collections::HashMap;

use serde::Serialize;

use super::{DecisionRecord, RemediationStatus};
use crate::engine::Outcome;
use crate::event::EventTime;
use crate::policy::Severity;

pub use parse::{ParseError, parse_decision, parse_severity, parse_status, parse_time};

/// A remediation status to look for: one of the statuses, or no remediation at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    None,
    Is(RemediationStatus),
}

impl Status {
    pub fn of(record: &DecisionRecord) -> Self {
        record
            .remediation
            .as_ref()
            .map_or(Self::None, |r| Self::Is(r.status))
    }
}

/// Which records to keep. An empty field keeps every record; a record must satisfy every
/// non-empty field, and satisfies a field when it matches any of its values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Keep records at or after this time (epoch milliseconds).
    pub since: Option<i64>,
    /// Keep records before this time (epoch milliseconds).
    pub until: Option<i64>,
    /// Account ids, exactly.
    pub account: Vec<String>,
    /// Regions, exactly.
    pub region: Vec<String>,
    /// Substrings of the principal's ARN.
    pub principal: Vec<String>,
    /// `service:EventName` exactly; `service:*` or `service` for all of a service's actions;
    /// `prefix*` for any action starting with `prefix`.
    pub action: Vec<String>,
    /// Substrings of the resource id.
    pub resource: Vec<String>,
    /// Ids of a policy the record matched.
    pub policy: Vec<String>,
    /// The record's severity, the highest of its matched policies.
    pub severity: Vec<Severity>,
    pub decision: Vec<Outcome>,
    pub status: Vec<Status>,
}

/// Whether `wanted` is empty or any of its values is a hit.
fn any<T>(wanted: &[T], hit: impl Fn(&T) -> bool) -> bool {
    wanted.is_empty() || wanted.iter().any(hit)
}

impl Filter {
    pub fn matches(&self, r: &DecisionRecord) -> bool {
        self.in_window(r)
            && any(&self.account, |a| r.account.as_deref() == Some(a.as_str()))
            && any(&self.region, |g| r.region.as_deref() == Some(g.as_str()))
            && any(&self.principal, |p| r.principal.arn.contains(p.as_str()))
            && any(&self.action, |a| action_matches(a, &r.action))
            && any(&self.resource, |s| r.resource.id.contains(s.as_str()))
            && any(&self.policy, |id| r.policies.iter().any(|p| &p.id == id))
            && any(&self.severity, |s| r.severity == Some(*s))
            && any(&self.decision, |d| r.decision == *d)
            && any(&self.status, |s| *s == Status::of(r))
    }

    fn in_window(&self, r: &DecisionRecord) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        let Some(t) = record_millis(r) else {
            return false;
        };
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }
}

fn action_matches(pattern: &str, action: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        action.starts_with(prefix)
    } else if pattern.contains(':') {
        action == pattern
    } else {
        action
            .split_once(':')
            .is_some_and(|(service, _)| service == pattern)
    }
}

/// When a record happened: its event time, or when it was decided if the event time is
/// missing or not a time.
pub fn record_millis(r: &DecisionRecord) -> Option<i64> {
    r.event_time
        .as_deref()
        .and_then(EventTime::parse)
        .or_else(|| EventTime::parse(&r.decided_at))
        .map(|t| t.epoch_millis)
}

/// The key counted for a record without an account or a readable time.
pub const UNKNOWN: &str = "-";

/// Counts of records by policy, account, principal, day and decision.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    total: u64,
    policy: HashMap<String, u64>,
    account: HashMap<String, u64>,
    principal: HashMap<String, u64>,
    day: HashMap<String, u64>,
    decision: HashMap<String, u64>,
}

fn bump(counts: &mut HashMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            counts.insert(key.to_owned(), 1);
        }
    }
}

impl Stats {
    /// Count a record: once for each policy it matched, once in every other dimension.
    pub fn add(&mut self, r: &DecisionRecord) {
        self.total += 1;
        for p in &r.policies {
            bump(&mut self.policy, &p.id);
        }
        bump(&mut self.account, r.account.as_deref().unwrap_or(UNKNOWN));
        bump(&mut self.principal, &r.principal.arn);
        let time = record_millis(r).map(|t| EventTime { epoch_millis: t }.to_rfc3339());
        let day = time.as_deref().and_then(|t| t.get(..10));
        bump(&mut self.day, day.unwrap_or(UNKNOWN));
        bump(&mut self.decision, r.decision.as_str());
    }

    /// The counts, each dimension ordered by count, highest first, then by key.
    pub fn report(&self) -> Report {
        Report {
            total: self.total,
            unreadable: 0,
            by_decision: sorted(&self.decision),
            by_policy: sorted(&self.policy),
            by_account: sorted(&self.account),
            by_principal: sorted(&self.principal),
            by_day: sorted(&self.day),
        }
    }
}

fn sorted(counts: &HashMap<String, u64>) -> Vec<Count> {
    let count = |(key, &count): (&String, &u64)| Count {
        key: key.clone(),
        count,
    };
    let mut out: Vec<Count> = counts.iter().map(count).collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    out
}

/// [`Stats`] in a fixed order, as `audit stats` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub total: u64,
    /// Lines (or whole files) that could not be read as records, and so are in no count.
    pub unreadable: u64,
    pub by_decision: Vec<Count>,
    pub by_policy: Vec<Count>,
    pub by_account: Vec<Count>,
    pub by_principal: Vec<Count>,
    pub by_day: Vec<Count>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: String,
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    /// A non-compliant record of 2026-11-01T12:00:00Z, whose revert was applied.
    fn json() -> serde_json::Value {
        serde_json::json!({
            "schema_version": 1, "decision_id": "d-1", "event_id": "e-1",
            "event_time": "2026-11-01T12:00:00.000Z", "received_at": "2026-11-01T12:00:01.000Z",
            "decided_at": "2026-11-01T12:00:01.000Z", "event_source": "s3.amazonaws.com",
            "event_name": "PutBucketPolicy", "account": "111111111111", "region": "us-east-1",
            "principal": {"type": "Aws::IamUser", "arn": "arn:aws:iam::111111111111:user/alice"},
            "action": "s3:PutBucketPolicy", "resource": {"type": "Aws::S3Bucket", "id": "logs-bucket"},
            "decision": "non_compliant", "reason": "r", "severity": "high",
            "policies": [{"id": "s3-no-public", "severity": "high", "mode": "enforce",
                          "remediation": "s3-delete-policy", "controls": []}],
            "remediation": {"name": "s3-delete-policy", "status": "applied", "attempts": 1, "duration_ms": 5},
            "errors": [], "source": "log.jsonl:1:1", "policy_set": "h", "engine_version": "0",
            "cold_start": false, "decide_us": 1
        })
    }

    /// A filter from `flag=value` pairs separated by spaces, as the CLI would build it.
    fn filter(spec: &str) -> Filter {
        let mut f = Filter::default();
        for (field, value) in spec
            .split_whitespace()
            .map(|kv| kv.split_once('=').unwrap())
        {
            let text = value.to_owned();
            match field {
                "since" => f.since = Some(parse_time(value, NOW).unwrap()),
                "until" => f.until = Some(parse_time(value, NOW).unwrap()),
                "account" => f.account.push(text),
                "region" => f.region.push(text),
                "principal" => f.principal.push(text),
                "action" => f.action.push(text),
                "resource" => f.resource.push(text),
                "policy" => f.policy.push(text),
                "severity" => f.severity.push(parse_severity(value).unwrap()),
                "decision" => f.decision.push(parse_decision(value).unwrap()),
                "status" => f.status.push(parse_status(value).unwrap()),
                _ => panic!("no filter {field}"),
            }
        }
        f
    }

    type Edit = fn(&mut serde_json::Value);
    const AS_IS: Edit = |_| {};
    const NO_EVENT_TIME: Edit = |v| v["event_time"] = serde_json::Value::Null;
    const JUNK_EVENT_TIME: Edit = |v| v["event_time"] = "junk".into();
    const NO_TIME: Edit = |v| {
        v["event_time"] = serde_json::Value::Null;
        v["decided_at"] = "never".into();
    };
    const NO_ACCOUNT: Edit = |v| v["account"] = serde_json::Value::Null;
    const NO_POLICIES: Edit = |v| v["policies"] = serde_json::json!([]);
    const NO_SEVERITY: Edit = |v| v["severity"] = serde_json::Value::Null;
    const NO_REMEDIATION: Edit = |v| v["remediation"] = serde_json::Value::Null;

    #[test]
    fn every_filter_keeps_what_it_should() {
        let cases: &[(&str, Edit, bool)] = &[
            ("", AS_IS, true),
            ("", NO_TIME, true),
            // the record happened at 12:00:00.000 and was decided a second later
            ("since=2026-11-01T12:00:00Z", AS_IS, true),
            ("since=2026-11-01T12:00:00.001Z", AS_IS, false),
            ("until=2026-11-01T12:00:00Z", AS_IS, false),
            ("until=2026-11-01T12:00:00.001Z", AS_IS, true),
            ("since=2026-11-01T12:00:01Z", AS_IS, false),
            ("since=2026-11-01T12:00:01Z", NO_EVENT_TIME, true),
            ("since=2026-11-01T12:00:01Z", JUNK_EVENT_TIME, true),
            ("until=2030-01-01", NO_TIME, false),
            ("account=222222222222 account=111111111111", AS_IS, true),
            ("account=111111111111", NO_ACCOUNT, false),
            ("region=us-east-2", AS_IS, false),
            ("region=us-east-2 region=us-east-1", AS_IS, true),
            ("principal=bob principal=user/ali", AS_IS, true),
            ("principal=role/", AS_IS, false),
            ("resource=logs", AS_IS, true),
            ("resource=Logs", AS_IS, false),
            ("policy=other policy=s3-no-public", AS_IS, true),
            ("policy=s3-no", AS_IS, false),
            ("policy=s3-no-public", NO_POLICIES, false),
            ("severity=critical severity=high", AS_IS, true),
            ("severity=high", NO_SEVERITY, false),
            ("decision=non-compliant", AS_IS, true),
            ("decision=compliant decision=error", AS_IS, false),
            ("status=none", AS_IS, false),
            ("status=none", NO_REMEDIATION, true),
            ("status=failed status=applied", AS_IS, true),
            ("account=111111111111 region=eu-west-1", AS_IS, false),
            ("action=s3:PutBucketPolicy", AS_IS, true),
            (
                "action=s3:PutBucket action=s3:putbucketpolicy",
                AS_IS,
                false,
            ),
            ("action=s3:*", AS_IS, true),
            ("action=iam:* action=s3", AS_IS, true),
            ("action=s action=iam", AS_IS, false),
            ("action=s3:Put*", AS_IS, true),
            (
                "account=111111111111 region=us-east-1 decision=non_compliant",
                AS_IS,
                true,
            ),
        ];
        for (spec, edit, hit) in cases {
            let mut v = json();
            edit(&mut v);
            let record: DecisionRecord = serde_json::from_value(v).unwrap();
            assert_eq!(filter(spec).matches(&record), *hit, "{spec}");
        }
    }

    #[test]
    fn stats_count_by_every_dimension_in_a_fixed_order() {
        let mut v = json();
        let mut stats = Stats::default();
        stats.add(&serde_json::from_value(v.clone()).unwrap());
        v["account"] = serde_json::Value::Null;
        v["event_time"] = "2026-10-31T23:59:59.999Z".into();
        let mut second = v["policies"][0].clone();
        second["id"] = "a-second".into();
        v["policies"].as_array_mut().unwrap().push(second);
        stats.add(&serde_json::from_value(v.clone()).unwrap());
        v["decision"] = "compliant".into();
        v["policies"] = serde_json::json!([]);
        v["account"] = "000000000000".into();
        v["event_time"] = serde_json::Value::Null;
        stats.add(&serde_json::from_value(v).unwrap());
        let report = stats.report();
        let text = |counts: &[Count]| -> String {
            let pairs = counts.iter().map(|c| format!("{}={}", c.key, c.count));
            pairs.collect::<Vec<_>>().join(" ")
        };
        assert_eq!(report.total, 3);
        assert_eq!(text(&report.by_decision), "non_compliant=2 compliant=1");
        assert_eq!(text(&report.by_policy), "s3-no-public=2 a-second=1");
        assert_eq!(
            text(&report.by_account),
            "-=1 000000000000=1 111111111111=1"
        );
        assert_eq!(text(&report.by_day), "2026-11-01=2 2026-10-31=1");
        assert_eq!(report.by_principal.len(), 1);
    }
}
