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
    crate::input::expand_with(roots, &|path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        (name.ends_with(".json.gz") || name.ends_with(".json") || name.ends_with(".gz"))
            && filter.wants_file(path)
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
