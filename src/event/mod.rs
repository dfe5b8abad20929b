//! CloudTrail events as they arrive: EventBridge envelopes, bare records, log files and
//! LookupEvents output. This module turns bytes into [`Event`]s with their origin; it does no
//! I/O of its own (the `input` module feeds it).

mod parse;
mod record;
mod recover;
mod resync;
mod stream;
mod time;

pub use parse::{EventError, Position};
pub use record::{Envelope, Event, Head, Origin, lookup, scalar_string};
pub use stream::{DEFAULT_MAX_EVENT_BYTES, StreamParser};
pub use time::EventTime;

/// The EventBridge `detail-type`s that carry a CloudTrail record in `detail`.
pub const CLOUDTRAIL_DETAIL_TYPES: &[&str] = &[
    "AWS API Call via CloudTrail",
    "AWS Console Sign In via CloudTrail",
    "AWS Service Event via CloudTrail",
];
