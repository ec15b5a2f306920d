//! UTC timestamps with an explicit offset, e.g. `2026-11-26T07:30:00.123+00:00`.
//! The fixed width keeps lexicographic order equal to time order in SQLite.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+00:00");

pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

pub fn format(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(FORMAT)
        .expect("a UTC timestamp always formats")
}

pub fn parse(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_with_explicit_offset() {
        let s = super::now();
        assert!(s.ends_with("+00:00"), "{s}");
        assert_eq!(s.len(), 29);
        assert!(super::parse(&s).is_some());
    }
}
