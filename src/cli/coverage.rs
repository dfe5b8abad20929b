//! `snapback coverage`: the pack's coverage of CIS AWS Foundations v3.0.0 and v5.0.0, AWS
//! Foundational Security Best Practices and MITRE ATT&CK, from each policy's `@controls`.

use super::{Exit, PolicyArgs};
use crate::config::Config;
use crate::coverage::{self, Coverage};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub policies: PolicyArgs,
    /// `table` (default) or `markdown` (docs/coverage.md)
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = ["table", "markdown"])]
    pub format: String,
}

/// Print the coverage; exit 1 when a CIS v3.0.0 or v5.0.0 control a policy could cover has
/// none, or a policy cites a control the catalogs do not know.
pub fn run(args: &Args, config: &Config) -> Exit {
    let engine = match super::engine(&config.policies) {
        Ok(engine) => engine,
        Err(exit) => return exit,
    };
    let coverage = Coverage::of(&engine.pack().policies);
    match args.format.as_str() {
        "markdown" => print!("{}", coverage.markdown()),
        _ => print!("{}", coverage.table()),
    }
    let (gaps, gaps_5_0) = (coverage.gaps(), coverage.gaps_5_0());
    for row in &gaps {
        eprintln!("not covered: {}:{} {}", coverage::CIS, row.id, row.title);
    }
    for row in &gaps_5_0 {
        eprintln!("not covered: {}:{} {}", coverage::CIS_5, row.id, row.title);
    }
    for (policy, control) in &coverage.unknown {
        eprintln!("error: policy `{policy}` cites `{control}`, which the catalog does not know");
    }
    if gaps.is_empty() && gaps_5_0.is_empty() && coverage.unknown.is_empty() {
        Exit::Ok
    } else {
        Exit::Error
    }
}
