//! `scan --api`: events looked up with CloudTrail's LookupEvents, region by region and page by
//! page, through the same decisions and sink as an archive scan.

use std::io::IsTerminal;
use std::time::UNIX_EPOCH;

use super::{Args, Remediator, Sink, bar, handle, progress_message};
use crate::archive::Filter;
use crate::aws::{Factory, Lookup, Pacing, Pager, Settings};
use crate::cli::Exit;
use crate::config::Config;
use crate::event::StreamParser;
use crate::reactor::Decider;
use crate::scan::{Options, Summary};

/// Scan the events LookupEvents returns for `filter`'s regions and times.
pub(super) fn scan_api(
    args: &Args,
    config: &Config,
    filter: &Filter,
    decider: &Decider,
    options: &Options,
    remediator: Option<&Remediator>,
    sink: &mut Sink<'_>,
) -> Result<Summary, Exit> {
    let show_bar = !args.no_progress && std::io::stderr().is_terminal();
    // The remediator's runtime and clients when there is one; else a runtime for the lookups.
    let own_runtime;
    let runtime = match remediator {
        Some(r) => &r.runtime,
        None => {
            own_runtime = super::super::react::runtime()?;
            &own_runtime
        }
    };
    let settings = Settings {
        endpoint_url: config.endpoint_url.clone(),
        ..Settings::default()
    };
    let factory = runtime.block_on(Factory::new(settings));
    let config = factory.sdk_config();
    let regions: Vec<String> = if args.regions.is_empty() {
        config.region().map(|r| r.to_string()).into_iter().collect()
    } else {
        args.regions.clone()
    };
    if regions.is_empty() {
        eprintln!(
            "error: no region to look events up in\n  help: pass --region, or set AWS_REGION"
        );
        return Err(Exit::Error);
    }
    let to_time = |t: Option<crate::event::EventTime>| {
        t.and_then(|t| u64::try_from(t.epoch_millis).ok())
            .map(|ms| UNIX_EPOCH + std::time::Duration::from_millis(ms))
    };
    if show_bar {
        sink.show(bar(None, "{spinner} {elapsed_precise} {msg}"));
    }
    let mut summary = Summary::default();
    let mut failed = false;
    for region in regions {
        let lookup = Lookup {
            region: region.clone(),
            start: to_time(filter.since),
            end: to_time(filter.until),
            writes_only: !args.include_read_only,
        };
        let mut pager = Pager::new(config, lookup, Pacing::default());
        while let Some(page) = runtime.block_on(pager.next_page()) {
            let page = match page {
                Ok(page) => page,
                Err(err) => {
                    sink.bar.suspend(|| {
                        eprintln!("error: `{region}`: {err}; events read until then are reported")
                    });
                    failed = true;
                    break;
                }
            };
            let mut items = Vec::with_capacity(page.records.len());
            let mut parser =
                StreamParser::new(format!("cloudtrail-api:{region}:page-{}", page.number))
                    .with_max_value(options.max_event_bytes);
            for record in &page.records {
                parser.push(record.as_bytes(), &mut |item| items.push(item));
                parser.push(b"\n", &mut |item| items.push(item));
            }
            parser.finish(&mut |item| items.push(item));
            let wanted = items
                .into_iter()
                .filter(|item| item.as_ref().map_or(true, |e| filter.wants_event(e)));
            crate::scan::scan_events(decider, options, wanted, &mut summary, &mut |found| {
                handle(found, remediator, sink);
            });
            sink.bar.set_message(format!(
                "{region}: {} pages, {} throttled calls; {}",
                pager.stats.pages,
                pager.stats.throttled,
                progress_message(&summary)
            ));
        }
    }
    if failed {
        summary.errors += 1;
    }
    Ok(summary)
}
