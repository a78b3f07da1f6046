//! When something happened: a UTC interval, its precision and the words it came from.

use jiff::{Timestamp, ToSpan, tz::TimeZone};

use crate::ModelError;

/// How precisely a time is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// To the minute ("22:00 GMT").
    Minute,
    /// To the hour ("in the first hours after midnight").
    Hour,
    /// To the day ("on Thursday").
    Day,
    /// To the week ("last week").
    Week,
    /// To the month ("earlier this month").
    Month,
    /// To the year.
    Year,
}

impl Precision {
    /// The stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Minute => "minute",
            Precision::Hour => "hour",
            Precision::Day => "day",
            Precision::Week => "week",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        Ok(match s {
            "minute" => Precision::Minute,
            "hour" => Precision::Hour,
            "day" => Precision::Day,
            "week" => Precision::Week,
            "month" => Precision::Month,
            "year" => Precision::Year,
            _ => return Err(ModelError::new("precision", format!("unknown precision {s:?}"))),
        })
    }
}

/// A time reference: `[from, to]` in UTC with `from <= to`, a precision, and the
/// original expression it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeRef {
    from: Timestamp,
    to: Timestamp,
    precision: Precision,
    expr: String,
}

impl TimeRef {
    /// Builds a time reference; `from` must not be after `to`.
    pub fn new(
        from: Timestamp,
        to: Timestamp,
        precision: Precision,
        expr: impl Into<String>,
    ) -> Result<Self, ModelError> {
        if from > to {
            return Err(ModelError::new("time", format!("interval starts ({from}) after it ends ({to})")));
        }
        Ok(Self { from, to, precision, expr: expr.into() })
    }

    /// An instant known to the minute.
    pub fn instant(at: Timestamp, expr: impl Into<String>) -> Self {
        Self { from: at, to: at, precision: Precision::Minute, expr: expr.into() }
    }

    /// The whole civil day `date` in zone `tz`, as a UTC interval of day precision.
    pub fn civil_day(date: jiff::civil::Date, tz: &TimeZone, expr: impl Into<String>) -> Result<Self, ModelError> {
        let start =
            date.to_zoned_datetime(tz.clone()).map_err(|e| ModelError::new("time", format!("{date} in zone: {e}")))?;
        let end =
            start.checked_add(1.day()).map_err(|e| ModelError::new("time", e.to_string()))?.timestamp() - 1.second();
        Self::new(start.timestamp(), end, Precision::Day, expr)
    }

    /// The start of the interval.
    pub fn from(&self) -> Timestamp {
        self.from
    }

    /// The end of the interval.
    pub fn to(&self) -> Timestamp {
        self.to
    }

    /// The precision.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The words the time was read from.
    pub fn expr(&self) -> &str {
        &self.expr
    }

    /// Whether the whole interval lies strictly before `t`.
    pub fn wholly_before(&self, t: Timestamp) -> bool {
        self.to < t
    }

    /// Whether the whole interval lies at or after `t`.
    pub fn wholly_at_or_after(&self, t: Timestamp) -> bool {
        self.from >= t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_damascus_dec_2016_is_22z() {
        let tz = TimeZone::get("Asia/Damascus").unwrap();
        let day = TimeRef::civil_day(jiff::civil::date(2016, 12, 30), &tz, "30 December").unwrap();
        assert_eq!(day.from().to_string(), "2016-12-29T22:00:00Z");
        assert_eq!(day.to().to_string(), "2016-12-30T21:59:59Z");
        assert_eq!(day.precision(), Precision::Day);
    }

    #[test]
    fn inverted_interval_is_rejected() {
        let a: Timestamp = "2016-12-30T00:00:00Z".parse().unwrap();
        let b: Timestamp = "2016-12-29T00:00:00Z".parse().unwrap();
        assert!(TimeRef::new(a, b, Precision::Day, "x").is_err());
        assert!(TimeRef::new(b, a, Precision::Day, "x").is_ok());
    }

    #[test]
    fn precision_names_round_trip() {
        for p in
            [Precision::Minute, Precision::Hour, Precision::Day, Precision::Week, Precision::Month, Precision::Year]
        {
            assert_eq!(Precision::parse(p.as_str()).unwrap(), p);
        }
    }
}
