//! Dates and numbers as the pages show them.

use common::care::page::BirthDate;
use time::OffsetDateTime;

/// The day of a moment as people write it, `dd-mm-jjjj`, like every date on the pages.
pub fn date_text(at: OffsetDateTime) -> String {
    BirthDate::format(at.date())
}

/// A moment as the pages show it, in Dutch time: `dd-mm-jjjj uu:mm`.
pub fn moment_text(at: OffsetDateTime) -> String {
    let local = common::infra::clock::dutch::civil(at);
    format!(
        "{} {:02}:{:02}",
        BirthDate::format(local.date()),
        local.hour(),
        local.minute()
    )
}
