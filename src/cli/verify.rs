//! `snapback audit verify`: has anyone edited, reformatted, removed, reordered or cut records
//! of a decision log, or rewritten its digest? Exit 0 when every log is intact, 1 when any is
//! not, 4 when none is tampered but some are keyed and `SNAPBACK_DECISION_LOG_KEY` is not set
//! (such a log cannot be checked at all, which is not the same as tampered).

use std::path::PathBuf;

use super::Exit;
use crate::decision_log::Status;

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Decision log files (or directories of them); each file is one log stream
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Print one JSON verdict per file instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &VerifyArgs) -> Exit {
    let key = super::log_key();
    let (mut tampered, mut key_required) = (false, false);
    for path in crate::decision_log::reader::files(&args.paths) {
        let verdict = crate::decision_log::verify(&path, key.as_deref());
        tampered |= verdict.status == Status::Tampered;
        key_required |= verdict.status == Status::KeyRequired;
        if args.json {
            println!("{}", serde_json::to_string(&verdict).unwrap_or_default());
            continue;
        }
        let problem = verdict.problem.as_deref().unwrap_or_default();
        match verdict.status {
            Status::Intact => println!("{}: intact ({} records)", verdict.file, verdict.records),
            Status::Tampered => println!("{}: TAMPERED: {problem}", verdict.file),
            Status::KeyRequired => println!("{}: key required: {problem}", verdict.file),
        }
        for warning in &verdict.warnings {
            println!("{}: warning: {warning}", verdict.file);
        }
        for note in &verdict.notes {
            println!("{}: note: {note}", verdict.file);
        }
    }
    if tampered {
        Exit::Error
    } else if key_required {
        Exit::KeyRequired
    } else {
        Exit::Ok
    }
}

/// `snapback audit schema`: print the decision record's JSON Schema.
pub fn schema() -> Exit {
    println!(
        "{}",
        serde_json::to_string_pretty(&crate::decision_log::json_schema()).unwrap_or_default()
    );
    Exit::Ok
}
