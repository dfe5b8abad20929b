//! `scan s3://BUCKET/PREFIX`: list the roots (pruned by the filter, see [`crate::scan::s3`]),
//! then fetch their log files ahead of the workers, which decide them as they decide files on
//! disk.

use std::sync::Arc;

use crate::archive::{Filter, Shard};
use crate::aws::Factory;
use crate::cli::Exit;
use crate::config::Config;
use crate::scan::s3::{Fetched, Object, Root, list};

/// The objects to scan, being fetched, and the runtime that fetches them.
pub(super) struct Prepared {
    /// Declared first: dropped (its fetching stopped) before the runtime.
    pub files: Fetched,
    pub bytes: u64,
    _runtime: tokio::runtime::Runtime,
}

/// List `roots` and start fetching the log files in `shard` (at most `concurrency` GETs at a
/// time, at most `window` objects held).
pub(super) fn prepare(
    roots: &[Root],
    config: &Config,
    filter: &Filter,
    shard: Option<Shard>,
    concurrency: usize,
    window: usize,
) -> Result<Prepared, Exit> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            Exit::Error
        })?;
    let factory = runtime.block_on(Factory::new(config.aws()));
    let client = Arc::new(factory.objects());
    let mut objects: Vec<Object> = Vec::new();
    let (mut keys, mut requests) = (0, 0);
    for root in roots {
        match runtime.block_on(list(&client, root, filter)) {
            Ok(listed) => {
                keys += listed.keys;
                requests += listed.requests;
                objects.extend(listed.objects);
            }
            Err(err) => {
                eprintln!(
                    "error: cannot list `{root}`: {err}\n  \
                     help: check the bucket name, the credentials and --endpoint-url"
                );
                return Err(Exit::Error);
            }
        }
    }
    if objects.is_empty() {
        eprintln!(
            "error: no CloudTrail log files (*.json.gz, *.json) under {} match the filters",
            roots
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Err(Exit::Error);
    }
    let wanted = objects.len();
    if let Some(shard) = shard {
        objects.retain(|o| shard.holds(std::path::Path::new(&o.key)));
    }
    eprintln!(
        "listed {keys} keys in {requests} ListObjectsV2 requests: {wanted} log files match, {} to scan",
        objects.len()
    );
    let bytes = objects.iter().map(|o| o.size).sum();
    let files = Fetched::start(runtime.handle(), client, objects, concurrency, window);
    Ok(Prepared {
        files,
        bytes,
        _runtime: runtime,
    })
}
