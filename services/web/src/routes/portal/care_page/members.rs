//! A member of the personal network after joining (NET-2, NET-5): the beheerder's "Rechten"
//! and "Verwijderen" per person on Connecties, leaving a page yourself, and the change log of
//! the network ("Wijzigingen in het netwerk") for beheerders.

use common::accounts;
use common::care::network::invitations::chosen_rights;
use common::care::network::members::{self, LoggedChange};
use common::care::page::{self as care_page, CarePageError, NetworkMember, Role};
use common::care::rights::{Preset, Rights};
use common::infra::clock::dutch;
use common::infra::outbox::Message;
use common::infra::tenancy::{in_tenant, in_tenant_read_only};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Path, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Serialize;
use uuid::Uuid;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::format::date_text;
use crate::http::forms::{email_to, notify, FieldErrors, FormPairs};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::invitations::switches;
use super::render;

/// Renders one of these pages under Connecties.
async fn network_page(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    template: &str,
    status: StatusCode,
    page: minijinja::Value,
) -> Result<Response, AppError> {
    render(state, pages, access, "connecties", template, status, page).await
}

/// The member of this page named in the path; else the page's 404.
async fn member_of(
    state: &AppState,
    access: &CarePageAccess,
    raw: &str,
) -> Result<NetworkMember, AppError> {
    let id = Uuid::parse_str(raw).map_err(|_| AppError::NotFound)?;
    let network = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        care_page::network(tx, access.page.id).await
    })
    .await?;
    network
        .into_iter()
        .find(|m| m.account_id.0 == id)
        .ok_or(AppError::NotFound)
}

/// The form's choice for rights a member holds now: their preset, or their own switches.
fn access_of(rights: Rights) -> &'static str {
    match rights.as_preset() {
        Some(Preset::Nothing) => "niets",
        Some(Preset::Basic) => "basis",
        Some(Preset::Everything) => "alles",
        None => "eigen",
    }
}

async fn rights_page(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    member: &NetworkMember,
    status: StatusCode,
    (form_access, on, form_until): (&str, Vec<String>, String),
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let page = context! {
        form_until,
        member => context! {
            id => member.account_id.0.to_string(),
            name => &member.name,
            beheerder => member.membership.role == Role::Beheerder,
        },
        form_access,
        switches => switches(&on),
        errors,
    };
    let template = "portal/care_page/member_rights.html";
    network_page(state, pages, access, template, status, page).await
}

#[handler]
pub async fn rights_form(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let member = member_of(&state, &access, &raw).await?;
    let membership = member.membership.as_of(state.clock.now());
    let rights = membership.rights;
    let on = rights.keys().into_iter().map(str::to_owned).collect();
    let until = membership
        .until
        .filter(|_| membership.rights != Rights::NONE)
        .map(|until| {
            let last_day = dutch::civil(until - time::Duration::seconds(1)).date();
            last_day
                .format(time::macros::format_description!("[year]-[month]-[day]"))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let choice = (access_of(rights), on, until);
    let no_errors = FieldErrors::default();
    rights_page(
        &state,
        pages,
        &access,
        &member,
        StatusCode::OK,
        choice,
        no_errors,
    )
    .await
}

#[handler]
pub async fn set_rights(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
    pairs: FormPairs,
) -> Result<Response, AppError> {
    let member = member_of(&state, &access, &raw).await?;
    let form_access = pairs.value("access");
    let on = pairs.all("rechten");
    let today = dutch::civil(state.clock.now()).date();
    let mut errors = FieldErrors::default();
    let until = members::grant_end(pairs.value("tot"), today)
        .map_err(|code| errors.add("tot", code))
        .ok()
        .flatten();
    let rights = match chosen_rights(form_access, &on) {
        Some(Ok(rights)) if errors.is_empty() => Some(rights),
        Some(Ok(_)) => None,
        Some(Err(code)) => {
            errors.add("access", code);
            None
        }
        None => {
            errors.add("access", "invite-access-missing");
            None
        }
    };
    let Some(rights) = rights else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let on = on.into_iter().map(str::to_owned).collect();
        let choice = (form_access, on, pairs.value("tot").to_owned());
        return rights_page(&state, pages, &access, &member, status, choice, errors).await;
    };
    let now = state.clock.now();
    let (page, me) = (access.page.id, access.me.account.id);
    let changed = in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        members::set_rights(tx, page, me, member.account_id, (rights, until), now).await
    })
    .await;
    match changed {
        Ok(()) => Ok(Redirect::see_other(format!(
            "/zorgpagina/{page}/connecties?melding=rechten-opgeslagen"
        ))
        .into_response()),
        Err(CarePageError::NotMember) => Err(AppError::NotFound),
        // The page offers no rights form for a beheerder, who holds every right.
        Err(CarePageError::IsBeheerder) => Err(AppError::NotFound),
        Err(other) => Err(AppError::internal(other)),
    }
}

#[handler]
pub async fn remove_form(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let member = member_of(&state, &access, &raw).await?;
    let page = context! {
        member => context! { id => member.account_id.0.to_string(), name => &member.name },
        error => None::<&str>,
    };
    let template = "portal/care_page/member_remove.html";
    network_page(&state, pages, &access, template, StatusCode::OK, page).await
}

#[handler]
pub async fn remove(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let member = member_of(&state, &access, &raw).await?;
    let now = state.clock.now();
    let (page, me) = (access.page.id, &access.me.account);
    let client = access.page.client_name.clone();
    let tenant = &access.portal.tenant;
    let removed = in_tenant(&state.db, &tenant.slug, async |tx| {
        match members::remove(tx, page, me.id, member.account_id, now).await {
            Ok(name) => {
                // Both hear of it (SEEDS N41): the member, and the beheerder who removed them.
                let to_member = Message::MemberRemoved {
                    name: name.clone(),
                    client: client.clone(),
                    by: me.name.clone(),
                };
                let to = email_to(&member.email, &name);
                let language = accounts::find_by_id(tx.conn(), member.account_id)
                    .await?
                    .map(|account| account.language)
                    .unwrap_or_default();
                notify(tx.conn(), tenant, now, to, language, to_member).await?;
                let to_beheerder = Message::MemberRemovedNotice {
                    name: me.name.clone(),
                    member: name,
                    client: client.clone(),
                };
                let to = email_to(&me.email, &me.name);
                notify(tx.conn(), tenant, now, to, me.language, to_beheerder).await?;
                Ok(Ok(()))
            }
            Err(CarePageError::Database(error)) => Err(AppError::from(error)),
            Err(refused) => Ok(Err(refused)),
        }
    })
    .await?;
    match removed {
        Ok(()) => Ok(Redirect::see_other(format!(
            "/zorgpagina/{page}/connecties?melding=verwijderd"
        ))
        .into_response()),
        Err(CarePageError::NotMember) => Err(AppError::NotFound),
        Err(CarePageError::LastBeheerder) => {
            let page = context! {
                member => context! { id => member.account_id.0.to_string(), name => &member.name },
                error => Some("network-remove-last-beheerder"),
            };
            let template = "portal/care_page/member_remove.html";
            network_page(&state, pages, &access, template, StatusCode::CONFLICT, page).await
        }
        Err(other) => Err(AppError::internal(other)),
    }
}

#[handler]
pub async fn leave_form(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
) -> Result<Response, AppError> {
    let page = context! { error => None::<&str> };
    let template = "portal/care_page/leave.html";
    network_page(&state, pages, &access, template, StatusCode::OK, page).await
}

#[handler]
pub async fn leave(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (page, me) = (access.page.id, access.me.account.id);
    let left = in_tenant(
        &state.db,
        &access.portal.tenant.slug,
        async |tx| match members::remove(tx, page, me, me, now).await {
            Ok(_) => Ok(Ok(())),
            Err(CarePageError::Database(error)) => Err(AppError::from(error)),
            Err(refused) => Ok(Err(refused)),
        },
    )
    .await?;
    match left {
        Ok(()) => Ok(Redirect::see_other("/overzicht?melding=verlaten").into_response()),
        Err(CarePageError::LastBeheerder) => {
            let page = context! { error => Some("network-leave-last-beheerder") };
            let template = "portal/care_page/leave.html";
            network_page(&state, pages, &access, template, StatusCode::CONFLICT, page).await
        }
        Err(other) => Err(AppError::internal(other)),
    }
}

/// One line of the change log, as the page words it.
#[derive(Serialize)]
struct ChangeLine {
    date: String,
    time: String,
    #[serde(flatten)]
    change: LoggedChange,
}

#[handler]
pub async fn changes(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
) -> Result<Response, AppError> {
    let logged = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        members::changes(tx, access.page.id, 500).await
    })
    .await?;
    let lines: Vec<ChangeLine> = logged
        .into_iter()
        .map(|change| {
            let at = dutch::civil(change.occurred_at);
            ChangeLine {
                date: date_text(at.assume_utc()),
                time: format!("{:02}:{:02}", at.hour(), at.minute()),
                change,
            }
        })
        .collect();
    let page = context! { changes => lines };
    let template = "portal/care_page/network_changes.html";
    network_page(&state, pages, &access, template, StatusCode::OK, page).await
}
