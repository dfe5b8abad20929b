//! Scanning history: many log files decided on every core, with the records handed back in a
//! fixed order and a summary of what was found.
//!
//! Workers take files in order from a shared counter and stream each file's records back in
//! batches. The consumer (the caller's thread) gets them in file order, and in each file in
//! record order, whatever the number of threads: the output of a scan is the same on one core
//! as on sixteen. A worker may run at most [`Options::window`] files ahead of the file being
//! handed out, which bounds the memory held for out-of-order files.
//!
//! The files come from a [`Source`]: paths on disk, or objects fetched from S3 ([`s3`]).

pub mod s3;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Condvar, Mutex};
use std::time::SystemTime;

use crate::archive::Filter;
use crate::decision_log::DecisionRecord;
use crate::engine::Outcome;
use crate::event::{Event, EventError};
use crate::policy::Severity;
use crate::reactor::{Decided, Decider};

/// Records per batch sent from a worker.
const BATCH: usize = 512;

/// How a scan runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub threads: usize,
    /// Hand back only non-compliant and error records (all are still counted).
    pub violations_only: bool,
    /// How many files past the one being handed out a worker may start.
    pub window: usize,
    /// Serialise each record to its JSON line on the worker (when nothing will change it
    /// afterwards: no decision log, no remediation), so that output scales with the threads.
    pub serialize: bool,
    /// The size limit of one top-level JSON value read (see `--max-event-bytes`).
    pub max_event_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            threads,
            violations_only: false,
            window: threads * 4,
            serialize: false,
            max_event_bytes: crate::event::DEFAULT_MAX_EVENT_BYTES,
        }
    }
}

/// One decided event, as handed to the consumer: its record and, when the decider acts, what
/// is left to do (so that the consumer acts on it without deciding it again).
#[derive(Debug)]
pub struct Found {
    pub decided: Decided,
    /// The record as a JSON line, when [`Options::serialize`] is set.
    pub line: Option<Vec<u8>>,
}

/// What a scan found, for the summary and the exit code.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    /// Bytes of the files as stored (compressed, for `.gz`).
    pub bytes: u64,
    /// Events read (decided, or unreadable), after the filter.
    pub events: usize,
    pub compliant: usize,
    pub non_compliant: usize,
    pub skipped: usize,
    pub errors: usize,
    /// Events that violated each policy.
    pub by_policy: BTreeMap<String, (Severity, usize)>,
    /// Non-compliant events by their highest severity.
    pub by_severity: BTreeMap<Severity, usize>,
}

impl Summary {
    pub fn add(&mut self, record: &DecisionRecord) {
        self.events += 1;
        match record.decision {
            Outcome::Compliant => self.compliant += 1,
            Outcome::NonCompliant => self.non_compliant += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Error => self.errors += 1,
        }
        for policy in &record.policies {
            self.by_policy
                .entry(policy.id.clone())
                .or_insert((policy.severity, 0))
                .1 += 1;
        }
        if let Some(severity) = record.severity {
            *self.by_severity.entry(severity).or_default() += 1;
        }
    }

    pub fn merge(&mut self, other: &Summary) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.events += other.events;
        self.compliant += other.compliant;
        self.non_compliant += other.non_compliant;
        self.skipped += other.skipped;
        self.errors += other.errors;
        for (id, (severity, n)) in &other.by_policy {
            self.by_policy.entry(id.clone()).or_insert((*severity, 0)).1 += n;
        }
        for (severity, n) in &other.by_severity {
            *self.by_severity.entry(*severity).or_default() += n;
        }
    }
}

/// Where a scan's files come from, in the order their records are handed back. Workers call
/// [`Source::read`] from several threads, each index once.
pub trait Source: Sync {
    /// How many files there are.
    fn count(&self) -> usize;

    /// Read file `index`, passing each event (or error: an unreadable file is an error
    /// record, never a gap) to `sink`, with `max_value` the size limit of one JSON value.
    /// Returns the file's size as stored.
    fn read(
        &self,
        index: usize,
        max_value: usize,
        sink: &mut dyn FnMut(Result<Event, EventError>),
    ) -> u64;
}

/// Files on disk.
impl Source for &[PathBuf] {
    fn count(&self) -> usize {
        self.len()
    }

    fn read(
        &self,
        index: usize,
        max_value: usize,
        sink: &mut dyn FnMut(Result<Event, EventError>),
    ) -> u64 {
        let Some(path) = self.get(index) else {
            return 0;
        };
        crate::input::read_path_limited(path, max_value, sink);
        file_size(path)
    }
}

/// A file's size on disk, 0 when it cannot be read.
pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// A batch of one file's records; `done` marks the file's last batch.
struct Batch {
    file: usize,
    found: Vec<Found>,
    summary: Summary,
    done: bool,
}

/// How far the consumer has got, so that workers stay within the window.
struct Progress {
    handed_out: Mutex<usize>,
    moved: Condvar,
}

/// Decide every event in `files`, calling `consume` with each record in file order, and
/// `file_done` with each file's size after its records. Returns the summary. The decider must
/// not look for duplicates (see [`crate::reactor::Config::seen_capacity`]): which of two
/// copies of an event a worker meets first is a race.
pub fn scan_files(
    decider: &Decider,
    filter: &Filter,
    files: &[PathBuf],
    options: &Options,
    consume: &mut dyn FnMut(Found),
    file_done: &mut dyn FnMut(&Summary),
) -> Summary {
    scan_source(decider, filter, &files, options, consume, file_done)
}

/// [`scan_files`] over the files of any [`Source`].
pub fn scan_source(
    decider: &Decider,
    filter: &Filter,
    files: &dyn Source,
    options: &Options,
    consume: &mut dyn FnMut(Found),
    file_done: &mut dyn FnMut(&Summary),
) -> Summary {
    let threads = options.threads.clamp(1, files.count().max(1));
    let window = options.window.max(threads);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let progress = Progress {
        handed_out: Mutex::new(0),
        moved: Condvar::new(),
    };
    let (tx, rx) = sync_channel::<Batch>(threads * 4);
    let mut total = Summary::default();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, progress) = (&next, &stop, &progress);
            scope.spawn(move || {
                worker(
                    decider, filter, files, options, window, next, stop, progress, &tx,
                );
            });
        }
        drop(tx);
        total = collect(files.count(), &rx, &progress, consume, file_done);
        // The consumer is done (or all files are): let idle workers go.
        stop.store(true, Ordering::Relaxed);
        progress.moved.notify_all();
    });
    total
}

#[expect(clippy::too_many_arguments, reason = "the shared state of one scan")]
fn worker(
    decider: &Decider,
    filter: &Filter,
    files: &dyn Source,
    options: &Options,
    window: usize,
    next: &AtomicUsize,
    stop: &AtomicBool,
    progress: &Progress,
    tx: &SyncSender<Batch>,
) {
    loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        if index >= files.count() {
            return;
        }
        {
            let Ok(mut handed) = progress.handed_out.lock() else {
                return;
            };
            while index >= *handed + window && !stop.load(Ordering::Relaxed) {
                handed = match progress.moved.wait(handed) {
                    Ok(guard) => guard,
                    Err(_) => return,
                };
            }
        }
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let mut batch = Batch {
            file: index,
            found: Vec::new(),
            summary: Summary::default(),
            done: false,
        };
        let mut gone = false;
        let bytes = files.read(index, options.max_event_bytes, &mut |item| {
            if gone {
                return;
            }
            if item.as_ref().is_ok_and(|event| !filter.wants_event(event)) {
                return;
            }
            let Some(found) = found(decider, options, item, &mut batch.summary) else {
                return;
            };
            batch.found.push(found);
            if batch.found.len() >= BATCH {
                let full = std::mem::replace(
                    &mut batch,
                    Batch {
                        file: index,
                        found: Vec::new(),
                        summary: Summary::default(),
                        done: false,
                    },
                );
                gone = tx.send(full).is_err();
            }
        });
        batch.summary.files = 1;
        batch.summary.bytes = bytes;
        batch.done = true;
        if gone || tx.send(batch).is_err() {
            return;
        }
    }
}

/// Hand batches to `consume` in file order, holding out-of-order ones until their turn.
fn collect(
    files: usize,
    rx: &Receiver<Batch>,
    progress: &Progress,
    consume: &mut dyn FnMut(Found),
    file_done: &mut dyn FnMut(&Summary),
) -> Summary {
    let mut total = Summary::default();
    let mut waiting: HashMap<usize, VecDeque<Batch>> = HashMap::new();
    let mut current = 0;
    let mut file_summary = Summary::default();
    while current < files {
        let batch = match waiting.get_mut(&current).and_then(VecDeque::pop_front) {
            Some(batch) => batch,
            None => match rx.recv() {
                Ok(batch) if batch.file == current => batch,
                Ok(batch) => {
                    waiting.entry(batch.file).or_default().push_back(batch);
                    continue;
                }
                // Every worker is gone: nothing more will come.
                Err(_) => break,
            },
        };
        file_summary.merge(&batch.summary);
        for found in batch.found {
            consume(found);
        }
        if batch.done {
            waiting.remove(&current);
            file_done(&file_summary);
            total.merge(&file_summary);
            file_summary = Summary::default();
            current += 1;
            if let Ok(mut handed) = progress.handed_out.lock() {
                *handed = current;
            }
            progress.moved.notify_all();
        }
    }
    total
}

/// Decide already-read events (from the CloudTrail API) on this thread, with the same
/// filtering, summary and hand-off as [`scan_files`].
pub fn scan_events(
    decider: &Decider,
    options: &Options,
    items: impl IntoIterator<Item = Result<Event, crate::event::EventError>>,
    summary: &mut Summary,
    consume: &mut dyn FnMut(Found),
) {
    for item in items {
        if let Some(found) = found(decider, options, item, summary) {
            consume(found);
        }
    }
}

/// Decide one item, count it, and hand it on unless the options leave it out.
fn found(
    decider: &Decider,
    options: &Options,
    item: Result<Event, crate::event::EventError>,
    summary: &mut Summary,
) -> Option<Found> {
    let decided = decider.decide(item, SystemTime::now());
    summary.add(&decided.record);
    let violation = matches!(
        decided.record.decision,
        Outcome::NonCompliant | Outcome::Error
    );
    if options.violations_only && !violation {
        return None;
    }
    let line = options
        .serialize
        .then(|| serde_json::to_vec(&decided.record).unwrap_or_default());
    Some(Found { decided, line })
}
