//! "Wie keek mee?" (DOS-7): who looked at or changed what on this care page, per day, in plain
//! words, for a period and a person of the beheerder's choice. Opening it is itself a row of
//! the log (the route table's door writes it, like every other route's).

use common::accounts::AccountId;
use common::audit::access_log::{self, Visit};
use common::infra::clock::dutch;
use common::infra::tenancy::in_tenant_read_only;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{handler, Response};
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Date, Duration};
use uuid::Uuid;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::format::date_text;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::render;

/// The period shown when none is chosen: the last week.
const DEFAULT_DAYS: i64 = 7;
/// More rows than this ask for a shorter period.
const MOST_ROWS: i64 = 1_000;

#[derive(Debug, Default, Deserialize)]
pub struct LogFilter {
    #[serde(default)]
    van: String,
    #[serde(default)]
    tot: String,
    #[serde(default)]
    persoon: String,
}

/// One line of a day: the time, who (and their role then), what they did with which part.
#[derive(Serialize)]
struct Line {
    time: String,
    who: String,
    role: String,
    action: &'static str,
    part: &'static str,
    result: &'static str,
}

#[derive(Serialize)]
struct Day {
    date: String,
    lines: Vec<Line>,
}

/// A date as the date field sends it (`jjjj-mm-dd`); empty means "not chosen".
fn parse_day(raw: &str) -> Result<Option<Date>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Date::parse(raw, format_description!("[year]-[month]-[day]"))
        .map(Some)
        .map_err(|_| ())
}

fn field_value(day: Date) -> String {
    day.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// The chosen period (first and last day), or the last week, and what was wrong with the choice.
fn period(filter: &LogFilter, today: Date, errors: &mut FieldErrors) -> (Date, Date) {
    let last = parse_day(&filter.tot)
        .map_err(|()| errors.add("tot", "access-log-date-invalid"))
        .ok()
        .flatten()
        .unwrap_or(today);
    let first = parse_day(&filter.van)
        .map_err(|()| errors.add("van", "access-log-date-invalid"))
        .ok()
        .flatten()
        .unwrap_or(last - Duration::days(DEFAULT_DAYS - 1));
    if first > last {
        errors.add("van", "access-log-period-reversed");
        return (last - Duration::days(DEFAULT_DAYS - 1), last);
    }
    (first, last)
}

/// The rows grouped per day, newest day first, as the page words them.
fn days(visits: Vec<Visit>) -> Vec<Day> {
    let mut days: Vec<Day> = Vec::new();
    for visit in visits {
        let at = dutch::civil(visit.occurred_at);
        let date = date_text(at.assume_utc());
        let line = Line {
            time: format!("{:02}:{:02}", at.hour(), at.minute()),
            result: visit.result(),
            action: visit.action.code(),
            part: visit.part.key(),
            who: visit.actor_name,
            role: visit.actor_role,
        };
        match days.last_mut() {
            Some(day) if day.date == date => day.lines.push(line),
            _ => days.push(Day {
                date,
                lines: vec![line],
            }),
        }
    }
    days
}

#[handler]
pub async fn who_looked(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Query(filter): Query<LogFilter>,
) -> Result<Response, AppError> {
    let today = dutch::civil(state.clock.now()).date();
    let mut errors = FieldErrors::default();
    let (first, last) = period(&filter, today, &mut errors);
    let person = Uuid::parse_str(filter.persoon.trim()).ok().map(AccountId);
    let from = dutch::start_of(first);
    let until = dutch::start_of(last.next_day().unwrap_or(last));
    let page_id = access.page.id.0;
    let (visits, visitors) =
        in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
            let visits =
                access_log::of_page(tx, page_id, from, until, person, MOST_ROWS + 1).await?;
            let visitors = access_log::visitors_of_page(tx, page_id).await?;
            Ok::<_, sqlx::Error>((visits, visitors))
        })
        .await?;
    let more = visits.len() > MOST_ROWS as usize;
    let visits = visits.into_iter().take(MOST_ROWS as usize).collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = context! {
        days => days(visits),
        more,
        visitors,
        form_from => field_value(first),
        form_until => field_value(last),
        form_person => person.map(|p| p.0.to_string()).unwrap_or_default(),
        period_from => date_text(first.midnight().assume_utc()),
        period_until => date_text(last.midnight().assume_utc()),
        errors,
    };
    let template = "portal/care_page/access_log.html";
    render(&state, pages, &access, "connecties", template, status, page).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Month;

    fn filter(van: &str, tot: &str) -> LogFilter {
        LogFilter {
            van: van.into(),
            tot: tot.into(),
            persoon: String::new(),
        }
    }

    #[test]
    fn no_choice_shows_the_last_week_and_a_bad_choice_says_so() {
        let today = Date::from_calendar_date(2026, Month::December, 3).unwrap();
        let mut errors = FieldErrors::default();
        let (first, last) = period(&filter("", ""), today, &mut errors);
        assert_eq!((first.day(), last), (27, today));
        assert!(errors.is_empty());

        let (first, _) = period(&filter("3-12-2026", ""), today, &mut errors);
        assert_eq!(first.day(), 27);
        assert!(!errors.is_empty());

        let mut errors = FieldErrors::default();
        let (first, last) = period(&filter("2026-12-05", "2026-12-01"), today, &mut errors);
        assert!(first <= last);
        assert!(!errors.is_empty());
    }
}
