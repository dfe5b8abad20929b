//! `snapback test`: run the policy cases and report each.

use std::path::PathBuf;

use super::{Exit, PolicyArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub policies: PolicyArgs,
    /// Directory of cases: one folder per policy id, one JSON case per file
    #[arg(long, default_value = "rules-tests/cases", value_name = "DIR")]
    pub cases: PathBuf,
}

pub fn run(args: &Args, config: &crate::config::Config) -> Exit {
    let decider = match super::engine(&config.policies) {
        Ok(engine) => crate::cases::decider(engine),
        Err(exit) => return exit,
    };
    let cases = match crate::cases::load(&args.cases) {
        Ok(cases) => cases,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return Exit::Error;
        }
    };
    let (mut passed, mut failed) = (0, 0);
    for case in &cases {
        let result = crate::cases::run(&decider, case);
        let name = case
            .path
            .strip_prefix(&args.cases)
            .unwrap_or(&case.path)
            .display();
        if result.failures.is_empty() {
            passed += 1;
            println!("ok   {name}  {}", case.description);
        } else {
            failed += 1;
            println!("FAIL {name}  {}", case.description);
            for f in &result.failures {
                println!("       {f}");
            }
        }
    }
    let problems = crate::cases::coverage(&decider.engine, &cases);
    for p in &problems {
        println!("FAIL coverage: {p}");
    }
    println!("\n{passed} passed, {} failed", failed + problems.len());
    if failed + problems.len() > 0 {
        Exit::Error
    } else {
        Exit::Ok
    }
}
