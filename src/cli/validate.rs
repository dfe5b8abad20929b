//! `snapback validate`: is this policy directory fit to ship?

use super::{Exit, PolicyArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub policies: PolicyArgs,
}

pub fn run(args: &Args) -> Exit {
    // Always Cedar's validator itself, even for the pack this binary was built with.
    match super::engine_from(crate::policy::load_revalidated(
        &args.policies.policies,
        &crate::remediation::names(),
    )) {
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
