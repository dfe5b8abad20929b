//! `snapback audit verify`: has anyone edited, removed, reordered or cut records of a decision
//! log? Exit 0 when every log is intact, 1 otherwise.

use std::path::PathBuf;

use super::Exit;

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
    let mut intact = true;
    for path in crate::decision_log::reader::files(&args.paths) {
        let verdict = crate::decision_log::verify(&path, key.as_deref());
        intact &= verdict.problem.is_none();
        if args.json {
            println!("{}", serde_json::to_string(&verdict).unwrap_or_default());
            continue;
        }
        match &verdict.problem {
            None => println!("{}: intact ({} records)", verdict.file, verdict.records),
            Some(problem) => println!("{}: TAMPERED: {problem}", verdict.file),
        }
        for note in &verdict.notes {
            println!("{}: note: {note}", verdict.file);
        }
    }
    if intact { Exit::Ok } else { Exit::Error }
}

/// `snapback audit schema`: print the decision record's JSON Schema.
pub fn schema() -> Exit {
    println!(
        "{}",
        serde_json::to_string_pretty(&crate::decision_log::json_schema()).unwrap_or_default()
    );
    Exit::Ok
}
