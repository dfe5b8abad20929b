//! Event timestamps. CloudTrail writes RFC 3339 in UTC, LookupEvents adds offsets, and some
//! tools rewrite times as `2022-12-11 19:45:12`. All become one canonical form that Cedar's
//! `datetime` accepts, plus milliseconds since the epoch for arithmetic.

/// A parsed event time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventTime {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub epoch_millis: i64,
}

impl EventTime {
    /// Parse `YYYY-MM-DD[T ]hh:mm:ss[.fff…][Z|±hh:mm|±hhmm]`; no zone means UTC.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.trim().as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = b.get(range)?;
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(digits).ok()?.parse().ok()
        };
        let year = num(0..4)?;
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let month = num(5..7)?;
        let day = num(8..10)?;
        let (hour, minute, second, mut rest) = match b.get(10) {
            None => (0, 0, 0, 10),
            Some(b'T' | b't' | b' ') => {
                if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
                    return None;
                }
                (num(11..13)?, num(14..16)?, num(17..19)?, 19)
            }
            _ => return None,
        };
        let mut millis = 0;
        if b.get(rest) == Some(&b'.') {
            let start = rest + 1;
            let mut end = start;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            if end == start {
                return None;
            }
            let frac = b.get(start..end)?;
            for i in 0..3 {
                millis = millis * 10 + frac.get(i).map_or(0, |d| i64::from(d - b'0'));
            }
            rest = end;
        }
        let offset_minutes = match b.get(rest) {
            None => 0,
            Some(b'Z' | b'z') if rest + 1 == b.len() => 0,
            Some(sign @ (b'+' | b'-')) => {
                let h = num(rest + 1..rest + 3)?;
                let m = match b.get(rest + 3) {
                    Some(b':') => num(rest + 4..rest + 6)?,
                    _ => num(rest + 3..rest + 5)?,
                };
                let consumed = if b.get(rest + 3) == Some(&b':') { 6 } else { 5 };
                if rest + consumed != b.len() {
                    return None;
                }
                let total = h * 60 + m;
                if *sign == b'-' { -total } else { total }
            }
            _ => return None,
        };
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
        Some(Self {
            epoch_millis: seconds * 1000 + millis,
        })
    }

    /// `YYYY-MM-DDThh:mm:ss.fffZ`, the form Cedar's `datetime()` and the decision log use.
    pub fn to_rfc3339(self) -> String {
        let secs = self.epoch_millis.div_euclid(1000);
        let millis = self.epoch_millis.rem_euclid(1000);
        let days = secs.div_euclid(86_400);
        let tod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        if !(0..=9999).contains(&y) {
            return format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
                tod / 3600,
                tod % 3600 / 60,
                tod % 60
            );
        }
        // Digit by digit: three of these go into every decision record, and `format!` costs
        // more than the rest of the record's fields together.
        let mut out = String::with_capacity(24);
        let mut digits = |n: i64, width: u32, sep: char| {
            for place in (0..width).rev() {
                let digit = n / 10_i64.pow(place) % 10;
                out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
            }
            out.push(sep);
        };
        digits(y, 4, '-');
        digits(m, 2, '-');
        digits(d, 2, 'T');
        digits(tod / 3600, 2, ':');
        digits(tod % 3600 / 60, 2, ':');
        digits(tod % 60, 2, '.');
        digits(millis, 3, 'Z');
        out
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_seen_in_the_wild() {
        for (written, canonical) in [
            ("2019-03-01T20:19:18Z", "2019-03-01T20:19:18.000Z"),
            ("2021-11-18T09:41:02-08:00", "2021-11-18T17:41:02.000Z"),
            ("2022-12-11 19:45:12", "2022-12-11T19:45:12.000Z"),
            ("2022-12-11 19:45:12.123456789", "2022-12-11T19:45:12.123Z"),
            ("2024-02-29", "2024-02-29T00:00:00.000Z"),
        ] {
            assert_eq!(
                EventTime::parse(written)
                    .map(EventTime::to_rfc3339)
                    .as_deref(),
                Some(canonical),
                "{written}"
            );
        }
    }

    #[test]
    fn rejects_malformed_times() {
        for bad in [
            "",
            "...",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-01-01T00:00Z",
            "2023-01-01T00:00:00Zjunk",
        ] {
            assert_eq!(EventTime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_like_the_reference_across_four_centuries() {
        let check = |epoch_millis: i64| {
            let secs = epoch_millis.div_euclid(1000);
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let tod = secs.rem_euclid(86_400);
            let reference = format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
                tod / 3600,
                tod % 3600 / 60,
                tod % 60,
                epoch_millis.rem_euclid(1000)
            );
            assert_eq!(EventTime { epoch_millis }.to_rfc3339(), reference);
        };
        // A prime step walks through every month, hour and millisecond value.
        let mut millis = -2_208_988_800_000; // 1900-01-01
        while millis < 10_413_792_000_000 {
            check(millis);
            millis += 7_919_993_537;
        }
        for millis in [0, 951_782_400_999, 253_402_300_799_999, -62_167_219_200_001] {
            check(millis);
        }
    }

    #[test]
    fn epoch_is_zero() {
        assert_eq!(
            EventTime::parse("1970-01-01T00:00:00Z").map(|t| t.epoch_millis),
            Some(0)
        );
    }
}
