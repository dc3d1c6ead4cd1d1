//! Time as storegate stores and shows it: UTC, `YYYY-MM-DD HH:MM:SS`, Magento's wire format.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

const FORMAT: &[FormatItem<'static>] = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub fn format(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(FORMAT).expect("formatting a UTC time cannot fail")
}

pub fn now_text() -> String {
    format(now())
}

/// The stored text of `now + d`; stored times compare correctly as text.
pub fn after(d: Duration) -> String {
    format(now() + d)
}

pub fn parse(text: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(text, FORMAT).ok().map(PrimitiveDateTime::assume_utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_sorts_as_text() {
        let t = parse("2026-11-22 03:04:05").unwrap();
        assert_eq!(format(t), "2026-11-22 03:04:05");
        assert!(format(t) < format(t + Duration::seconds(1)));
    }
}
