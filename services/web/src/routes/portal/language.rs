//! The language switch in every page's footer: kept in a cookie, and on the account of a
//! signed-in person (the same choice as on the settings page, ACC-7).

use common::accounts::profile;
use common::infra::i18n::Language;
use poem::http::{header, Uri};
use poem::web::{Data, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use serde::Deserialize;

use crate::access::session::MaybeSignedIn;
use crate::http::cookies;
use crate::http::error::AppError;
use crate::http::forms::local_path;
use crate::http::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Choice {
    #[serde(default)]
    lang: String,
}

/// The page the person came from, if it is on this portal; the start page otherwise.
/// Only a path is kept, so the switch cannot be used to send someone to another site.
fn back_to(req: &Request) -> String {
    let own_host = req.header(header::HOST);
    req.header(header::REFERER)
        .and_then(|referer| referer.parse::<Uri>().ok())
        .filter(|uri| uri.authority().map(|a| a.as_str()) == own_host)
        .and_then(|uri| {
            uri.path_and_query()
                .and_then(|p| local_path(p.as_str()))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "/".to_owned())
}

/// `GET /taal?lang=en`: a plain link, so it works on the pages cached for every visitor too.
/// It changes nothing but the reader's own language; forging it gains nobody anything.
#[handler]
pub async fn switch(
    req: &Request,
    state: Data<&AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
    Query(choice): Query<Choice>,
) -> Result<Response, AppError> {
    let back = back_to(req);
    let Some(language) = Language::ALL.into_iter().find(|l| l.code() == choice.lang) else {
        return Ok(Redirect::see_other(back).into_response());
    };
    if let Some(me) = me {
        profile::set_language(&state.db, me.account.id, language).await?;
    }
    let cookie = cookies::language(&state.config.web, language);
    Ok(cookies::attach(
        Redirect::see_other(back).into_response(),
        cookie,
    ))
}

#[cfg(test)]
mod tests {
    use super::back_to;
    use poem::Request;

    fn request(host: &str, referer: Option<&str>) -> Request {
        let mut builder = Request::builder().header("host", host);
        if let Some(referer) = referer {
            builder = builder.header("referer", referer);
        }
        builder.finish()
    }

    #[test]
    fn goes_back_only_to_a_page_of_the_same_portal() {
        let portal = "linde.zorgportaal.localhost:8080";
        assert_eq!(
            back_to(&request(
                portal,
                Some("http://linde.zorgportaal.localhost:8080/aanmelden?x=1")
            )),
            "/aanmelden?x=1"
        );
        assert_eq!(
            back_to(&request(portal, Some("https://evil.example/phish"))),
            "/"
        );
        assert_eq!(back_to(&request(portal, None)), "/");
    }
}
