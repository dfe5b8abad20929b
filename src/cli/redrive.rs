//! `snapback redrive`: replay the dead-letter spool through the pipeline, removing only the
//! letters whose events now succeed. A letter that fails again stays, untouched.

use std::path::PathBuf;
use std::time::SystemTime;

use super::Exit;
use super::react::{ReactorArgs, Summary, records};
use crate::config::{Config, Raw, Setting};
use crate::event::StreamParser;
use crate::reactor::{DeadLetter, DeadLetterError, DeadLetterSink};
use crate::resilience::SpoolDir;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub reactor: ReactorArgs,
    /// The dead-letter spool to replay [default: dead-letters] [env: SNAPBACK_DEAD_LETTER]
    #[arg(long, value_name = "DIR")]
    pub dead_letter: Option<PathBuf>,
}

impl Args {
    pub fn raw(&self, raw: &mut Raw) {
        self.reactor.raw(raw);
        raw.flag(Setting::DeadLetterSpool, self.dead_letter.as_ref());
    }
}

/// During a redrive the letter being replayed is the dead letter: a failure keeps it as it is.
struct KeepOriginal;

impl DeadLetterSink for KeepOriginal {
    async fn put(&self, _: &DeadLetter) -> Result<(), DeadLetterError> {
        Ok(())
    }
}

pub fn run(config: &Config) -> Exit {
    let letters = match SpoolDir::open(&config.dead_letter_spool)
        .and_then(|spool| Ok((crate::reactor::letters(&spool)?, spool)))
    {
        Ok(listed) => listed,
        Err(err) => {
            eprintln!(
                "error: cannot read dead-letter spool `{}`: {err}\n  help: pass the directory that `react --dead-letter` wrote (default `dead-letters`)",
                config.dead_letter_spool.display()
            );
            return Exit::Error;
        }
    };
    let (letters, spool) = letters;
    // A dead letter's event was marked decided when it was dead-lettered: redriving it must
    // act on it again, not skip it as a duplicate, so the redrive keeps no claims.
    let config = &Config {
        reactor: crate::config::ReactorConfig {
            seen_capacity: 0,
            state: crate::config::StateLocation::Process,
            ..config.reactor.clone()
        },
        ..config.clone()
    };
    let (runtime, reactor, log) = match super::react::build(config, KeepOriginal) {
        Ok(built) => built,
        Err(exit) => return exit,
    };
    let mut records = records(log);
    let mut summary = Summary::default();
    let (mut removed, mut kept, mut unreadable) = (0, 0, 0);
    for (path, letter) in letters {
        let letter = match letter {
            Ok(letter) => letter,
            Err(err) => {
                eprintln!("error: {err}");
                unreadable += 1;
                continue;
            }
        };
        let mut events = Vec::new();
        let mut parser = StreamParser::new(format!("{} (from {})", path.display(), letter.source));
        parser.push(letter.event.to_string().as_bytes(), &mut |e| events.push(e));
        parser.finish(&mut |e| events.push(e));
        let event = match (events.pop(), events.is_empty()) {
            (Some(Ok(event)), true) => event,
            _ => {
                eprintln!(
                    "error: {}: the dead letter's event cannot be read",
                    path.display()
                );
                unreadable += 1;
                continue;
            }
        };
        let done = runtime.block_on(reactor.run(Ok(event), SystemTime::now(), &mut records));
        summary.add(&done);
        if done.dead_lettered || done.lost.is_some() {
            kept += 1;
        } else if let Err(err) = spool.remove(&path) {
            eprintln!(
                "error: replayed, but cannot remove {}: {err}",
                path.display()
            );
            kept += 1;
        } else {
            removed += 1;
        }
    }
    eprintln!("{summary}");
    eprintln!("redrive: {removed} replayed and removed, {kept} kept, {unreadable} unreadable");
    if kept > 0 || unreadable > 0 {
        Exit::Error
    } else {
        summary.exit()
    }
}
