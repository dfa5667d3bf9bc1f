//! Times and dates as facts.json and `--now` give them.
//!
//! A **time** ([`Moment`]) is RFC 3339 with its offset: `2026-11-21T22:00:00Z`,
//! `2026-11-21T23:00:00+01:00`, fractional seconds allowed, `T`/`Z` in either case, a
//! space for the `T` (RFC 3339 section 5.6 allows it). Without an offset the instant is
//! unknown (it depends on the time zone of whoever wrote it, which upgate cannot see), so
//! `2026-12-01T21:55:00` (PowerShell's `Get-Date -Format s`) is refused rather than
//! guessed; so is a date alone, which would otherwise silently stand for midnight UTC.
//!
//! A **date** ([`Day`]) is `YYYY-MM-DD` and nothing else; it is used only where the
//! vendor speaks of a day (the end of a maintenance package, a release date). A time
//! there is refused too: which day `2026-06-30T00:30:00+02:00` is depends on the zone.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;

/// Why a time or date was refused: what is wrong, and how to write it instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    pub message: String,
    pub help: String,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.help)
    }
}

impl std::error::Error for TimeError {}

/// A point in time: RFC 3339 with an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment(pub Timestamp);

/// A calendar day: `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub Date);

const EXAMPLE_TIMES: &str = "2026-11-21T22:00:00Z or 2026-11-21T23:00:00+01:00";

/// What a string looks like, split along RFC 3339's grammar.
struct Parts<'a> {
    date: &'a str,
    /// `HH:MM` or `HH:MM:SS` with any fraction, when there is a time at all.
    time: Option<&'a str>,
    /// What follows the time: `Z`, `+01:00`, or anything else (empty: no offset).
    offset: &'a str,
}

/// Whether `s` is exactly `pattern`, where `9` in the pattern stands for any ASCII digit
/// (bytes compared, so no slicing inside a character).
fn shaped(s: &str, pattern: &str) -> bool {
    s.len() == pattern.len()
        && s.bytes().zip(pattern.bytes()).all(|(b, p)| match p {
            b'9' => b.is_ascii_digit(),
            _ => b == p,
        })
}

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY-MM-DD`, digits only (whether the day exists is jiff's to say).
fn is_date_shape(s: &str) -> bool {
    shaped(s, "9999-99-99")
}

/// Splits `raw` into date, time and offset, or `None` when it does not even start
/// like a date followed by a time.
fn split(raw: &str) -> Option<Parts<'_>> {
    let date = raw.get(..10).filter(|d| is_date_shape(d))?;
    let rest = &raw[10..];
    if rest.is_empty() {
        return Some(Parts {
            date,
            time: None,
            offset: "",
        });
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // HH:MM, then :SS, then .fraction
    if !rest.get(..5).is_some_and(|hm| shaped(hm, "99:99")) {
        return None;
    }
    let mut end = 5;
    let bytes = rest.as_bytes();
    if bytes.get(5) == Some(&b':') && rest.get(6..8).is_some_and(|s| is_digits(s, 2)) {
        end = 8;
        if bytes.get(8) == Some(&b'.') {
            let digits = bytes[9..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 {
                end = 9 + digits;
            }
        }
    }
    Some(Parts {
        date,
        time: Some(&rest[..end]),
        offset: &rest[end..],
    })
}

fn is_offset(s: &str) -> bool {
    matches!(s, "Z" | "z") || shaped(s, "+99:99") || shaped(s, "-99:99")
}

/// The time as RFC 3339 wants it: with seconds.
fn with_seconds(time: &str) -> String {
    if time.len() == 5 {
        format!("{time}:00")
    } else {
        time.to_string()
    }
}

impl Moment {
    /// Parses an RFC 3339 time with an offset; anything else is refused with what is
    /// wrong and the value written as it should be.
    pub fn parse(raw: &str) -> Result<Moment, TimeError> {
        let refuse = |message: String, help: String| Err(TimeError { message, help });
        let Some(parts) = split(raw) else {
            return refuse(
                format!("{raw:?} is not an RFC 3339 time"),
                format!(
                    "write the date, the time and Z or the server's offset, e.g. {EXAMPLE_TIMES}"
                ),
            );
        };
        let Some(time) = parts.time else {
            return refuse(
                format!("{raw:?} is a date, but a time is needed here"),
                format!(
                    "give the time too, with Z or the server's offset, e.g. {d}T22:00:00Z or {d}T23:00:00+01:00",
                    d = parts.date
                ),
            );
        };
        let written = format!("{}T{}", parts.date, with_seconds(time));
        if parts.offset.is_empty() {
            return refuse(
                format!(
                    "{raw:?} has no UTC offset, so which moment it means depends on a time zone upgate cannot know"
                ),
                format!(
                    "add Z or the server's offset, e.g. {written}Z or {written}+01:00 (PowerShell: (Get-Date).ToString('o') writes the offset)"
                ),
            );
        }
        if !is_offset(parts.offset) {
            return refuse(
                format!(
                    "{raw:?} is not an RFC 3339 time: {:?} is not an offset",
                    parts.offset
                ),
                format!(
                    "end it with Z or the offset as +HH:MM, e.g. {written}Z or {written}+01:00"
                ),
            );
        }
        if time.len() == 5 {
            return refuse(
                format!("{raw:?} has no seconds, which RFC 3339 requires"),
                format!("write {written}{}", parts.offset),
            );
        }
        raw.parse::<Timestamp>().map(Moment).map_err(|e| TimeError {
            message: format!("{raw:?} is not a valid time: {e}"),
            help: format!("write an existing date and time, e.g. {EXAMPLE_TIMES}"),
        })
    }
}

impl Day {
    /// Parses a date, `YYYY-MM-DD` and nothing more.
    pub fn parse(raw: &str) -> Result<Day, TimeError> {
        if is_date_shape(raw) {
            return raw.parse::<Date>().map(Day).map_err(|e| TimeError {
                message: format!("{raw:?} is not a valid date: {e}"),
                help: "write an existing day as YYYY-MM-DD, e.g. 2026-06-30".into(),
            });
        }
        match split(raw) {
            Some(parts) => Err(TimeError {
                message: format!("{raw:?} is a time, but a date is needed here"),
                help: format!("write the date alone: {}", parts.date),
            }),
            None => Err(TimeError {
                message: format!("{raw:?} is not a date"),
                help: "write it as YYYY-MM-DD, e.g. 2026-06-30".into(),
            }),
        }
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn refused(raw: &str) -> TimeError {
        Moment::parse(raw).expect_err(raw)
    }

    #[test]
    fn rfc3339_with_an_offset_or_z_is_a_moment() {
        let utc = ts("2026-12-01T20:55:00Z");
        for raw in [
            "2026-12-01T20:55:00Z",
            "2026-12-01T21:55:00+01:00",
            "2026-12-01T15:55:00-05:00",
            "2026-12-01T20:55:00+00:00",
            "2026-12-01T20:55:00-00:00",
            // lowercase t and z, and a space for the T (RFC 3339 5.6)
            "2026-12-01t20:55:00z",
            "2026-12-01 20:55:00Z",
        ] {
            assert_eq!(Moment::parse(raw).map(|m| m.0), Ok(utc), "{raw}");
        }
    }

    #[test]
    fn fractional_seconds_are_kept() {
        assert_eq!(
            Moment::parse("2026-12-01T21:55:00.1234567+01:00")
                .unwrap()
                .0,
            ts("2026-12-01T20:55:00.1234567Z")
        );
        assert_eq!(
            Moment::parse("2026-12-01T20:55:00.5Z").unwrap().0,
            ts("2026-12-01T20:55:00.5Z")
        );
    }

    #[test]
    fn a_time_without_an_offset_is_refused_with_the_fix() {
        // PowerShell's Get-Date -Format s
        let e = refused("2026-12-01T21:55:00");
        assert_eq!(
            e.message,
            "\"2026-12-01T21:55:00\" has no UTC offset, so which moment it means depends on a time zone upgate cannot know"
        );
        assert!(
            e.help
                .starts_with("add Z or the server's offset, e.g. 2026-12-01T21:55:00Z or 2026-12-01T21:55:00+01:00"),
            "{}",
            e.help
        );
        // A space and no seconds: the fix writes both.
        let e = refused("2026-12-01 20:00");
        assert!(e.message.contains("has no UTC offset"), "{}", e.message);
        assert!(e.help.contains("2026-12-01T20:00:00+01:00"), "{}", e.help);
        let e = refused("2026-12-01T21:55:00.123");
        assert!(e.message.contains("has no UTC offset"), "{}", e.message);
    }

    #[test]
    fn a_date_alone_is_not_a_time() {
        let e = refused("2026-12-01");
        assert_eq!(
            e.message,
            "\"2026-12-01\" is a date, but a time is needed here"
        );
        assert!(e.help.contains("2026-12-01T22:00:00Z"), "{}", e.help);
    }

    #[test]
    fn garbage_and_near_misses_are_refused() {
        for raw in [
            "yesterday",
            "",
            "12/01/2026 21:55",
            "2026-12-1T21:55:00Z",
            "now",
        ] {
            let e = refused(raw);
            assert!(
                e.message.ends_with("is not an RFC 3339 time"),
                "{raw}: {}",
                e.message
            );
            assert!(e.help.contains("2026-11-21T22:00:00Z"), "{}", e.help);
        }
        // Offsets RFC 3339 does not write.
        for raw in [
            "2026-12-01T21:55:00+0100",
            "2026-12-01T21:55:00+01",
            "2026-12-01T21:55:00 UTC",
            "2026-12-01T21:55:00Z[Europe/Berlin]",
        ] {
            let e = refused(raw);
            assert!(
                e.message.contains("is not an offset"),
                "{raw}: {}",
                e.message
            );
            assert!(e.help.contains("2026-12-01T21:55:00+01:00"), "{}", e.help);
        }
        let e = refused("2026-12-01T21:55Z");
        assert_eq!(
            e.message,
            "\"2026-12-01T21:55Z\" has no seconds, which RFC 3339 requires"
        );
        assert_eq!(e.help, "write 2026-12-01T21:55:00Z");
        let e = refused("2026-13-01T21:55:00Z");
        assert!(e.message.contains("is not a valid time"), "{}", e.message);
        let e = refused("2026-12-01T25:55:00Z");
        assert!(e.message.contains("is not a valid time"), "{}", e.message);
    }

    #[test]
    fn a_day_is_a_date_alone() {
        assert_eq!(
            Day::parse("2026-06-30").unwrap().0,
            "2026-06-30".parse::<Date>().unwrap()
        );
        let e = Day::parse("2026-06-30T00:00:00").unwrap_err();
        assert_eq!(
            e.message,
            "\"2026-06-30T00:00:00\" is a time, but a date is needed here"
        );
        assert_eq!(e.help, "write the date alone: 2026-06-30");
        let e = Day::parse("2026-06-30T00:00:00+02:00").unwrap_err();
        assert!(e.message.contains("is a time"), "{}", e.message);
        let e = Day::parse("30.06.2026").unwrap_err();
        assert_eq!(e.message, "\"30.06.2026\" is not a date");
        let e = Day::parse("2026-02-30").unwrap_err();
        assert!(e.message.contains("is not a valid date"), "{}", e.message);
        assert!(Day::parse("20260630").is_err());
    }
}
