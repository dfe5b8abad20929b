//! The `snapback` command: parse arguments, set up logging, dispatch.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

/// What is logged when `SNAPBACK_LOG` is not set.
const DEFAULT_LOG: &str = "warn,aws_config=error,aws_smithy_runtime=error";

fn main() -> ExitCode {
    let colour = snapback::cli::colour(std::io::stderr().is_terminal());
    // miette's diagnostics (errors printed with `{:?}`) follow the same rule as the logs.
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(miette::MietteHandlerOpts::new().color(colour).build())
    }));
    tracing_subscriber::fmt()
        .with_ansi(colour)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SNAPBACK_LOG")
                // The SDK's own warnings (a region looked up on IMDS, say) are debug dumps of
                // its internal types; snapback reports the errors that matter itself.
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG)),
        )
        .with_writer(std::io::stderr)
        .init();
    match snapback::cli::Cli::try_parse() {
        Ok(cli) => snapback::cli::run(cli).into(),
        // Usage errors exit 1, not clap's 2, which means "non-compliant found" here.
        Err(err) => {
            let _ = err.print();
            if err.use_stderr() {
                snapback::cli::Exit::Error.into()
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
