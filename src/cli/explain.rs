//! `snapback explain`: show policy authors the Cedar request built for each event.

use std::path::PathBuf;

use serde_json::json;

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Event files or directories; `-` or nothing reads stdin
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: &Args) -> Exit {
    let mut exit = Exit::Ok;
    for path in super::inputs(&args.paths) {
        crate::input::read_path(&path, &mut |item| {
            let shown = match item {
                Ok(event) => json!({
                    "source": event.origin.to_string(),
                    "skipped": crate::engine::skip_reason(&event),
                    "request": crate::model::build(&event).to_json(),
                }),
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
