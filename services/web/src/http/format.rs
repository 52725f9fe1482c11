//! Dates and numbers as the pages show them.

use common::care::page::BirthDate;
use time::OffsetDateTime;

/// The day of a moment as people write it, `dd-mm-jjjj`, like every date on the pages.
pub fn date_text(at: OffsetDateTime) -> String {
    BirthDate::format(at.date())
}
