//! Time at the boundary and inside the solver.
//!
//! Files carry local wall-clock times of the service area (`"2026-12-07T08:00"`, `"08:00"`),
//! with the area's IANA time zone named once in the problem. Inside the solver a moment is an
//! `i64` number of **seconds since the horizon's first midnight** ([`Secs`]); `chrono` is used
//! only here, to convert in both directions.

use std::fmt;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds since midnight of the horizon's first day (local time).
pub type Secs = i64;

pub const MINUTE: Secs = 60;
pub const HOUR: Secs = 3600;
pub const DAY: Secs = 86_400;

/// A local date and time, written `YYYY-MM-DDTHH:MM` (seconds optional).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ts_rs::TS)]
#[ts(type = "string")]
pub struct LocalDateTime(pub NaiveDateTime);

impl LocalDateTime {
    pub fn parse(text: &str) -> Result<Self, String> {
        for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"] {
            if let Ok(value) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(Self(value));
            }
        }
        Err(format!("expected a local date and time like \"2026-12-07T08:00\", got {text:?}"))
    }

    /// Seconds since midnight of `origin`.
    pub fn secs_since(self, origin: NaiveDate) -> Secs {
        let midnight = origin.and_time(NaiveTime::MIN);
        (self.0 - midnight).num_seconds()
    }

    /// The moment `secs` seconds after midnight of `origin`.
    pub fn from_secs(origin: NaiveDate, secs: Secs) -> Self {
        Self(origin.and_time(NaiveTime::MIN) + Duration::seconds(secs))
    }

    pub fn date(self) -> NaiveDate {
        self.0.date()
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.second() == 0 {
            write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M"))
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S"))
        }
    }
}

impl Serialize for LocalDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for LocalDateTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LocalDateTime".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Local wall-clock date and time in the service area's time zone, `YYYY-MM-DDTHH:MM` (seconds optional).",
            "pattern": "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2})?$",
            "examples": ["2026-12-07T08:00"]
        })
    }
}

/// A time of day, written `HH:MM` (`24:00` allowed as the end of a day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ts_rs::TS)]
#[ts(type = "string")]
pub struct ClockTime {
    /// Minutes since midnight, 0..=1440.
    pub minutes: u32,
}

impl ClockTime {
    pub const fn hm(hours: u32, minutes: u32) -> Self {
        Self { minutes: hours * 60 + minutes }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("expected a time of day like \"08:30\", got {text:?}");
        let (h, m) = text.split_once(':').ok_or_else(bad)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u32 = h.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(bad());
        }
        Ok(Self::hm(h, m))
    }

    pub fn secs(self) -> Secs {
        Secs::from(self.minutes) * MINUTE
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for ClockTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClockTime".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Local time of day `HH:MM`, 24-hour clock; `24:00` ends a day.",
            "pattern": "^\\d{1,2}:\\d{2}$",
            "examples": ["08:00", "16:30"]
        })
    }
}

/// `HH:MM` of a moment, for messages.
pub fn hhmm(origin: NaiveDate, secs: Secs) -> String {
    LocalDateTime::from_secs(origin, secs).0.format("%H:%M").to_string()
}

/// A readable duration such as `1 h 05 min` or `12 min`.
pub fn human_duration(secs: Secs) -> String {
    let minutes = (secs.max(0) + 30) / 60;
    if minutes >= 60 { format!("{} h {:02} min", minutes / 60, minutes % 60) } else { format!("{minutes} min") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_date_time_round_trips_and_counts_from_origin() {
        let origin = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let t = LocalDateTime::parse("2026-12-08T08:30").unwrap();
        assert_eq!(t.secs_since(origin), DAY + 8 * HOUR + 30 * MINUTE);
        assert_eq!(LocalDateTime::from_secs(origin, t.secs_since(origin)), t);
        assert_eq!(t.to_string(), "2026-12-08T08:30");
        assert_eq!(LocalDateTime::parse("2026-12-08T08:30:15").unwrap().to_string(), "2026-12-08T08:30:15");
        assert!(LocalDateTime::parse("2026-13-08T08:30").is_err());
        assert!(LocalDateTime::parse("tomorrow").is_err());
    }

    #[test]
    fn clock_time_parses_strictly() {
        assert_eq!(ClockTime::parse("08:05").unwrap().minutes, 485);
        assert_eq!(ClockTime::parse("24:00").unwrap().minutes, 1440);
        for bad in ["8", "08:5", "25:00", "24:01", "12:60", "ab:cd", ""] {
            assert!(ClockTime::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(65 * MINUTE), "1 h 05 min");
        assert_eq!(human_duration(12 * MINUTE), "12 min");
    }
}
