//! `snapback validate`: is this policy directory fit to ship?

use super::{Exit, PolicyArgs};
use crate::config::{Config, Policies};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub policies: PolicyArgs,
}

pub fn run(config: &Config) -> Exit {
    // Always Cedar's validator itself, even for the pack this binary was built with.
    let loaded = match &config.policies {
        Policies::Dir(dir) => crate::policy::load_revalidated(dir, &crate::remediation::names()),
        Policies::Embedded => crate::policy::load_embedded(&crate::remediation::names()),
    };
    match super::engine_from(loaded) {
        Ok(engine) => {
            let pack = engine.pack();
            let active = pack
                .policies
                .iter()
                .filter(|m| m.mode != crate::policy::Mode::Off)
                .count();
            println!(
                "{} policies valid ({active} active) in {}\npolicy set {}",
                pack.policies.len(),
                pack.dir.display(),
                pack.hash
            );
            Exit::Ok
        }
        Err(exit) => exit,
    }
}
