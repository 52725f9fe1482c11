//! The list of the signed-in person's sessions, ending one, and "overal uitloggen" (ACC-6).

use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::sessions;
use common::infra::db::in_transaction;
use minijinja::context;
use poem::web::{Data, Path, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::access::session::{client_ip, SignedIn};
use crate::http::cookies;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

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
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
) -> Result<Response, AppError> {
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
    pages.viewer(me.viewer()).ok(
        "portal/account/sessions.html",
        context! { sessions => rows },
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
    let ip = client_ip(req, &state);
    in_transaction(&state.db, async |conn| {
        let ended = sessions::end_all(&mut *conn, me.account.id, None).await?;
        security_log::record(
            &mut *conn,
            Some(me.account.id),
            SecurityEvent::SignedOutEverywhere,
            &ip,
            json!({ "sessions_ended": ended }),
            now,
        )
        .await?;
        Ok::<_, AppError>(())
    })
    .await?;
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
