//! Times found in metadata: RFC 3339, RFC 2822, or a bare date (taken as UTC midnight).

use jiff::Timestamp;

/// Parses a metadata time. A time without a zone is taken as UTC, since the
/// publisher's zone is unknown; a bare date is UTC midnight.
pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    if let Ok(z) = s.parse::<jiff::ZonedDateTime>() {
        return Some(z.timestamp());
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return dt.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp());
    }
    if let Ok(d) = s.get(..10).unwrap_or(s).parse::<jiff::civil::Date>() {
        return d.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp());
    }
    jiff::fmt::rfc2822::parse(s).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_metadata_formats() {
        let t = |s| parse_time(s).map(|t| t.to_string());
        assert_eq!(t("2016-12-29T22:00:00Z").as_deref(), Some("2016-12-29T22:00:00Z"));
        assert_eq!(t("2016-12-30T00:00:00+02:00").as_deref(), Some("2016-12-29T22:00:00Z"));
        assert_eq!(t("2016-02-24T22:09:20").as_deref(), Some("2016-02-24T22:09:20Z"));
        assert_eq!(t("2017-02-01").as_deref(), Some("2017-02-01T00:00:00Z"));
        assert_eq!(t("Thu, 29 Dec 2016 22:00:00 GMT").as_deref(), Some("2016-12-29T22:00:00Z"));
        assert_eq!(t("yesterday"), None);
    }
}
