//! CloudTrail archives on disk, laid out as CloudTrail writes them to S3:
//! `AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz`. Finds the log
//! files under some roots that a filter (accounts, regions, a time window) can concern, so
//! that a scan of one week of one account never opens the rest; the filter then applies
//! exactly to each event, since a day's directory holds files by delivery time.

use std::path::{Path, PathBuf};

use crate::event::{Event, EventTime};

/// Which events a scan wants. Empty lists mean every account or region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    /// Events at or after this time.
    pub since: Option<EventTime>,
    /// Events before this time.
    pub until: Option<EventTime>,
}

/// One day, in milliseconds: a log file delivered on day D can hold events from day D-1.
const DAY_MILLIS: i64 = 86_400_000;

impl Filter {
    fn account_ok(&self, account: &str) -> bool {
        self.accounts.is_empty() || self.accounts.iter().any(|a| a == account)
    }

    fn region_ok(&self, region: &str) -> bool {
        self.regions.is_empty() || self.regions.iter().any(|r| r == region)
    }

    /// Whether a file at this place in the archive can hold wanted events. Files outside the
    /// layout are always read (the event filter still applies to what they hold).
    pub fn wants_file(&self, path: &Path) -> bool {
        let Some(place) = Place::of(path) else {
            return true;
        };
        if !self.account_ok(&place.account) || !self.region_ok(&place.region) {
            return false;
        }
        let Some(day) = place.day else {
            return true;
        };
        // Delivery lags events by minutes; one day of slack on each side is ample.
        let after_start = self
            .since
            .is_none_or(|s| day.epoch_millis + 2 * DAY_MILLIS > s.epoch_millis);
        let before_end = self
            .until
            .is_none_or(|u| day.epoch_millis - DAY_MILLIS < u.epoch_millis);
        after_start && before_end
    }

    /// Whether a directory of the layout (`.../<account>/CloudTrail/[<region>/[YYYY/[MM/[DD]]]]`)
    /// can hold a file [`Filter::wants_file`] wants, so that a listing need not go below it.
    /// Directories above `CloudTrail/`, or whose names are not the layout's, can.
    pub fn wants_dir(&self, path: &Path) -> bool {
        let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
        let Some(at) = parts.iter().rposition(|p| *p == "CloudTrail") else {
            return true;
        };
        let Some(account) = at.checked_sub(1).and_then(|i| parts.get(i)) else {
            return true;
        };
        if !self.account_ok(account) {
            return false;
        }
        match parts.get(at + 1) {
            Some(region) if !self.region_ok(region) => return false,
            _ => {}
        }
        let (Some(year), month, day) = (parts.get(at + 2), parts.get(at + 3), parts.get(at + 4))
        else {
            return true;
        };
        // The first day of the directory, and the first day after it.
        let (first, next) = match (month, day) {
            (None, _) => (format!("{year}-01-01"), next_year(year)),
            (Some(m), None) => (format!("{year}-{m}-01"), next_month(year, m)),
            (Some(m), Some(d)) => {
                let first = format!("{year}-{m}-{d}");
                let next = EventTime::parse(&first).map(|t| t.epoch_millis + DAY_MILLIS);
                (first, next)
            }
        };
        let (Some(first), Some(next)) = (EventTime::parse(&first), next) else {
            return true;
        };
        // Some day in [first, next) passes wants_file's test (see there).
        let last = next - DAY_MILLIS;
        self.since
            .is_none_or(|s| last + 2 * DAY_MILLIS > s.epoch_millis)
            && self
                .until
                .is_none_or(|u| first.epoch_millis - DAY_MILLIS < u.epoch_millis)
    }

    /// Whether an event is wanted. An event with no readable time is kept when a window is
    /// set: it cannot be placed outside it, and a scan never drops what it cannot judge.
    pub fn wants_event(&self, event: &Event) -> bool {
        if !self.accounts.is_empty() && !event.account().is_some_and(|a| self.account_ok(a)) {
            return false;
        }
        if !self.regions.is_empty() && !event.region().is_some_and(|r| self.region_ok(r)) {
            return false;
        }
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        let Some(time) = event.event_time().and_then(EventTime::parse) else {
            return true;
        };
        self.since.is_none_or(|s| time >= s) && self.until.is_none_or(|u| time < u)
    }
}

/// Midnight UTC of the first day of the year after `year`.
fn next_year(year: &str) -> Option<i64> {
    let year: u32 = year.parse().ok()?;
    EventTime::parse(&format!("{:04}-01-01", year + 1)).map(|t| t.epoch_millis)
}

/// Midnight UTC of the first day of the month after `month` of `year`.
fn next_month(year: &str, month: &str) -> Option<i64> {
    let (y, m): (u32, u32) = (year.parse().ok()?, month.parse().ok()?);
    let (y, m) = if m >= 12 { (y + 1, 1) } else { (y, m + 1) };
    EventTime::parse(&format!("{y:04}-{m:02}-01")).map(|t| t.epoch_millis)
}

/// Where a log file sits in the archive layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub account: String,
    pub region: String,
    /// Midnight UTC of the `YYYY/MM/DD` directory, when the path has one.
    pub day: Option<EventTime>,
}

impl Place {
    /// The account, region and day of a path `.../<account>/CloudTrail/<region>/YYYY/MM/DD/f`.
    pub fn of(path: &Path) -> Option<Self> {
        let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
        let at = parts.iter().rposition(|p| *p == "CloudTrail")?;
        let account = parts.get(at.checked_sub(1)?)?;
        let region = parts.get(at + 1)?;
        let day = match (parts.get(at + 2), parts.get(at + 3), parts.get(at + 4)) {
            (Some(y), Some(m), Some(d)) => EventTime::parse(&format!("{y}-{m}-{d}")),
            _ => None,
        };
        Some(Self {
            account: (*account).to_owned(),
            region: (*region).to_owned(),
            day,
        })
    }
}

/// CloudTrail log files (`.json.gz`, also plain `.json`) under `roots`, in name order, that
/// `filter` can concern, and what the walk skipped (see [`crate::input::expand_with`]: the
/// integrity digests in `CloudTrail-Digest/` are not read).
pub fn files(roots: &[PathBuf], filter: &Filter) -> crate::input::Walk {
    crate::input::expand_with(roots, &|path| is_log(path) && filter.wants_file(path))
}

/// Whether a file's name is a log file's (`.json.gz`, `.json`, `.gz`).
pub fn is_log(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".json.gz") || name.ends_with(".json") || name.ends_with(".gz")
}

/// One of `count` disjoint parts of an archive (`--shard I/N`), so that several machines can
/// scan one archive together. A file belongs to shard `index` when the 64-bit FNV-1a hash of
/// its file name (the last component of its path or S3 key) modulo `count` is `index`: stable
/// across machines and builds, and the same for a bucket and a local copy of it (CloudTrail's
/// file names are unique: account, region, time and a random part).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parse `I/N`, with `0 <= I < N`.
    pub fn parse(text: &str) -> Result<Self, BadShard> {
        let bad = || BadShard(text.to_owned());
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = index.trim().parse().map_err(|_| bad())?;
        let count: u64 = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// Whether the file at `path` belongs to this shard.
    pub fn holds(&self, path: &Path) -> bool {
        let name = path.file_name().map_or(&[][..], |n| n.as_encoded_bytes());
        fnv1a64(name) % self.count == self.index
    }
}

/// A `--shard` value that is not `I/N` with `0 <= I < N`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a shard: give I/N with 0 <= I < N (e.g. 0/4, 3/4)")]
pub struct BadShard(pub String);

/// The 64-bit FNV-1a hash of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Parse a `--since`/`--until` value: a date (`2026-11-01`, midnight UTC) or an RFC 3339 time.
pub fn parse_time(text: &str) -> Result<EventTime, BadTime> {
    EventTime::parse(text).ok_or_else(|| BadTime(text.to_owned()))
}

/// A `--since`/`--until` value that is not a time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date (YYYY-MM-DD) or an RFC 3339 time (2026-11-01T12:00:00Z)")]
pub struct BadTime(pub String);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn window(since: &str, until: &str) -> Filter {
        Filter {
            since: Some(parse_time(since).unwrap()),
            until: Some(parse_time(until).unwrap()),
            ..Filter::default()
        }
    }

    #[test]
    fn a_path_in_the_layout_names_account_region_and_day() {
        let place = Place::of(Path::new(
            "/a/AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2026/11/02/f.json.gz",
        ))
        .unwrap();
        assert_eq!(place.account, "111122223333");
        assert_eq!(place.region, "eu-west-1");
        assert_eq!(place.day, EventTime::parse("2026-11-02"));
        assert_eq!(Place::of(Path::new("/tmp/events.json")), None);
    }

    #[test]
    fn files_outside_the_accounts_regions_or_days_are_not_read() {
        let path = |a: &str, r: &str, d: &str| {
            PathBuf::from(format!("AWSLogs/{a}/CloudTrail/{r}/{d}/x.json.gz"))
        };
        let filter = Filter {
            accounts: vec!["111".into()],
            regions: vec!["us-east-1".into()],
            ..window("2026-11-10", "2026-11-12")
        };
        assert!(filter.wants_file(&path("111", "us-east-1", "2026/11/10")));
        assert!(filter.wants_file(&path("111", "us-east-1", "2026/11/12")));
        assert!(!filter.wants_file(&path("111", "us-east-1", "2026/11/14")));
        assert!(!filter.wants_file(&path("111", "us-east-1", "2026/11/07")));
        assert!(!filter.wants_file(&path("222", "us-east-1", "2026/11/10")));
        assert!(!filter.wants_file(&path("111", "eu-west-1", "2026/11/10")));
        assert!(filter.wants_file(Path::new("loose/file.json")));
    }

    #[test]
    fn directories_outside_the_filters_are_not_listed() {
        let filter = Filter {
            accounts: vec!["111".into()],
            regions: vec!["us-east-1".into()],
            ..window("2026-11-10", "2026-11-12")
        };
        let wants = |dir: &str| filter.wants_dir(Path::new(dir));
        assert!(wants("logs/AWSLogs"));
        assert!(wants("AWSLogs/o-abc/111"));
        assert!(wants("AWSLogs/111/CloudTrail"));
        assert!(!wants("AWSLogs/222/CloudTrail"));
        assert!(wants("AWSLogs/o-abc/111/CloudTrail/us-east-1"));
        assert!(!wants("AWSLogs/111/CloudTrail/eu-west-1"));
        assert!(wants("AWSLogs/111/CloudTrail/us-east-1/2026"));
        assert!(!wants("AWSLogs/111/CloudTrail/us-east-1/2025"));
        assert!(wants("AWSLogs/111/CloudTrail/us-east-1/2026/11"));
        assert!(!wants("AWSLogs/111/CloudTrail/us-east-1/2026/10"));
        assert!(!wants("AWSLogs/111/CloudTrail/us-east-1/2026/12"));
        assert!(wants("AWSLogs/111/CloudTrail/us-east-1/2026/11/09"));
        assert!(wants("AWSLogs/111/CloudTrail/us-east-1/2026/11/12"));
        assert!(!wants("AWSLogs/111/CloudTrail/us-east-1/2026/11/08"));
        assert!(!wants("AWSLogs/111/CloudTrail/us-east-1/2026/11/14"));
        assert!(wants("AWSLogs/111/CloudTrail/us-east-1/odd"));
        // A window at a year's edge reaches into the next year's first day.
        let edge = window("2026-12-31", "2026-12-31T12:00:00Z");
        assert!(edge.wants_dir(Path::new("AWSLogs/1/CloudTrail/r/2027/01")));
        assert!(!edge.wants_dir(Path::new("AWSLogs/1/CloudTrail/r/2027/02")));
    }

    /// Every day directory that wants_dir rejects holds only files that wants_file rejects.
    #[test]
    fn a_directory_is_pruned_only_when_every_file_in_it_would_be() {
        let filter = window("2026-02-27", "2026-03-02");
        let dir = |y: u32, m: u32| format!("AWSLogs/1/CloudTrail/r/{y}/{m:02}");
        for (y, m) in [(2026, 1), (2026, 2), (2026, 3), (2026, 4)] {
            for d in 1..=31 {
                let day = format!("{}/{d:02}", dir(y, m));
                if EventTime::parse(&format!("{y}-{m:02}-{d:02}")).is_none() {
                    continue;
                }
                let file = PathBuf::from(format!("{day}/f.json.gz"));
                if filter.wants_file(&file) {
                    assert!(filter.wants_dir(Path::new(&day)), "{day}");
                    assert!(filter.wants_dir(Path::new(&dir(y, m))), "{day}");
                }
            }
        }
    }

    #[test]
    fn shards_parse_and_split_files_by_name() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/3", "0/0", "1", "a/2", "-1/2", "1/2/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        // Known FNV-1a 64 values: stable across machines and Rust versions.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let shards: Vec<Shard> = (0..3).map(|index| Shard { index, count: 3 }).collect();
        for i in 0..50 {
            let name = format!("111_CloudTrail_us-east-1_2026{i:04}.json.gz");
            let local = PathBuf::from(format!("/data/AWSLogs/{name}"));
            let key = PathBuf::from(format!("prefix/AWSLogs/111/{name}"));
            let holders: Vec<&Shard> = shards.iter().filter(|s| s.holds(&local)).collect();
            assert_eq!(holders.len(), 1);
            assert!(holders.iter().all(|s| s.holds(&key)));
        }
    }

    #[test]
    fn the_window_applies_exactly_to_each_event() {
        let event = |time: &str| {
            let mut map = serde_json::Map::new();
            map.insert("eventTime".into(), time.into());
            Event {
                record: map,
                envelope: None,
                origin: crate::event::Origin {
                    source: "test".into(),
                    position: crate::event::Position::default(),
                },
            }
        };
        let filter = window("2026-11-10", "2026-11-11T00:00:00Z");
        assert!(filter.wants_event(&event("2026-11-10T00:00:00Z")));
        assert!(filter.wants_event(&event("2026-11-10T23:59:59Z")));
        assert!(!filter.wants_event(&event("2026-11-11T00:00:00Z")));
        assert!(!filter.wants_event(&event("2026-11-09T23:59:59Z")));
        assert!(filter.wants_event(&event("not a time")));
    }
}
