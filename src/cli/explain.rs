//! `snapback explain`: show policy authors the Cedar request built for each event. The request
//! is built from the event as the decision log would keep it, with secrets redacted (and the
//! paths redacted listed), unless `--unredacted` asks for the request the engine sees.

use std::path::PathBuf;

use serde_json::json;

use super::Exit;
use crate::decision_log::Redactor;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show the request built from the event as received, secrets included
    #[arg(long)]
    pub unredacted: bool,
    /// Also redact this requestParameters path (dotted, `*` for any segment); repeatable,
    /// comma-separated [env: SNAPBACK_REDACT]
    #[arg(long = "redact", value_name = "PATH")]
    pub redact: Vec<String>,
    #[command(flatten)]
    pub policies: super::PolicyArgs,
    /// Event files or directories; `-` or nothing reads stdin
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: &Args, config: &crate::config::Config) -> Exit {
    let redactor = (!args.unredacted).then(|| Redactor::new(&config.redact));
    // The organization the pack declares decides which accounts are outside; a pack that does
    // not load (a policy being written) still lets the request be shown, with none declared.
    let org = match super::engine(&config.policies) {
        Ok(engine) => engine.pack().org.clone(),
        Err(_) => {
            eprintln!(
                "warning: the policies do not load; `access` facts treat every account but the event's as outside"
            );
            crate::model::Org::default()
        }
    };
    let mut exit = Exit::Ok;
    for path in super::inputs(&args.paths) {
        crate::input::read_path(&path, &mut |item| {
            let shown = match item {
                Ok(event) => shown(&event, redactor.as_ref(), &org),
                Err(err) => {
                    exit = Exit::Error;
                    json!({"source": err.origin.to_string(), "error": err.message})
                }
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&shown).unwrap_or_default()
            );
        });
    }
    exit
}

/// What `explain` prints for one event: redacted by `redactor`, or as received without one,
/// with the accounts of `org` ours.
pub fn shown(
    event: &crate::event::Event,
    redactor: Option<&Redactor>,
    org: &crate::model::Org,
) -> serde_json::Value {
    let skipped = crate::engine::skip_reason(&event.head());
    match redactor {
        None => json!({
            "source": event.origin.to_string(),
            "skipped": skipped,
            "request": crate::model::build_in(event, org).to_json(),
        }),
        Some(redactor) => {
            let (redacted_event, redacted) = redactor.redact_event(event);
            json!({
                "source": event.origin.to_string(),
                "skipped": skipped,
                "request": crate::model::build_in(&redacted_event, org).to_json(),
                "redacted": redacted,
            })
        }
    }
}
