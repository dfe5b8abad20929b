//! Scanning an archive kept in S3 (`snapback scan s3://BUCKET/PREFIX`) as if it were on disk:
//! the same files, read in the same order, give the same records and summary.
//!
//! [`list`] walks the bucket with ListObjectsV2. Where the filter can rule out whole
//! directories of the layout (accounts, regions, days), it lists one level at a time with the
//! `/` delimiter and goes only into the directories [`Filter::wants_dir`] keeps; below the last
//! level that can be ruled out, it lists everything under the prefix in one paginated listing.
//! Each key then passes the same tests as a local file (name, [`Filter::wants_file`]),
//! and the keys are sorted as a local walk sorts paths.
//!
//! [`Fetched`] is the [`Source`] of a scan: a background task GETs the objects in order, at
//! most `concurrency` at a time, and holds at most `window` fetched (or in flight) objects that
//! no worker has finished with, so memory stays bounded whatever the bucket's size.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::Source;
use crate::archive::Filter;
use crate::aws::{ApiError, Objects};
use crate::event::{Event, EventError, Origin, Position, StreamParser};

/// CloudTrail's log-file integrity digests: not events (as in a local walk).
const DIGEST_DIR: &str = "CloudTrail-Digest";

/// An archive root in S3: `s3://bucket[/prefix]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub bucket: String,
    /// Empty, or a "directory" ending in `/`.
    pub prefix: String,
}

impl Root {
    /// Parse `s3://bucket[/prefix]`; `None` when `text` is not an `s3://` URL. A prefix names
    /// a directory: `s3://b/logs` and `s3://b/logs/` are the same root.
    pub fn parse(text: &str) -> Option<Result<Self, BadRoot>> {
        let rest = text.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() || bucket.contains(char::is_whitespace) {
            return Some(Err(BadRoot(text.to_owned())));
        }
        let prefix = prefix.trim_start_matches('/');
        let prefix = if prefix.is_empty() || prefix.ends_with('/') {
            prefix.to_owned()
        } else {
            format!("{prefix}/")
        };
        Some(Ok(Self {
            bucket: bucket.to_owned(),
            prefix,
        }))
    }
}

impl std::fmt::Display for Root {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

/// An `s3://` argument without a bucket.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an S3 archive root: give s3://BUCKET or s3://BUCKET/PREFIX")]
pub struct BadRoot(pub String);

/// A log file in S3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub bucket: String,
    pub key: String,
    /// Bytes as stored.
    pub size: u64,
}

impl Object {
    /// `s3://bucket/key`: the name its events and errors carry.
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// What listing a root found.
#[derive(Debug, Default)]
pub struct Listed {
    /// The log files to read, in order.
    pub objects: Vec<Object>,
    /// Keys the listing returned, wanted or not.
    pub keys: usize,
    /// ListObjectsV2 requests made.
    pub requests: usize,
}

/// The log files under `root` that `filter` wants, sorted as a local walk of a copy of the
/// bucket would read them (by path component).
pub async fn list(objects: &Objects, root: &Root, filter: &Filter) -> Result<Listed, ApiError> {
    let mut listed = Listed::default();
    let mut dirs = vec![root.prefix.clone()];
    while let Some(dir) = dirs.pop() {
        let listing = objects
            .list(&root.bucket, &dir, prunable_below(&dir, filter))
            .await?;
        listed.requests += listing.requests;
        listed.keys += listing.objects.len();
        for object in listing.objects {
            if wanted_key(root, &object.key, filter) {
                listed.objects.push(Object {
                    bucket: root.bucket.clone(),
                    key: object.key,
                    size: object.size,
                });
            }
        }
        dirs.extend(
            listing
                .prefixes
                .into_iter()
                .filter(|sub| wanted_dir(root, sub, filter)),
        );
    }
    listed
        .objects
        .sort_by(|a, b| a.key.split('/').cmp(b.key.split('/')));
    Ok(listed)
}

/// Whether the filter can rule out some directory below `dir`, so that listing it one level
/// at a time saves reading keys.
fn prunable_below(dir: &str, filter: &Filter) -> bool {
    let timed = filter.since.is_some() || filter.until.is_some();
    if filter.accounts.is_empty() && filter.regions.is_empty() && !timed {
        return false;
    }
    let parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let Some(at) = parts.iter().rposition(|p| *p == "CloudTrail") else {
        return true;
    };
    // Below `CloudTrail/`: region, year, month, day.
    let below = parts.len() - at - 1;
    (below < 1 && !filter.regions.is_empty()) || (below < 4 && timed)
}

/// The components of `key` below the root, if it is under it.
fn relative<'a>(root: &Root, key: &'a str) -> Option<impl Iterator<Item = &'a str>> {
    let rest = key.strip_prefix(root.prefix.as_str())?;
    Some(rest.split('/').filter(|p| !p.is_empty()))
}

/// A local walk skips hidden entries and digest directories below its root.
fn skipped(part: &str) -> bool {
    part.starts_with('.') || part == DIGEST_DIR
}

fn wanted_key(root: &Root, key: &str, filter: &Filter) -> bool {
    if key.ends_with('/') || relative(root, key).is_none_or(|mut parts| parts.any(skipped)) {
        return false;
    }
    let path = Path::new(key);
    crate::archive::is_log(path) && filter.wants_file(path)
}

fn wanted_dir(root: &Root, dir: &str, filter: &Filter) -> bool {
    relative(root, dir).is_some_and(|mut parts| !parts.any(skipped))
        && filter.wants_dir(Path::new(dir))
}

/// A fetched object waiting for a worker, with its place in the window.
enum Slot {
    Waiting,
    Ready(Result<Vec<u8>, ApiError>, OwnedSemaphorePermit),
    Taken,
}

/// Where fetches leave their objects for the workers.
struct Shelf {
    slots: Mutex<Vec<Slot>>,
    ready: Condvar,
}

impl Shelf {
    fn put(&self, index: usize, slot: Slot) {
        if let Ok(mut slots) = self.slots.lock()
            && let Some(place) = slots.get_mut(index)
        {
            *place = slot;
        }
        self.ready.notify_all();
    }

    /// Wait for object `index`, and take it.
    fn take(&self, index: usize) -> Slot {
        let Ok(mut slots) = self.slots.lock() else {
            return Slot::Taken;
        };
        loop {
            match slots.get_mut(index) {
                Some(Slot::Waiting) => {}
                Some(slot) => return std::mem::replace(slot, Slot::Taken),
                None => return Slot::Taken,
            }
            slots = match self.ready.wait(slots) {
                Ok(slots) => slots,
                Err(_) => return Slot::Taken,
            };
        }
    }
}

/// The objects of a listing, fetched ahead of the workers that read them (see the module
/// docs). The fetching stops when this is dropped.
pub struct Fetched {
    objects: Arc<[Object]>,
    shelf: Arc<Shelf>,
    task: tokio::task::JoinHandle<()>,
}

impl Fetched {
    /// Start fetching `objects` on `runtime`: at most `concurrency` GETs at a time, and at
    /// most `window` objects fetched or in flight that no worker has finished with.
    pub fn start(
        runtime: &tokio::runtime::Handle,
        client: Arc<Objects>,
        objects: Vec<Object>,
        concurrency: usize,
        window: usize,
    ) -> Self {
        let objects: Arc<[Object]> = objects.into();
        let shelf = Arc::new(Shelf {
            slots: Mutex::new(objects.iter().map(|_| Slot::Waiting).collect()),
            ready: Condvar::new(),
        });
        let held = Arc::new(Semaphore::new(window.max(1)));
        let flying = Arc::new(Semaphore::new(concurrency.max(1)));
        let task = runtime.spawn({
            let (objects, shelf) = (objects.clone(), shelf.clone());
            async move {
                // In order: the object a worker waits for is always the next to start.
                for (index, object) in objects.iter().enumerate() {
                    let Ok(hold) = held.clone().acquire_owned().await else {
                        return;
                    };
                    let Ok(flight) = flying.clone().acquire_owned().await else {
                        return;
                    };
                    let (client, shelf, object) = (client.clone(), shelf.clone(), object.clone());
                    tokio::spawn(async move {
                        let body = client.get(&object.bucket, &object.key).await;
                        drop(flight);
                        shelf.put(index, Slot::Ready(body, hold));
                    });
                }
            }
        });
        Self {
            objects,
            shelf,
            task,
        }
    }
}

impl Drop for Fetched {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Source for Fetched {
    fn count(&self) -> usize {
        self.objects.len()
    }

    fn read(
        &self,
        index: usize,
        max_value: usize,
        sink: &mut dyn FnMut(Result<Event, EventError>),
    ) -> u64 {
        let Some(object) = self.objects.get(index) else {
            return 0;
        };
        let name: Arc<str> = Arc::from(object.url());
        let failed = |message: String| EventError {
            origin: Origin {
                source: name.clone(),
                position: Position::default(),
            },
            message,
            raw: None,
        };
        match self.shelf.take(index) {
            Slot::Ready(Ok(body), hold) => {
                let parser = StreamParser::new(name.clone()).with_max_value(max_value);
                crate::input::read_stream_with(body.as_slice(), parser, sink);
                // Decided: the window may take the next object.
                drop(hold);
            }
            Slot::Ready(Err(err), _) => sink(Err(failed(format!("cannot read: {err}")))),
            Slot::Waiting | Slot::Taken => {
                sink(Err(failed(
                    "cannot read: the fetch was abandoned".to_owned(),
                )));
            }
        }
        object.size
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn root(text: &str) -> Root {
        Root::parse(text).unwrap().unwrap()
    }

    #[test]
    fn roots_name_a_bucket_and_a_directory() {
        assert_eq!(
            root("s3://b/logs"),
            Root {
                bucket: "b".into(),
                prefix: "logs/".into()
            }
        );
        assert_eq!(root("s3://b/logs/").prefix, "logs/");
        assert_eq!(root("s3://b").prefix, "");
        assert_eq!(root("s3://b/").prefix, "");
        assert!(Root::parse("AWSLogs/").is_none());
        assert!(Root::parse("s3://").unwrap().is_err());
        assert!(Root::parse("s3:///x").unwrap().is_err());
        assert_eq!(root("s3://b/x").to_string(), "s3://b/x/");
    }

    #[test]
    fn keys_pass_the_tests_of_a_local_walk() {
        let r = root("s3://b/logs");
        let filter = Filter::default();
        let log = "logs/AWSLogs/1/CloudTrail/r/2026/11/01/1_CloudTrail_r_x.json.gz";
        assert!(wanted_key(&r, log, &filter));
        assert!(!wanted_key(
            &r,
            "logs/AWSLogs/1/CloudTrail-Digest/r/2026/11/01/d.json.gz",
            &filter
        ));
        assert!(!wanted_key(&r, "logs/.hidden/x.json.gz", &filter));
        assert!(!wanted_key(&r, "logs/AWSLogs/readme.txt", &filter));
        assert!(!wanted_key(&r, "logs/AWSLogs/", &filter));
        assert!(!wanted_key(&r, "other/x.json", &filter));
        assert!(!wanted_dir(
            &r,
            "logs/AWSLogs/1/CloudTrail-Digest/",
            &filter
        ));
        assert!(wanted_dir(&r, "logs/AWSLogs/1/CloudTrail/", &filter));
    }

    #[test]
    fn only_levels_the_filter_can_rule_out_are_listed_one_at_a_time() {
        let none = Filter::default();
        assert!(!prunable_below("logs/", &none));
        let regions = Filter {
            regions: vec!["us-east-1".into()],
            ..Filter::default()
        };
        assert!(prunable_below("", &regions));
        assert!(prunable_below("AWSLogs/1/CloudTrail/", &regions));
        assert!(!prunable_below("AWSLogs/1/CloudTrail/us-east-1/", &regions));
        let since = Filter {
            since: crate::event::EventTime::parse("2026-11-01"),
            ..Filter::default()
        };
        assert!(prunable_below("AWSLogs/1/CloudTrail/r/2026/11/", &since));
        assert!(!prunable_below(
            "AWSLogs/1/CloudTrail/r/2026/11/01/",
            &since
        ));
    }
}
