//! The words of `snapback audit`'s filter flags: times (a date, an instant, or a duration back
//! from now), severities, decisions and remediation statuses, each refused with a message
//! that lists what is accepted.

use super::{RemediationStatus, Status};
use crate::engine::Outcome;
use crate::event::EventTime;
use crate::policy::Severity;

/// A filter argument that is not one of the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error(
        "`{0}` is not a time: use a date (`2026-11-01`), an RFC 3339 time \
         (`2026-11-01T12:00:00Z`) or a duration back from now (`90m`, `24h`, `30d`, `2w`)"
    )]
    Time(String),
    #[error("`{0}` is not a severity: use low, medium, high or critical")]
    Severity(String),
    #[error("`{0}` is not a decision: use compliant, non_compliant, skipped or error")]
    Decision(String),
    #[error(
        "`{0}` is not a remediation status: use applied, noop, planned, failed, breaker_open, \
         dead_lettered, flap_limited or none"
    )]
    Status(String),
}

/// A `--since`/`--until` argument as epoch milliseconds: a date, an RFC 3339 time, or a
/// duration (`90m`, `24h`, `30d`, `2w`) back from `now_millis`.
pub fn parse_time(text: &str, now_millis: i64) -> Result<i64, ParseError> {
    let t = text.trim();
    const UNITS: [(char, i64); 4] = [
        ('m', 60_000),
        ('h', 3_600_000),
        ('d', 86_400_000),
        ('w', 604_800_000),
    ];
    let relative = UNITS
        .into_iter()
        .find_map(|(unit, millis)| Some((t.strip_suffix(unit)?, millis)));
    let parsed = match relative {
        Some((digits, unit))
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            digits
                .parse::<i64>()
                .ok()
                .and_then(|n| n.checked_mul(unit))
                .and_then(|back| now_millis.checked_sub(back))
        }
        _ => EventTime::parse(t).map(|e| e.epoch_millis),
    };
    parsed.ok_or_else(|| ParseError::Time(text.to_owned()))
}

pub fn parse_severity(text: &str) -> Result<Severity, ParseError> {
    Severity::parse(&text.trim().to_ascii_lowercase())
        .ok_or_else(|| ParseError::Severity(text.to_owned()))
}

pub fn parse_decision(text: &str) -> Result<Outcome, ParseError> {
    let word = text.trim().to_ascii_lowercase().replace('-', "_");
    const ALL: [Outcome; 4] = [
        Outcome::Compliant,
        Outcome::NonCompliant,
        Outcome::Skipped,
        Outcome::Error,
    ];
    ALL.into_iter()
        .find(|o| o.as_str() == word)
        .ok_or_else(|| ParseError::Decision(text.to_owned()))
}

pub fn parse_status(text: &str) -> Result<Status, ParseError> {
    let word = text.trim().to_ascii_lowercase().replace('-', "_");
    if word == "none" {
        return Ok(Status::None);
    }
    RemediationStatus::ALL
        .into_iter()
        .find(|s| s.as_str() == word)
        .map(Status::Is)
        .ok_or_else(|| ParseError::Status(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn times_parse_as_dates_instants_or_durations_back_from_now() {
        assert_eq!(parse_time("1970-01-02", NOW), Ok(86_400_000));
        assert_eq!(parse_time("1970-01-01T00:00:01Z", NOW), Ok(1000));
        assert_eq!(parse_time("1970-01-01T01:00:00+01:00", NOW), Ok(0));
        assert_eq!(parse_time("90m", NOW), Ok(NOW - 90 * 60_000));
        assert_eq!(parse_time("24h", NOW), Ok(NOW - 86_400_000));
        assert_eq!(parse_time("30d", NOW), Ok(NOW - 30 * 86_400_000));
        assert_eq!(parse_time(" 2w ", NOW), Ok(NOW - 14 * 86_400_000));
        for bad in "|d|-3d|3y|1.5h|99999999999999999999d|2026-13-01|now".split('|') {
            let expected = Err(ParseError::Time(bad.to_owned()));
            assert_eq!(parse_time(bad, NOW), expected, "{bad}");
        }
    }

    #[test]
    fn words_parse_to_their_types() {
        assert_eq!(parse_severity("HIGH"), Ok(Severity::High));
        assert!(parse_severity("severe").is_err());
        assert_eq!(parse_decision("skipped"), Ok(Outcome::Skipped));
        assert!(parse_decision("ok").is_err());
        let open = Status::Is(RemediationStatus::BreakerOpen);
        assert_eq!(parse_status("breaker-open"), Ok(open));
        assert!(parse_status("done").is_err());
    }
}
