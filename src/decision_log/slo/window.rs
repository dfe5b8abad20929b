//! The `--window` of an SLO report and the units it is written in.

use super::SloError;

pub(super) const MINUTE: i64 = 60_000;
pub(super) const HOUR: i64 = 60 * MINUTE;
pub(super) const DAY: i64 = 24 * HOUR;

/// A length of time written `<n><unit>`, unit `s`, `m`, `h`, `d` or `w`; printed in the largest of
/// `d`, `h`, `m`, `s` that divides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub millis: i64,
}

impl std::str::FromStr for Window {
    type Err = SloError;
    fn from_str(text: &str) -> Result<Self, SloError> {
        let bad = || SloError::Window(text.to_owned());
        let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (digits, unit) = text.split_at(split);
        let n: i64 = digits.parse().map_err(|_| bad())?;
        let unit_ms = match unit {
            "s" => 1000,
            "m" => MINUTE,
            "h" => HOUR,
            "d" => DAY,
            "w" => 7 * DAY,
            _ => return Err(bad()),
        };
        match n.checked_mul(unit_ms) {
            Some(millis) if millis > 0 => Ok(Self { millis }),
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let units = [("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", 1000)];
        match units.iter().find(|(_, ms)| self.millis % ms == 0) {
            Some((unit, ms)) => write!(f, "{}{unit}", self.millis / ms),
            None => write!(f, "{}ms", self.millis),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_and_print() {
        for (text, millis) in [
            ("30d", 30 * DAY),
            ("5m", 5 * MINUTE),
            ("90s", 90_000),
            ("14d", 14 * DAY),
        ] {
            let w: Window = text.parse().unwrap();
            assert_eq!(w.millis, millis);
            assert_eq!(w.to_string(), text);
        }
        assert_eq!("36h".parse::<Window>().unwrap().to_string(), "36h");
        assert_eq!("2w".parse::<Window>().unwrap().to_string(), "14d");
        for bad in [
            "",
            "d",
            "0d",
            "30",
            "30x",
            "-1d",
            "1.5h",
            "99999999999999999999d",
        ] {
            assert!(bad.parse::<Window>().is_err(), "{bad}");
        }
    }
}
