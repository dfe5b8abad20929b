//! The `snapback` command line: one file per subcommand, each an args struct and a `run`.
//!
//! Exit codes carry meaning: 0 ok or compliant, 1 error, 2 non-compliant found, 3 policies
//! failed validation.

mod check;
mod explain;
mod table;
mod test;
mod validate;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::engine::Engine;

/// What a command's exit code means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Error = 1,
    NonCompliant = 2,
    Invalid = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "snapback",
    version,
    about = "Evaluate AWS CloudTrail events against Cedar compliance policies",
    long_about = "Evaluate AWS CloudTrail events against Cedar compliance policies.\n\n\
                  Exit codes: 0 ok/compliant, 1 error, 2 non-compliant found, 3 policies failed validation."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, strictly validate and check the annotations of a policy directory
    Validate(validate::Args),
    /// Decide events and print one JSON decision record per event
    Check(check::Args),
    /// Print the Cedar request (principal, action, resource, context, entities) built for events
    Explain(explain::Args),
    /// Run the policy test cases and report each
    Test(test::Args),
}

/// Where the policies are, shared by every command that decides.
#[derive(Debug, Clone, clap::Args)]
pub struct PolicyArgs {
    /// Directory of `*.cedar` policies with `snapback.cedarschema`
    #[arg(
        long,
        env = "SNAPBACK_POLICIES",
        default_value = "policies",
        value_name = "DIR"
    )]
    pub policies: PathBuf,
}

pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Test(args) => test::run(&args),
    }
}

/// Load and validate policies, printing every diagnostic on failure.
pub fn engine(dir: &Path) -> Result<Engine, Exit> {
    match crate::policy::load(dir) {
        Ok(pack) => Ok(Engine::new(pack)),
        Err(errors) => {
            report(&errors);
            Err(Exit::Invalid)
        }
    }
}

/// Print diagnostics to stderr with miette's graphical handler.
pub fn report(errors: &[crate::policy::LoadError]) {
    let handler = miette::GraphicalReportHandler::new();
    let mut stderr = std::io::stderr().lock();
    for err in errors {
        let mut text = String::new();
        if handler.render_report(&mut text, err).is_err() {
            text = format!("error: {err}\n");
        }
        let _ = writeln!(stderr, "{text}");
    }
    let _ = writeln!(stderr, "{} problem(s) found", errors.len());
}

/// Paths to read: as given, or stdin when none are.
fn inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        crate::input::expand(paths)
    }
}
