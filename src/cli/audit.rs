//! `snapback audit`: questions for the decision log. `query` prints the records that match a
//! filter as a table, JSON Lines or CSV; `stats` counts them. Both stream the logs (plain or
//! gzip files, or directories of them) in constant memory. A line they cannot read as a record
//! is an error on stderr with its file and line, counted by `stats`, and makes the exit code
//! 1; they go on and print what they could read, but never pass over a record in silence.

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Exit, table};
use crate::decision_log::DecisionRecord;
use crate::decision_log::query::{self, Filter, Report, Stats, Status};
use crate::decision_log::reader;
use crate::engine::Outcome;
use crate::policy::Severity;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check the records, hash chain and digest of decision logs: exit 0 if intact, 1 if
    /// tampered, 4 if the logs are keyed and SNAPBACK_DECISION_LOG_KEY is not set
    Verify(super::verify::VerifyArgs),
    /// Print the decision record's JSON Schema
    Schema,
    /// Print the decision records that match the filters
    Query(QueryArgs),
    /// Count the matching decision records by decision, policy, account, principal and day
    Stats(StatsArgs),
}

pub fn run(cmd: Command) -> Exit {
    match cmd {
        Command::Verify(args) => super::verify::run(&args),
        Command::Schema => super::verify::schema(),
        Command::Query(args) => query(&args),
        Command::Stats(args) => stats(&args),
    }
}

/// The filters `query` and `stats` share. Each is repeatable and takes comma-separated values;
/// a record must match every filter given, and any value of each.
#[derive(Debug, Clone, clap::Args)]
pub struct FilterArgs {
    /// Only records at or after TIME: `2026-11-01`, `2026-11-01T12:00:00Z`, or back from now:
    /// `90m`, `24h`, `30d`, `2w` (the event time, else the decision time)
    #[arg(long, value_name = "TIME", value_parser = time_arg)]
    pub since: Option<i64>,
    /// Only records before TIME (same forms as --since)
    #[arg(long, value_name = "TIME", value_parser = time_arg)]
    pub until: Option<i64>,
    /// Account id
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub account: Vec<String>,
    /// Region, like `us-east-1`
    #[arg(long, value_delimiter = ',', value_name = "REGION")]
    pub region: Vec<String>,
    /// Part of the principal's ARN
    #[arg(long, value_delimiter = ',', value_name = "TEXT")]
    pub principal: Vec<String>,
    /// `service:EventName`, `service:*` or `service` for all of a service's, or `prefix*`
    #[arg(long, value_delimiter = ',', value_name = "ACTION")]
    pub action: Vec<String>,
    /// Part of the resource id
    #[arg(long, value_delimiter = ',', value_name = "TEXT")]
    pub resource: Vec<String>,
    /// Id of a policy the record matched
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub policy: Vec<String>,
    /// low, medium, high or critical (the highest of the matched policies)
    #[arg(long, value_delimiter = ',', value_name = "SEVERITY", value_parser = query::parse_severity)]
    pub severity: Vec<Severity>,
    /// compliant, non_compliant, skipped or error
    #[arg(long, value_delimiter = ',', value_name = "DECISION", value_parser = query::parse_decision)]
    pub decision: Vec<Outcome>,
    /// Remediation status: applied, noop, planned, failed, breaker_open, dead_lettered,
    /// flap_limited, or none for records without a remediation
    #[arg(long, value_delimiter = ',', value_name = "STATUS", value_parser = query::parse_status)]
    pub status: Vec<Status>,
}

impl FilterArgs {
    pub fn filter(&self) -> Filter {
        Filter {
            since: self.since,
            until: self.until,
            account: self.account.clone(),
            region: self.region.clone(),
            principal: self.principal.clone(),
            action: self.action.clone(),
            resource: self.resource.clone(),
            policy: self.policy.clone(),
            severity: self.severity.clone(),
            decision: self.decision.clone(),
            status: self.status.clone(),
        }
    }
}

fn time_arg(text: &str) -> Result<i64, query::ParseError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    query::parse_time(text, i64::try_from(now).unwrap_or(i64::MAX))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QueryFormat {
    /// Aligned columns for people at a terminal
    Table,
    /// The matching records as JSON Lines, exactly as logged
    Json,
    /// A header and one row per record
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// Decision log files or directories (.jsonl, .json, .log, and their .gz)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: QueryFormat,
    /// Stop after N matching records
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    /// Aligned columns for people at a terminal
    Table,
    /// One JSON object
    Json,
}

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Decision log files or directories (.jsonl, .json, .log, and their .gz)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: StatsFormat,
}

fn query(args: &QueryArgs) -> Exit {
    let filter = args.filter.filter();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut written = match args.format {
        QueryFormat::Table => writeln!(out, "{}", table_header()),
        QueryFormat::Csv => writeln!(out, "{CSV_HEADER}"),
        QueryFormat::Json => Ok(()),
    };
    let mut shown = 0;
    let mut unreadable = 0;
    if written.is_ok() && args.limit != Some(0) {
        unreadable = scan(&args.paths, &mut |text, record| {
            if !filter.matches(record) {
                return ControlFlow::Continue(());
            }
            written = match args.format {
                QueryFormat::Table => writeln!(out, "{}", table_row(record)),
                QueryFormat::Csv => writeln!(out, "{}", csv_row(record)),
                QueryFormat::Json => writeln!(out, "{text}"),
            };
            shown += 1;
            if written.is_err() || args.limit.is_some_and(|n| shown >= n) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
    }
    finish(written.and_then(|()| out.flush()), unreadable == 0)
}

fn stats(args: &StatsArgs) -> Exit {
    let filter = args.filter.filter();
    let mut stats = Stats::default();
    let unreadable = scan(&args.paths, &mut |_, record| {
        if filter.matches(record) {
            stats.add(record);
        }
        ControlFlow::Continue(())
    });
    let report = Report {
        unreadable,
        ..stats.report()
    };
    let text = match args.format {
        StatsFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default(),
        StatsFormat::Table => stats_table(&report),
    };
    let mut out = io::stdout().lock();
    finish(
        writeln!(out, "{text}").and_then(|()| out.flush()),
        unreadable == 0,
    )
}

/// The exit code once output is written: an error when it could not be, or when a log had a
/// line that was not a record; a reader that went away (`| head`) is no error.
fn finish(written: io::Result<()>, clean: bool) -> Exit {
    if let Err(err) = written
        && err.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write output: {err}");
        return Exit::Error;
    }
    if clean { Exit::Ok } else { Exit::Error }
}

/// Call `each` with every record in the logs `paths` name, with its line's text, until it
/// breaks. A line that is not a record, or a file that cannot be read, is an error on stderr
/// naming the file and line. Returns how many there were.
fn scan(paths: &[PathBuf], each: &mut dyn FnMut(&str, &DecisionRecord) -> ControlFlow<()>) -> u64 {
    let mut unreadable = 0;
    reader::records(paths, &mut |item| match item {
        Ok(read) => each(read.text, &read.record),
        Err(err) => {
            eprintln!("error: {err}");
            unreadable += 1;
            ControlFlow::Continue(())
        }
    });
    unreadable
}

const CSV_HEADER: &str = "decision_id,event_time,account,region,principal_arn,action,\
    resource_type,resource_id,decision,severity,policies,remediation_status,source";

fn csv_row(r: &DecisionRecord) -> String {
    let policies: Vec<&str> = r.policies.iter().map(|p| p.id.as_str()).collect();
    let policies = policies.join(";");
    let fields = [
        r.decision_id.as_str(),
        r.event_time.as_deref().unwrap_or(""),
        r.account.as_deref().unwrap_or(""),
        r.region.as_deref().unwrap_or(""),
        &r.principal.arn,
        &r.action,
        &r.resource.ty,
        &r.resource.id,
        r.decision.as_str(),
        r.severity.map_or("", Severity::as_str),
        &policies,
        r.remediation.as_ref().map_or("", |m| m.status.as_str()),
        &r.source,
    ];
    let fields: Vec<Cow<'_, str>> = fields.into_iter().map(csv_field).collect();
    fields.join(",")
}

/// A CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
fn csv_field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// Left-aligned in `width` columns, cut with an ellipsis when longer.
fn cell(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        format!("{text:<width$}")
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

const WIDTHS: [usize; 4] = [24, 12, 14, 13];

/// The `check` table with when, where and what became of the revert in front.
fn table_header() -> String {
    let cols = ["TIME", "ACCOUNT", "REGION", "REVERT"];
    format!("{} {}", cells(cols), table::header())
}

fn table_row(r: &DecisionRecord) -> String {
    let status = r.remediation.as_ref().map(|m| m.status.as_str());
    let cols = [
        r.event_time.as_deref().unwrap_or(&r.decided_at),
        r.account.as_deref().unwrap_or(query::UNKNOWN),
        r.region.as_deref().unwrap_or(query::UNKNOWN),
        status.unwrap_or(query::UNKNOWN),
    ];
    format!("{} {}", cells(cols), table::row(r))
}

fn cells(texts: [&str; 4]) -> String {
    let cols: Vec<String> = texts.iter().zip(WIDTHS).map(|(t, w)| cell(t, w)).collect();
    cols.join(" ")
}

fn stats_table(report: &Report) -> String {
    let mut out = format!("{} matching records\n", report.total);
    if report.unreadable > 0 {
        out.push_str(&format!(
            "{} unreadable record(s) or file(s), not counted: see the errors above\n",
            report.unreadable
        ));
    }
    for (title, counts) in [
        ("DECISION", &report.by_decision),
        ("POLICY", &report.by_policy),
        ("ACCOUNT", &report.by_account),
        ("PRINCIPAL", &report.by_principal),
        ("DAY", &report.by_day),
    ] {
        let keys = counts.iter().map(|c| c.key.chars().count());
        let width = keys.fold(title.len(), usize::max);
        out.push_str(&format!("\n{title:<width$}  {:>8}\n", "COUNT"));
        for c in counts {
            out.push_str(&format!("{:<width$}  {:>8}\n", c.key, c.count));
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn cells_pad_and_cut() {
        assert_eq!(cell("ab", 4), "ab  ");
        assert_eq!(cell("abcdef", 4), "abc…");
    }

    #[test]
    fn stats_table_aligns_each_section() {
        let count = |key: &str, count| {
            vec![query::Count {
                key: key.into(),
                count,
            }]
        };
        let report = Report {
            total: 3,
            unreadable: 0,
            by_decision: count("non_compliant", 3),
            by_policy: vec![],
            by_account: vec![],
            by_principal: vec![],
            by_day: count("2026-11-01", 12),
        };
        let text = stats_table(&report);
        let head = "3 matching records\n\nDECISION          COUNT\nnon_compliant         3\n";
        assert!(text.starts_with(head), "{text}");
        assert!(
            text.ends_with("DAY            COUNT\n2026-11-01        12"),
            "{text}"
        );
    }
}
