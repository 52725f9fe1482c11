//! Care pages (zorgpagina's, CP-1 … CP-7): creating one after sign-in, the "Ik zorg voor"
//! switcher, the sections of a page, its profile, its beheerders and deleting it.
//!
//! Every route under `/zorgpagina/:id` takes a [`CarePageAccess`] (or [`CarePageAdmin`] for
//! changes): the one place that checks that the page belongs to this portal's tenant and that
//! the signed-in account is a member (404 otherwise, so existence is not revealed), and that a
//! change comes from a beheerder (403 otherwise).

use common::accounts::{AccountId, PersonName};
use common::care_pages::{
    self, BirthDate, CarePage, CarePageError, CarePageId, ForWhom, NewCarePage, NewCarePageForm,
    ProfileChange, Role,
};
use common::tenancy::begin_tenant;
use minijinja::context;
use minijinja::value::Value;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, FromRequest, IntoResponse, Request, RequestBody, Response};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{checked, FieldErrors};
use crate::middleware::Portal;
use crate::routes::account::viewer;
use crate::state::AppState;

fn state(req: &Request) -> Result<&AppState, AppError> {
    req.data::<AppState>()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))
}

/// A care page of this portal that the signed-in account belongs to, and its role there.
/// Resolved from the `:id` in the path, the session and the portal's tenant.
pub struct CarePageAccess {
    pub portal: Portal,
    pub me: SignedIn,
    pub page: CarePage,
    pub role: Role,
}

impl<'a> FromRequest<'a> for CarePageAccess {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let me = SignedIn::from_request(req, body).await?;
        let portal = Portal::from_request(req, body).await?;
        let id = req
            .raw_path_param("id")
            .and_then(|raw| Uuid::parse_str(raw).ok())
            .map(CarePageId)
            .ok_or(AppError::NotFound)?;
        let state = state(req)?;
        let mut tx = begin_tenant(&state.db, &portal.tenant.slug)
            .await
            .map_err(AppError::internal)?;
        let found = care_pages::access(&mut tx, id, me.account.id)
            .await
            .map_err(AppError::internal)?;
        tx.commit().await.map_err(AppError::internal)?;
        // Another tenant's page, a deleted page and a page of which the account is no member
        // all look the same: not found.
        let (page, role) = found.ok_or(AppError::NotFound)?;
        Ok(Self {
            portal,
            me,
            page,
            role,
        })
    }
}

/// A [`CarePageAccess`] of a beheerder: for every change to the page. Other members get 403.
pub struct CarePageAdmin(pub CarePageAccess);

impl<'a> FromRequest<'a> for CarePageAdmin {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let access = CarePageAccess::from_request(req, body).await?;
        if access.role != Role::Beheerder {
            return Err(AppError::Forbidden.into());
        }
        Ok(Self(access))
    }
}

/// One avatar of the "Ik zorg voor" switcher.
#[derive(Debug, Serialize)]
pub struct SwitcherItem {
    name: String,
    initials: String,
    url: String,
    is_self: bool,
    photo_url: Option<String>,
    current: bool,
    /// The organisation's name when the page lives on another portal.
    other_portal: Option<String>,
}

/// The port of the portal's own address (`http://host:8080` → `:8080`), so links to another
/// tenant's portal keep the same scheme and port.
fn port_suffix(base_url: &str) -> &str {
    let authority = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match authority.rsplit_once(':') {
        Some((_, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => {
            &authority[authority.len() - port.len() - 1..]
        }
        _ => "",
    }
}

fn scheme(base_url: &str) -> &str {
    base_url.split_once("://").map_or("https", |(s, _)| s)
}

/// Every care page of the account across tenants, own page first; `current` is marked.
pub async fn switcher(
    state: &AppState,
    portal: &Portal,
    me: &SignedIn,
    current: Option<CarePageId>,
) -> Result<Vec<SwitcherItem>, AppError> {
    let entries = care_pages::pages_of(&state.db, me.account.id).await?;
    let mut items = Vec::with_capacity(entries.len());
    for entry in entries {
        let path = format!("/zorgpagina/{}", entry.care_page_id);
        let here = entry.tenant_id == portal.tenant.id;
        let url = if here {
            path
        } else {
            let other = common::tenancy::TenantSlug::parse(&entry.tenant_slug)
                .ok()
                .and_then(|slug| state.tenants.by_slug(&slug));
            let Some(host) = other.as_ref().and_then(|t| t.hosts.first()) else {
                continue;
            };
            format!(
                "{}://{host}{}{path}",
                scheme(&portal.ctx.base_url),
                port_suffix(&portal.ctx.base_url)
            )
        };
        items.push(SwitcherItem {
            initials: care_pages::initials(&entry.display_name),
            photo_url: (entry.is_self && me.account.photo_key.is_some())
                .then(|| "/account/foto".to_owned()),
            current: current.is_some_and(|c| c.0 == entry.care_page_id),
            other_portal: (!here).then(|| entry.tenant_name.clone()),
            name: entry.display_name,
            url,
            is_self: entry.is_self,
        });
    }
    Ok(items)
}

/// Whether the account has any care page on this portal (else the overview asks CP-1).
pub fn has_page_here(items: &[SwitcherItem]) -> bool {
    items.iter().any(|i| i.other_portal.is_none())
}

/// The sections of a care page (CP-6), in menu order: (path segment, catalogue key, built).
const SECTIONS: &[(&str, &str)] = &[
    ("kalender", "care-nav-calendar"),
    ("berichten", "care-nav-messages"),
    ("dossier", "care-nav-dossier"),
    ("notities", "care-nav-notes"),
    ("connecties", "care-nav-connections"),
    ("profiel", "care-nav-profile"),
    ("meldingen", "care-nav-notifications"),
];
/// How many sections fit in the bottom bar on a phone; the rest go under "Meer".
const BOTTOM_BAR: usize = 4;

#[derive(Serialize)]
struct NavItem {
    href: String,
    label: &'static str,
    current: bool,
}

fn nav(page: CarePageId, current: &str) -> (Vec<NavItem>, Vec<NavItem>) {
    let mut items: Vec<NavItem> = SECTIONS
        .iter()
        .map(|(segment, label)| NavItem {
            href: format!("/zorgpagina/{page}/{segment}"),
            label,
            current: *segment == current,
        })
        .collect();
    let more = items.split_off(BOTTOM_BAR);
    (items, more)
}

/// The context every page inside a care page shares: the page, the role, the menu, the
/// switcher and who is signed in.
async fn page_context(
    state: &AppState,
    access: &CarePageAccess,
    section: &str,
    page: Value,
) -> Result<Value, AppError> {
    let items = switcher(state, &access.portal, &access.me, Some(access.page.id)).await?;
    let (nav_main, nav_more) = nav(access.page.id, section);
    Ok(context! {
        viewer => viewer(&access.me),
        care_switcher => items,
        care => context! {
            id => access.page.id.to_string(),
            name => &access.page.client_name,
            initials => care_pages::initials(&access.page.client_name),
            is_self => access.page.for_whom == ForWhom::Myself,
            linked => access.page.client_record_id.is_some(),
            birth_date => BirthDate::format(access.page.birth_date),
            beheerder => access.role == Role::Beheerder,
        },
        nav_main,
        nav_more,
        ..page
    })
}

fn render(
    state: &AppState,
    access: &CarePageAccess,
    template: &str,
    status: StatusCode,
    context: Value,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        template,
        &access.portal.ctx,
        &access.portal.tenant,
        status,
        context,
    )
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    melding: Option<String>,
    lid: Option<Uuid>,
}

// ---------------------------------------------------------------------------------------
// CP-1: creating a care page
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    voor: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    for_whom: String,
    #[serde(default)]
    client_name: String,
    #[serde(default)]
    birth_date: String,
    consent: Option<String>,
}

async fn new_page(
    state: &AppState,
    portal: &Portal,
    me: &SignedIn,
    status: StatusCode,
    form: &NewForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let for_whom = ForWhom::parse(&form.for_whom);
    state.views.page_with_status(
        "care_page_new.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! {
            viewer => viewer(me),
            for_whom => for_whom.map(ForWhom::form_value),
            client_name => &form.client_name,
            birth_date => &form.birth_date,
            consent => checked(&form.consent),
            errors,
        },
    )
}

#[handler]
pub async fn new_form(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let form = NewForm {
        for_whom: query.voor.unwrap_or_default(),
        ..NewForm::default()
    };
    new_page(
        &state,
        &portal,
        &me,
        StatusCode::OK,
        &form,
        FieldErrors::default(),
    )
    .await
}

#[handler]
pub async fn create(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Form(form): Form<NewForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let parsed = NewCarePage::parse(
        &NewCarePageForm {
            for_whom: &form.for_whom,
            client_name: &form.client_name,
            birth_date: &form.birth_date,
            consent: checked(&form.consent),
        },
        &me.account.name,
        now.date(),
    );
    let new = match parsed {
        Ok(new) => new,
        Err(problems) => {
            let mut errors = FieldErrors::default();
            for (field, code) in problems {
                errors.add(field, code);
            }
            return new_page(
                &state,
                &portal,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                errors,
            )
            .await;
        }
    };
    let mut tx = begin_tenant(&state.db, &portal.tenant.slug).await?;
    match care_pages::create(&mut tx, me.account.id, &new, now).await {
        Ok(page) => {
            tx.commit().await?;
            Ok(
                Redirect::see_other(format!("/zorgpagina/{}?melding=aangemaakt", page.id))
                    .into_response(),
            )
        }
        Err(CarePageError::SelfPageExists) => {
            tx.rollback().await?;
            let mut errors = FieldErrors::default();
            errors.add("for_whom", "care-self-exists");
            new_page(
                &state,
                &portal,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                errors,
            )
            .await
        }
        Err(other) => Err(AppError::internal(other)),
    }
}

// ---------------------------------------------------------------------------------------
// The page, its sections (CP-6) and its profile (CP-5)
// ---------------------------------------------------------------------------------------

#[handler]
pub async fn home(
    state: Data<&AppState>,
    access: CarePageAccess,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = match query.melding.as_deref() {
        Some("aangemaakt") => Some("care-page-created"),
        Some("gekoppeld") => Some("activation-linked"),
        _ => None,
    };
    let ctx = page_context(&state, &access, "", context! { notice }).await?;
    render(&state, &access, "care_page_home.html", StatusCode::OK, ctx)
}

async fn unavailable(
    state: &AppState,
    access: &CarePageAccess,
    section: &'static str,
) -> Result<Response, AppError> {
    let title = SECTIONS
        .iter()
        .find(|(s, _)| *s == section)
        .map_or("care-unavailable", |(_, key)| *key);
    let ctx = page_context(state, access, section, context! { section_title => title }).await?;
    render(
        state,
        access,
        "care_page_unavailable.html",
        StatusCode::OK,
        ctx,
    )
}

macro_rules! not_built_yet {
    ($($name:ident => $section:literal),* $(,)?) => {
        $(
            #[handler]
            pub async fn $name(
                state: Data<&AppState>,
                access: CarePageAccess,
            ) -> Result<Response, AppError> {
                unavailable(&state, &access, $section).await
            }
        )*
    };
}

not_built_yet! {
    calendar => "kalender",
    messages => "berichten",
    dossier => "dossier",
    notes => "notities",
    connections => "connecties",
    notifications => "meldingen",
}

#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    client_name: String,
    #[serde(default)]
    birth_date: String,
}

async fn profile_page(
    state: &AppState,
    access: &CarePageAccess,
    status: StatusCode,
    form: &ProfileForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let mut tx = begin_tenant(&state.db, &access.portal.tenant.slug).await?;
    let members = care_pages::members(&mut tx, access.page.id).await?;
    tx.commit().await?;
    let beheerders: Vec<&str> = members
        .iter()
        .filter(|m| m.role == Role::Beheerder.as_str())
        .map(|m| m.name.as_str())
        .collect();
    let ctx = page_context(
        state,
        access,
        "profiel",
        context! {
            beheerders,
            form_name => &form.client_name,
            form_birth_date => &form.birth_date,
            errors,
            notice,
        },
    )
    .await?;
    render(state, access, "care_page_profile.html", status, ctx)
}

#[handler]
pub async fn profile(
    state: Data<&AppState>,
    access: CarePageAccess,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let form = ProfileForm {
        client_name: access.page.client_name.clone(),
        birth_date: BirthDate::format(access.page.birth_date),
    };
    let notice = (query.melding.as_deref() == Some("opgeslagen")).then_some("care-profile-saved");
    profile_page(
        &state,
        &access,
        StatusCode::OK,
        &form,
        FieldErrors::default(),
        notice,
    )
    .await
}

#[handler]
pub async fn update_profile(
    state: Data<&AppState>,
    CarePageAdmin(access): CarePageAdmin,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&form.client_name)
        .map_err(|_| errors.add("client_name", "care-client-name-missing"))
        .ok();
    let birth_date = BirthDate::parse(&form.birth_date, now.date())
        .map_err(|code| errors.add("birth_date", code))
        .ok();
    let (Some(client_name), Some(birth_date)) = (name, birth_date) else {
        return profile_page(
            &state,
            &access,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            errors,
            None,
        )
        .await;
    };
    let mut tx = begin_tenant(&state.db, &access.portal.tenant.slug).await?;
    let change = ProfileChange {
        client_name,
        birth_date,
    };
    care_pages::update_profile(&mut tx, access.page.id, access.me.account.id, &change, now).await?;
    tx.commit().await?;
    Ok(Redirect::see_other(format!(
        "/zorgpagina/{}/profiel?melding=opgeslagen",
        access.page.id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// CP-3: beheerrechten
// ---------------------------------------------------------------------------------------

async fn admins_page(
    state: &AppState,
    access: &CarePageAccess,
    status: StatusCode,
    error: Option<&'static str>,
    notice: Option<(&'static str, Uuid)>,
) -> Result<Response, AppError> {
    let mut tx = begin_tenant(&state.db, &access.portal.tenant.slug).await?;
    let members = care_pages::members(&mut tx, access.page.id).await?;
    tx.commit().await?;
    let notice = notice.and_then(|(key, id)| {
        members
            .iter()
            .find(|m| m.account_id == id)
            .map(|m| context! { key, name => &m.name })
    });
    let ctx = page_context(
        state,
        access,
        "profiel",
        context! {
            members,
            me_id => access.me.account.id.0,
            error,
            notice,
        },
    )
    .await?;
    render(state, access, "care_page_admins.html", status, ctx)
}

#[handler]
pub async fn admins(
    state: Data<&AppState>,
    access: CarePageAccess,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = match (query.melding.as_deref(), query.lid) {
        (Some("gegeven"), Some(id)) => Some(("care-admins-granted", id)),
        (Some("afgenomen"), Some(id)) => Some(("care-admins-revoked", id)),
        _ => None,
    };
    admins_page(&state, &access, StatusCode::OK, None, notice).await
}

#[derive(Debug, Deserialize)]
pub struct RightsForm {
    #[serde(default)]
    lid: String,
    #[serde(default)]
    rechten: String,
}

#[handler]
pub async fn set_rights(
    state: Data<&AppState>,
    CarePageAdmin(access): CarePageAdmin,
    Form(form): Form<RightsForm>,
) -> Result<Response, AppError> {
    let member = Uuid::parse_str(&form.lid).map_err(|_| AppError::NotFound)?;
    let (role, melding) = match form.rechten.as_str() {
        "geven" => (Role::Beheerder, "gegeven"),
        "afnemen" => (Role::Lid, "afgenomen"),
        _ => return Err(AppError::NotFound),
    };
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &access.portal.tenant.slug).await?;
    let result = care_pages::set_role(
        &mut tx,
        access.page.id,
        access.me.account.id,
        AccountId(member),
        role,
        now,
    )
    .await;
    match result {
        Ok(()) => {
            tx.commit().await?;
            // A beheerder who gave up their own rights can no longer manage: to the profile.
            let to = if member == access.me.account.id.0 && role == Role::Lid {
                format!("/zorgpagina/{}/profiel", access.page.id)
            } else {
                format!(
                    "/zorgpagina/{}/beheerders?melding={melding}&lid={member}",
                    access.page.id
                )
            };
            Ok(Redirect::see_other(to).into_response())
        }
        Err(CarePageError::LastBeheerder) => {
            tx.rollback().await?;
            admins_page(
                &state,
                &access,
                StatusCode::CONFLICT,
                Some("care-admins-last"),
                None,
            )
            .await
        }
        Err(CarePageError::NotMember) => Err(AppError::NotFound),
        Err(other) => Err(AppError::internal(other)),
    }
}

// ---------------------------------------------------------------------------------------
// CP-7: deleting a care page
// ---------------------------------------------------------------------------------------

async fn delete_page(
    state: &AppState,
    access: &CarePageAccess,
    status: StatusCode,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let ctx = page_context(state, access, "profiel", context! { errors }).await?;
    render(state, access, "care_page_delete.html", status, ctx)
}

#[handler]
pub async fn delete_form(
    state: Data<&AppState>,
    CarePageAdmin(access): CarePageAdmin,
) -> Result<Response, AppError> {
    delete_page(&state, &access, StatusCode::OK, FieldErrors::default()).await
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    confirm: Option<String>,
}

#[handler]
pub async fn delete(
    state: Data<&AppState>,
    CarePageAdmin(access): CarePageAdmin,
    Form(form): Form<DeleteForm>,
) -> Result<Response, AppError> {
    if !checked(&form.confirm) {
        let mut errors = FieldErrors::default();
        errors.add("confirm", "care-delete-confirm-missing");
        return delete_page(&state, &access, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &access.portal.tenant.slug).await?;
    care_pages::delete(&mut tx, &access.page, access.me.account.id, now).await?;
    tx.commit().await?;
    Ok(Redirect::see_other("/overzicht?melding=zorgpagina-verwijderd").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_other_portals_keep_scheme_and_port() {
        assert_eq!(port_suffix("http://a.localhost:8080"), ":8080");
        assert_eq!(port_suffix("https://a.example.nl"), "");
        assert_eq!(scheme("http://a.localhost:8080"), "http");
    }

    #[test]
    fn the_phone_bar_holds_four_sections_and_the_rest_go_under_more() {
        let (main, more) = nav(CarePageId(Uuid::nil()), "profiel");
        assert_eq!(main.len(), 4);
        assert_eq!(more.len(), 3);
        assert!(more
            .iter()
            .any(|i| i.current && i.href.ends_with("/profiel")));
    }
}
