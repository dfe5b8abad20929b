//! `snapback prove`: facts about every policy for every well-typed request, from Cedar's
//! symbolic compiler and the cvc5 solver. A policy that can error, or that no request can
//! match, fails (exit 3); which policies another one implies is information.

use std::io::Write;
use std::time::Instant;

use serde_json::json;

use super::Exit;
use crate::config::Policies;
use crate::prove::{Analyzed, Finding, ProveError, ProveReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub policies: super::PolicyArgs,
    /// Skip the pairwise implication check (information only; it takes most of the time)
    #[arg(long)]
    pub no_implications: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(args: &Args, config: &crate::config::Config) -> Exit {
    let Policies::Dir(dir) = &config.policies else {
        eprintln!("error: `prove` reads a policy directory; give --policies DIR");
        return Exit::Error;
    };
    let started = Instant::now();
    let pack = match Analyzed::load(dir) {
        Ok(pack) => pack,
        Err(err) => return failed(err),
    };
    let report = match crate::prove::prove(&pack, !args.no_implications) {
        Ok(report) => report,
        Err(err) => return failed(err),
    };
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        Format::Text => write_text(&mut out, &pack, &report, started.elapsed()),
        Format::Json => write_json(&mut out, &pack, &report, started.elapsed()),
    };
    if report.findings.iter().any(Finding::is_failure) {
        Exit::Invalid
    } else {
        Exit::Ok
    }
}

/// An analysis that could not run: the load's diagnostics, or the error, on stderr.
pub(super) fn failed(err: ProveError) -> Exit {
    match err {
        ProveError::Load(errors) => {
            super::report(&errors);
            Exit::Invalid
        }
        err => {
            eprintln!("error: {err}");
            Exit::Error
        }
    }
}

fn place(pack: &Analyzed, id: &str) -> String {
    pack.get(id)
        .map_or_else(|| id.to_owned(), crate::prove::Entry::place)
}

fn write_text(
    out: &mut impl Write,
    pack: &Analyzed,
    report: &ProveReport,
    elapsed: std::time::Duration,
) -> std::io::Result<()> {
    let (mut errors, mut vacuous, mut implied) = (0, 0, 0);
    for finding in &report.findings {
        match finding {
            Finding::Errors { policy, cex } => {
                errors += 1;
                writeln!(
                    out,
                    "{}: error: policy `{policy}` errors on a well-typed request, so Cedar skips it \
                     and the violation goes unseen\n  request environment: {}\n  counterexample: {}",
                    place(pack, policy),
                    cex.env,
                    indent(&cex.request)
                )?;
            }
            Finding::Vacuous { policy, envs } => {
                vacuous += 1;
                writeln!(
                    out,
                    "{}: error: policy `{policy}` matches no well-typed request in any of the {envs} \
                     request environment(s) its action scope names: it can never catch a violation",
                    place(pack, policy)
                )?;
            }
            Finding::Implies {
                policy,
                implied: other,
            } => {
                implied += 1;
                writeln!(
                    out,
                    "{}: info: every request policy `{policy}` matches, `{other}` ({}) matches too",
                    place(pack, policy),
                    place(pack, other)
                )?;
            }
        }
    }
    writeln!(
        out,
        "{} policies, {} checks in {} request environments, {} pairs compared: {errors} can error, \
         {vacuous} match nothing, {implied} implied by another (info); {:.1} s",
        report.policies,
        report.checks,
        pack.envs.len(),
        report.pairs,
        elapsed.as_secs_f64()
    )
}

fn write_json(
    out: &mut impl Write,
    pack: &Analyzed,
    report: &ProveReport,
    elapsed: std::time::Duration,
) -> std::io::Result<()> {
    let findings: Vec<_> = report
        .findings
        .iter()
        .map(|finding| match finding {
            Finding::Errors { policy, cex } => json!({
                "kind": "errors", "severity": "error", "policy": policy,
                "place": place(pack, policy), "environment": cex.env, "counterexample": cex.request,
            }),
            Finding::Vacuous { policy, envs } => json!({
                "kind": "vacuous", "severity": "error", "policy": policy,
                "place": place(pack, policy), "environments": envs,
            }),
            Finding::Implies { policy, implied } => json!({
                "kind": "implies", "severity": "info", "policy": policy,
                "place": place(pack, policy), "implied": implied,
            }),
        })
        .collect();
    let doc = json!({
        "policies": report.policies,
        "environments": pack.envs.len(),
        "checks": report.checks,
        "pairs": report.pairs,
        "seconds": elapsed.as_secs_f64(),
        "findings": findings,
    });
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

/// Pretty JSON, indented to sit under a heading line.
pub(super) fn indent(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_default()
        .replace('\n', "\n  ")
}
