//! `snapback deploy-plan`: what template.yaml must say for a policy pack: the EventBridge
//! pattern that delivers exactly the events the pack can match, and the IAM actions its
//! remediations need. A test fails when template.yaml disagrees.

use super::{Exit, PolicyArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub policies: PolicyArgs,
}

pub fn run(config: &crate::config::Config) -> Exit {
    let engine = match super::engine(&config.policies) {
        Ok(engine) => engine,
        Err(exit) => return exit,
    };
    let plan = match crate::deploy::plan(engine.pack()) {
        Ok(plan) => plan,
        Err(err) => {
            eprintln!("error: {err}");
            return Exit::Invalid;
        }
    };
    if plan.everything {
        eprintln!(
            "warning: a policy matches any call by anyone, so the event pattern cannot be \
             narrowed: the function will be invoked for every successful call"
        );
    }
    let out = serde_json::json!({
        "policy_set": engine.pack().hash,
        "event_pattern": plan.event_pattern(),
        "event_patterns": plan.event_patterns(),
        "remediations": plan.remediations,
        "iam_policy": plan.iam_policy(),
    });
    match serde_json::to_string_pretty(&out) {
        Ok(text) => {
            println!("{text}");
            Exit::Ok
        }
        Err(err) => {
            eprintln!("error: {err}");
            Exit::Error
        }
    }
}
