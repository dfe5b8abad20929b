//! `snapback diff OLD NEW`: what a change to a policy pack does. Without `--replay`, Cedar's
//! symbolic compiler compares the packs for every well-typed request, policy by policy (`@id`)
//! and as whole sets, with a counterexample request for each difference. With `--replay`,
//! recorded events are decided under both packs and each event whose decision changes is listed.
//!
//! Exit codes: 0 nothing narrower, 2 the new pack catches less (a policy narrower,
//! incomparable or removed, or a recorded violation no longer caught) and `--allow-narrower`
//! was not given, 1 an error, 3 a pack that does not load.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::Exit;
use super::prove::{Format, failed, indent};
use crate::config::Policies;
use crate::engine::{Engine, Outcome};
use crate::prove::{Analyzed, Change, Counterexample, DiffReport, Difference};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pack before the change (a policy directory)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The pack after the change
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Exit 0 even when the new pack catches less than the old
    #[arg(long)]
    pub allow_narrower: bool,
    /// Write a rules-tests case skeleton for each counterexample into DIR/<policy>/
    #[arg(long, value_name = "DIR")]
    pub write_cases: Option<PathBuf>,
    /// Decide these recorded events (files, directories, CloudTrail archives) under both packs
    /// instead, and list each event whose decision changes
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub replay: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(args: &Args) -> Exit {
    if !args.replay.is_empty() {
        return replay(args);
    }
    let (old, new) = match (Analyzed::load(&args.old), Analyzed::load(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(err), _) | (_, Err(err)) => return failed(err),
    };
    let report = match crate::prove::diff(&old, &new) {
        Ok(report) => report,
        Err(err) => return failed(err),
    };
    if let Some(dir) = &args.write_cases
        && let Err(err) = write_cases(dir, &report)
    {
        eprintln!("error: {err}");
        return Exit::Error;
    }
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        Format::Text => write_text(&mut out, &old, &new, &report),
        Format::Json => write_json(&mut out, &report),
    };
    if report.narrows() && !args.allow_narrower {
        Exit::NonCompliant
    } else {
        Exit::Ok
    }
}

fn write_text(
    out: &mut impl Write,
    old: &Analyzed,
    new: &Analyzed,
    report: &DiffReport,
) -> std::io::Result<()> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &report.policies {
        *counts.entry(d.change.as_str()).or_default() += 1;
        if d.change == Change::Equivalent && d.mode.is_none() {
            continue;
        }
        let id = d.policy.as_deref().unwrap_or("");
        let place = new
            .get(id)
            .or_else(|| old.get(id))
            .map_or_else(String::new, crate::prove::Entry::place);
        write!(out, "{place}: {id}: {}", d.change.as_str())?;
        if let Some((from, to)) = d.mode {
            write!(out, " (mode {} -> {})", from.as_str(), to.as_str())?;
        }
        writeln!(out)?;
        write_counterexamples(out, d)?;
    }
    writeln!(out, "whole pack: {}", report.whole.change.as_str())?;
    write_counterexamples(out, &report.whole)?;
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    writeln!(
        out,
        "{} policies compared: {}{}",
        report.policies.len(),
        summary.join(", "),
        if report.narrows() {
            "; the new pack catches less than the old"
        } else {
            ""
        }
    )
}

fn write_counterexamples(out: &mut impl Write, d: &Difference) -> std::io::Result<()> {
    if let Some(cex) = &d.lost {
        writeln!(
            out,
            "  caught by OLD, not by NEW ({}):\n  {}",
            cex.env,
            indent(&cex.request)
        )?;
    }
    if let Some(cex) = &d.gained {
        writeln!(
            out,
            "  caught by NEW, not by OLD ({}):\n  {}",
            cex.env,
            indent(&cex.request)
        )?;
    }
    Ok(())
}

fn difference_json(d: &Difference) -> serde_json::Value {
    let cex = |c: &Option<Counterexample>| {
        c.as_ref()
            .map(|c| json!({"environment": c.env, "request": c.request}))
    };
    json!({
        "policy": d.policy,
        "change": d.change,
        "mode": d.mode.map(|(from, to)| json!({"old": from.as_str(), "new": to.as_str()})),
        "caught_only_by_old": cex(&d.lost),
        "caught_only_by_new": cex(&d.gained),
    })
}

fn write_json(out: &mut impl Write, report: &DiffReport) -> std::io::Result<()> {
    let doc = json!({
        "narrows": report.narrows(),
        "whole": difference_json(&report.whole),
        "policies": report.policies.iter().map(difference_json).collect::<Vec<_>>(),
    });
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

/// One skeleton per counterexample: `DIR/<policy>/diff-caught-only-by-{old,new}.json`.
fn write_cases(dir: &Path, report: &DiffReport) -> std::io::Result<()> {
    for d in &report.policies {
        let Some(id) = d.policy.as_deref() else {
            continue;
        };
        let skeletons = [
            (
                &d.lost,
                "caught-only-by-old",
                "the old pack caught this request; the new one does not",
                true,
            ),
            (
                &d.gained,
                "caught-only-by-new",
                "the new pack catches this request; the old one did not",
                true,
            ),
        ];
        for (cex, name, why, matched) in skeletons {
            let Some(cex) = cex else { continue };
            let folder = dir.join(id);
            std::fs::create_dir_all(&folder)?;
            let path = folder.join(format!("diff-{name}.json"));
            let text = serde_json::to_string_pretty(&cex.case_skeleton(id, why, matched))
                .unwrap_or_default();
            std::fs::write(&path, text + "\n")?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// One event's decision under a pack: its outcome and the policies it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    outcome: Outcome,
    policies: Vec<String>,
}

impl Verdict {
    fn of(engine: &Engine, event: &crate::event::Event) -> Self {
        let decision = engine.decide(event);
        Self {
            outcome: decision.outcome,
            policies: decision.matched.into_iter().map(|m| m.id).collect(),
        }
    }

    fn json(&self) -> serde_json::Value {
        json!({"outcome": self.outcome, "policies": self.policies})
    }

    fn show(&self) -> String {
        if self.policies.is_empty() {
            self.outcome.as_str().to_owned()
        } else {
            format!("{} [{}]", self.outcome.as_str(), self.policies.join(", "))
        }
    }
}

/// How many events each policy caught under one pack and not the other.
#[derive(Debug, Default)]
struct Counts {
    only_old: usize,
    only_new: usize,
}

fn replay(args: &Args) -> Exit {
    let engines = (
        super::engine(&Policies::Dir(args.old.clone())),
        super::engine(&Policies::Dir(args.new.clone())),
    );
    let (old, new) = match engines {
        (Ok(old), Ok(new)) => (old, new),
        (Err(exit), _) | (_, Err(exit)) => return exit,
    };
    let mut out = std::io::stdout().lock();
    if args.format == Format::Text {
        let _ = writeln!(out, "{:<28} {:<48} {:<48} SOURCE", "EVENT", "OLD", "NEW");
    }
    let (mut events, mut changed, mut unreadable, mut lost_violations) = (0, 0, 0, 0);
    let mut by_policy: BTreeMap<String, Counts> = BTreeMap::new();
    for path in super::inputs(&args.replay) {
        crate::input::read_path(&path, &mut |item| {
            events += 1;
            let event = match item {
                Ok(event) => event,
                Err(err) => {
                    // Not decided under either pack: counted, and shown, never dropped.
                    unreadable += 1;
                    eprintln!("error: {}: {}", err.origin, err.message);
                    return;
                }
            };
            let (was, now) = (Verdict::of(&old, &event), Verdict::of(&new, &event));
            if was == now {
                return;
            }
            changed += 1;
            if was.outcome == Outcome::NonCompliant && now.outcome != Outcome::NonCompliant {
                lost_violations += 1;
            }
            for id in was.policies.iter().filter(|id| !now.policies.contains(id)) {
                by_policy.entry(id.clone()).or_default().only_old += 1;
            }
            for id in now.policies.iter().filter(|id| !was.policies.contains(id)) {
                by_policy.entry(id.clone()).or_default().only_new += 1;
            }
            let id = event.event_id().unwrap_or("-");
            let _ = match args.format {
                Format::Text => writeln!(
                    out,
                    "{:<28} {:<48} {:<48} {} ({id})",
                    event.event_name(),
                    was.show(),
                    now.show(),
                    event.origin,
                ),
                Format::Json => writeln!(
                    out,
                    "{}",
                    json!({
                        "source": event.origin.to_string(),
                        "event_id": id,
                        "event_name": event.event_name(),
                        "old": was.json(),
                        "new": now.json(),
                    })
                ),
            };
        });
    }
    let _ = match args.format {
        Format::Text => {
            for (id, n) in &by_policy {
                let _ = writeln!(
                    out,
                    "policy {id}: {} event(s) caught only by OLD, {} only by NEW",
                    n.only_old, n.only_new
                );
            }
            writeln!(
                out,
                "{events} events replayed: {changed} decided differently ({lost_violations} \
                 violation(s) no longer caught), {unreadable} unreadable"
            )
        }
        Format::Json => writeln!(
            out,
            "{}",
            json!({
                "summary": {
                    "events": events,
                    "changed": changed,
                    "violations_no_longer_caught": lost_violations,
                    "unreadable": unreadable,
                    "by_policy": by_policy.iter().map(|(id, n)| (id.clone(), json!({
                        "caught_only_by_old": n.only_old, "caught_only_by_new": n.only_new,
                    }))).collect::<serde_json::Map<_, _>>(),
                }
            })
        ),
    };
    if unreadable > 0 {
        Exit::Error
    } else if lost_violations > 0 && !args.allow_narrower {
        Exit::NonCompliant
    } else {
        Exit::Ok
    }
}
