//! The signed-in person's own pages: the overview after sign-in, and the list of sessions with
//! "overal uitloggen" (ACC-6).

use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::sessions;
use minijinja::context;
use poem::web::{Data, Html, Path, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::auth::{client_ip, cookies, SignedIn};
use crate::error::AppError;
use crate::middleware::Portal;
use crate::routes::care_pages;
use crate::state::AppState;

/// What the base template shows of the signed-in person (name, sign-out button).
pub fn viewer(signed_in: &SignedIn) -> minijinja::Value {
    context! {
        name => &signed_in.account.name,
        email => &signed_in.account.email,
        admin => signed_in.tenant_admin,
    }
}

#[derive(Debug, Deserialize)]
pub struct OverviewQuery {
    melding: Option<String>,
}

/// After sign-in: the "Ik zorg voor" switcher, or, without a care page on this portal, the
/// question for whom to create one (CP-1).
#[handler]
pub async fn overview(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Query(query): Query<OverviewQuery>,
) -> Result<Html<String>, AppError> {
    let items = care_pages::switcher(&state, &portal, &me, None).await?;
    let ask_for_whom = !care_pages::has_page_here(&items);
    let notice = (query.melding.as_deref() == Some("zorgpagina-verwijderd"))
        .then_some("care-deleted-notice");
    state.views.page(
        "overview.html",
        &portal.ctx,
        &portal.tenant,
        context! {
            viewer => viewer(&me),
            care_switcher => items,
            ask_for_whom,
            notice,
        },
    )
}

/// A readable device name from a User-Agent: "Firefox op Windows".
fn device(user_agent: &str) -> (Option<&'static str>, Option<&'static str>) {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| *name);
    (browser, system)
}

#[derive(Serialize)]
struct SessionRow {
    id: Uuid,
    browser: Option<&'static str>,
    system: Option<&'static str>,
    ip: String,
    last_used: String,
    started: String,
    current: bool,
    remembered: bool,
}

fn short_time(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[day]-[month]-[year] [hour]:[minute]");
    t.format(&format).unwrap_or_default()
}

#[handler]
pub async fn sessions_page(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
) -> Result<Html<String>, AppError> {
    let now = state.clock.now();
    let list = sessions::list(&state.db, me.account.id, now).await?;
    let rows: Vec<SessionRow> = list
        .into_iter()
        .map(|s| {
            let (browser, system) = device(&s.user_agent);
            SessionRow {
                id: s.id,
                browser,
                system,
                ip: s.ip,
                last_used: short_time(s.last_seen_at),
                started: short_time(s.created_at),
                current: s.id == me.session.id,
                remembered: s.remember,
            }
        })
        .collect();
    state.views.page(
        "sessions.html",
        &portal.ctx,
        &portal.tenant,
        context! { viewer => viewer(&me), sessions => rows },
    )
}

/// Ends one of the person's own sessions (another person's id finds nothing: 404).
#[handler]
pub async fn end_session(
    state: Data<&AppState>,
    me: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let ended = sessions::end_by_id(&state.db, me.account.id, id).await?;
    if !ended {
        return Err(AppError::NotFound);
    }
    if id == me.session.id {
        let response = Redirect::see_other("/inloggen?melding=uitgelogd").into_response();
        return Ok(cookies::attach(
            response,
            cookies::clear(&state.config.web, cookies::SESSION),
        ));
    }
    Ok(Redirect::see_other("/account/sessies").into_response())
}

/// "Overal uitloggen": every session of the account ends, this one included.
#[handler]
pub async fn end_everywhere(
    req: &Request,
    state: Data<&AppState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let ended = sessions::end_all(&mut *tx, me.account.id, None).await?;
    security_log::record(
        &mut *tx,
        Some(me.account.id),
        SecurityEvent::SignedOutEverywhere,
        &client_ip(req, &state),
        json!({ "sessions_ended": ended }),
        now,
    )
    .await?;
    tx.commit().await?;
    let response = Redirect::see_other("/inloggen?melding=uitgelogd").into_response();
    Ok(cookies::attach(
        response,
        cookies::clear(&state.config.web, cookies::SESSION),
    ))
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn devices_are_named_from_the_user_agent() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(device(chrome), (Some("Chrome"), Some("Linux")));
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device(iphone), (Some("Safari"), Some("iPhone")));
        assert_eq!(device("curl/8"), (None, None));
    }
}
