//! Activation (CP-2, API-2): the tenant admin's client list, new codes and the letters as one
//! PDF; and a signed-in person who links a care page with the code from the letter and the
//! client's birth date ("Activatiecode gebruiken", "Ik ga akkoord").

use common::accounts::throttle::LETTER_REQUESTS;
use common::activation::{self, ActivationError, NewClient, NewClientForm, Refusal};
use common::care_pages::{BirthDate, CarePageId, ForWhom};
use common::letters::{self, Letter, LetterHead, LetterLogo};
use common::storage::ObjectKey;
use common::tenancy::{begin_tenant, Color, Tenant, TenantTx};
use common::tenant_admin;
use minijinja::context;
use minijinja::value::Value;
use poem::http::{header, StatusCode};
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{handler, Body, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::{SignedIn, TenantAdmin};
use crate::error::AppError;
use crate::forms::{wait_text, FieldErrors};
use crate::middleware::Portal;
use crate::routes::account::viewer;
use crate::routes::admin::{admin_ctx, admin_viewer};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Admin: clients, codes and letters

/// The client form (new or corrected) as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ClientFields {
    #[serde(default)]
    pub(crate) client_number: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) birth_date: String,
    #[serde(default)]
    pub(crate) address: String,
}

impl ClientFields {
    /// Checks the fields; on failure, the problems by field.
    pub(crate) fn parse(&self, today: time::Date) -> Result<NewClient, FieldErrors> {
        NewClient::parse(
            &NewClientForm {
                client_number: &self.client_number,
                name: &self.name,
                birth_date: &self.birth_date,
                address: &self.address,
            },
            today,
        )
        .map_err(|problems| {
            let mut errors = FieldErrors::default();
            for (field, code) in problems {
                errors.add(field, code);
            }
            errors
        })
    }

    /// The form as the template shows it.
    pub(crate) fn context(&self) -> Value {
        context! {
            client_number => &self.client_number,
            name => &self.name,
            birth_date => &self.birth_date,
            address => &self.address,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ClientsQuery {
    melding: Option<String>,
}

pub(crate) fn date_text(at: time::OffsetDateTime) -> String {
    BirthDate::format(at.date())
}

#[allow(clippy::too_many_arguments)]
async fn clients_page(
    state: &AppState,
    portal: &Portal,
    admin: &TenantAdmin,
    status: StatusCode,
    form: &ClientFields,
    errors: &FieldErrors,
    notice: Option<&'static str>,
    problem: Option<&'static str>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let clients = activation::clients(&mut tx).await?;
    tx.commit().await?;
    let rows: Vec<Value> = clients
        .iter()
        .map(|c| {
            let code_state = match (c.code_used_at, c.code_expires_at) {
                (Some(_), _) => ("activation-code-used", String::new()),
                (None, Some(until)) if until > now => ("activation-code-open", date_text(until)),
                (None, Some(_)) => ("activation-code-expired", String::new()),
                (None, None) => ("activation-code-none", String::new()),
            };
            context! {
                id => c.id.to_string(),
                client_number => &c.client_number,
                name => &c.name,
                birth_date => BirthDate::format(c.birth_date),
                code_state => code_state.0,
                code_until => code_state.1,
                linked => c.linked_pages > 0,
            }
        })
        .collect();
    state.views.page_with_status(
        "admin_clients.html",
        &admin_ctx(portal, admin),
        &portal.tenant,
        status,
        context! {
            viewer => admin_viewer(admin),
            clients => rows,
            form => form.context(),
            errors,
            notice,
            problem,
        },
    )
}

#[handler]
pub async fn show_clients(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Query(query): Query<ClientsQuery>,
) -> Result<Response, AppError> {
    let notice = match query.melding.as_deref() {
        Some("client") => Some("activation-notice-client"),
        Some("client-opgeslagen") => Some("activation-notice-client-saved"),
        _ => None,
    };
    let problem = match query.melding.as_deref() {
        Some("geen-keuze") => Some("activation-notice-none-selected"),
        _ => None,
    };
    clients_page(
        &state,
        &portal,
        &admin,
        StatusCode::OK,
        &ClientFields::default(),
        &FieldErrors::default(),
        notice,
        problem,
    )
    .await
}

#[handler]
pub async fn create_client(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Form(form): Form<ClientFields>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    match form.parse(now.date()) {
        Ok(new) => {
            let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
            match activation::create_client(&mut tx, admin.me.account.id, &new, now).await {
                Ok(_) => {
                    tx.commit().await?;
                    return Ok(
                        Redirect::see_other("/beheer/clienten?melding=client").into_response()
                    );
                }
                Err(ActivationError::DuplicateNumber) => {
                    tx.rollback().await?;
                    errors.add("client_number", "activation-client-number-taken");
                }
                Err(other) => return Err(AppError::internal(other)),
            }
        }
        Err(problems) => errors = problems,
    }
    clients_page(
        &state,
        &portal,
        &admin,
        StatusCode::UNPROCESSABLE_ENTITY,
        &form,
        &errors,
        None,
        None,
    )
    .await
}

/// `POST /beheer/clienten/:id/code`: a new code for one client, shown once.
#[handler]
pub async fn new_code(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let record = activation::client(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = tenant_admin::settings(tx.conn()).await?;
    let issued = activation::issue_code(
        &mut tx,
        admin.me.account.id,
        record.id,
        settings.activation_code_validity(),
        now,
    )
    .await?;
    tx.commit().await?;
    let mut response = state.views.page_with_status(
        "admin_client_code.html",
        &admin_ctx(&portal, &admin),
        &portal.tenant,
        StatusCode::OK,
        context! {
            viewer => admin_viewer(&admin),
            client => context! {
                name => &record.name,
                client_number => &record.client_number,
            },
            code => issued.code,
            valid_until => date_text(last_valid_moment(issued.expires_at)),
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        "no-store".parse().map_err(AppError::internal)?,
    );
    Ok(response)
}

/// The last day a code works, for the letter: the day before it expires at midnight, or the
/// expiry day itself otherwise.
fn last_valid_moment(expires_at: time::OffsetDateTime) -> time::OffsetDateTime {
    expires_at - time::Duration::seconds(1)
}

/// `POST /beheer/brieven.pdf` with `client=<id>` once or more: one PDF with a letter per
/// client. Every letter carries a fresh code (only hashes are stored, so a letter can be
/// printed only together with a new code); earlier unused codes stop working.
#[handler]
pub async fn letters_pdf(
    admin: TenantAdmin,
    state: Data<&AppState>,
    body: Body,
) -> Result<Response, AppError> {
    let ids = ids_in(body, "client").await?;
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let batch = letters_for(&mut tx, &admin, &ids, now).await?;
    if batch.is_empty() {
        tx.rollback().await?;
        return Ok(Redirect::see_other("/beheer/clienten?melding=geen-keuze").into_response());
    }
    tx.commit().await?;
    pdf_response(&state, &admin, batch).await
}

/// A fresh code and a letter for each client record in `ids` (unknown ids are skipped).
async fn letters_for(
    tx: &mut TenantTx,
    admin: &TenantAdmin,
    ids: &[Uuid],
    now: time::OffsetDateTime,
) -> Result<Vec<Letter>, AppError> {
    let settings = tenant_admin::settings(tx.conn()).await?;
    let mut batch = Vec::new();
    for id in ids {
        let Some(record) = activation::client(tx, *id).await? else {
            continue;
        };
        let issued = activation::issue_code(
            tx,
            admin.me.account.id,
            record.id,
            settings.activation_code_validity(),
            now,
        )
        .await?;
        batch.push(Letter {
            client_name: record.name,
            client_number: record.client_number,
            address_lines: record.address_lines,
            code: issued.code,
            valid_until: date_text(last_valid_moment(issued.expires_at)),
        });
    }
    Ok(batch)
}

/// The letters as one PDF download, in the organisation's branding.
async fn pdf_response(
    state: &AppState,
    admin: &TenantAdmin,
    batch: Vec<Letter>,
) -> Result<Response, AppError> {
    let tenant = &admin.tenant;
    let host = tenant.hosts.first().cloned().unwrap_or_default();
    let logo = letter_logo(state, tenant).await;
    let organisation = tenant.display_name.clone();
    let heading_rgb = Color::parse(&tenant.branding.primary_color)
        .map(|c| c.rgb())
        .unwrap_or([0, 0, 0]);
    // Decoding the logo and writing the pages is CPU work: keep it off the async workers.
    let pdf = tokio::task::spawn_blocking(move || {
        let head = LetterHead {
            organisation,
            portal_url: format!("https://{host}"),
            heading_rgb,
            logo: logo.as_deref().and_then(LetterLogo::from_upload),
        };
        letters::build(&head, &batch)
    })
    .await
    .map_err(AppError::internal)?;
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"activatiebrieven.pdf\"",
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(pdf))
}

/// The tenant's stored logo, if it has one that can be read from storage. The letters go out
/// without it rather than not at all: the codes in them are already issued.
async fn letter_logo(state: &AppState, tenant: &Tenant) -> Option<bytes::Bytes> {
    let key = ObjectKey::existing(&tenant.slug, tenant.branding.logo_key.as_deref()?)?;
    match state.storage.get(&key).await {
        Ok(object) => Some(object.bytes),
        Err(error) => {
            tracing::warn!(%error, key = key.as_str(), "logo for the letters not available");
            None
        }
    }
}

/// The `name=<uuid>` values of a urlencoded form body.
async fn ids_in(body: Body, name: &str) -> Result<Vec<Uuid>, AppError> {
    let bytes = body
        .into_bytes_limit(256 * 1024)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let mut ids: Vec<Uuid> = form_urlencoded::parse(&bytes)
        .filter(|(k, _)| k == name)
        .filter_map(|(_, v)| Uuid::parse_str(&v).ok())
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

// ---------------------------------------------------------------------------------------------
// "Brief ontvangen?" (CP-8): requests for a new letter

#[handler]
pub async fn show_letter_requests(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Query(query): Query<ClientsQuery>,
) -> Result<Response, AppError> {
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let requests = activation::open_letter_requests(&mut tx).await?;
    tx.commit().await?;
    let rows: Vec<Value> = requests
        .iter()
        .map(|r| {
            context! {
                id => r.id.to_string(),
                client_number => &r.client_number,
                client_name => &r.client_name,
                requester => format!("{} ({})", r.requester_name, r.requester_email),
                created_at => date_text(r.created_at),
            }
        })
        .collect();
    let notice = match query.melding.as_deref() {
        Some("afgehandeld") => Some("letter-requests-notice-handled"),
        _ => None,
    };
    state.views.page_with_status(
        "admin_letter_requests.html",
        &admin_ctx(&portal, &admin),
        &portal.tenant,
        StatusCode::OK,
        context! { viewer => admin_viewer(&admin), requests => rows, notice },
    )
}

/// `POST /beheer/briefaanvragen/brieven.pdf` with `request=<id>` once or more: marks the
/// requests handled and prints a letter, with a fresh code, to the address on file of each
/// known client. Requests with an unknown cliëntnummer are only marked handled.
#[handler]
pub async fn letter_requests_pdf(
    admin: TenantAdmin,
    state: Data<&AppState>,
    body: Body,
) -> Result<Response, AppError> {
    let ids = ids_in(body, "request").await?;
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let records = activation::handle_letter_requests(&mut tx, &ids, now).await?;
    let batch = letters_for(&mut tx, &admin, &records, now).await?;
    tx.commit().await?;
    if batch.is_empty() {
        return Ok(
            Redirect::see_other("/beheer/briefaanvragen?melding=afgehandeld").into_response(),
        );
    }
    pdf_response(&state, &admin, batch).await
}

#[derive(Debug, Default, Deserialize)]
pub struct LetterRequestForm {
    #[serde(default)]
    client_number: String,
}

#[allow(clippy::too_many_arguments)]
fn letter_request_page(
    state: &AppState,
    portal: &Portal,
    me: &SignedIn,
    status: StatusCode,
    client_number: &str,
    errors: &FieldErrors,
    sent: bool,
    wait: Option<String>,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "care_letter_request.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! { viewer => viewer(me), client_number, errors, sent, wait },
    )
}

#[handler]
pub fn letter_request_form(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    letter_request_page(
        &state,
        &portal,
        &me,
        StatusCode::OK,
        "",
        &FieldErrors::default(),
        false,
        None,
    )
}

/// `POST /brief-aanvragen`: the same answer whether or not the cliëntnummer is known.
#[handler]
pub async fn letter_request(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Form(form): Form<LetterRequestForm>,
) -> Result<Response, AppError> {
    if !activation::client_number_ok(&form.client_number) {
        let mut errors = FieldErrors::default();
        errors.add("client_number", "letter-request-number-invalid");
        return letter_request_page(
            &state,
            &portal,
            &me,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form.client_number,
            &errors,
            false,
            None,
        );
    }
    let now = state.clock.now();
    let subject = me.account.id.0.to_string();
    let decision = LETTER_REQUESTS.check(&state.db, &subject, now).await?;
    if !decision.is_allowed() {
        return letter_request_page(
            &state,
            &portal,
            &me,
            StatusCode::TOO_MANY_REQUESTS,
            &form.client_number,
            &FieldErrors::default(),
            false,
            Some(wait_text(portal.ctx.language, decision)),
        );
    }
    let mut tx = begin_tenant(&state.db, &portal.tenant.slug).await?;
    LETTER_REQUESTS.record(tx.conn(), &subject, now).await?;
    activation::request_letter(&mut tx, me.account.id, &form.client_number, now).await?;
    tx.commit().await?;
    letter_request_page(
        &state,
        &portal,
        &me,
        StatusCode::OK,
        "",
        &FieldErrors::default(),
        true,
        None,
    )
}

// ---------------------------------------------------------------------------------------------
// A person links a care page

#[derive(Debug, Default, Deserialize)]
pub struct ActivationQuery {
    zorgpagina: Option<Uuid>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ActivationForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    zorgpagina: Option<String>,
    /// For whom a new page is: "mijzelf" or "iemand-anders".
    #[serde(default)]
    voor: String,
}

impl ActivationForm {
    fn page(&self) -> Option<CarePageId> {
        self.zorgpagina
            .as_deref()
            .and_then(|raw| Uuid::parse_str(raw).ok())
            .map(CarePageId)
    }

    /// For whom the new page is, as chosen; before the choice, a guess: the client's own letter
    /// when the names match (a client activating their own letter), else someone else's.
    fn for_whom(&self, me: &SignedIn, client_name: &str) -> ForWhom {
        ForWhom::parse(&self.voor).unwrap_or_else(|| {
            if me
                .account
                .name
                .trim()
                .eq_ignore_ascii_case(client_name.trim())
            {
                ForWhom::Myself
            } else {
                ForWhom::SomeoneElse
            }
        })
    }
}

fn activation_page(
    state: &AppState,
    portal: &Portal,
    me: &SignedIn,
    status: StatusCode,
    form: &ActivationForm,
    errors: &FieldErrors,
    refusal: Option<(&'static str, Option<String>)>,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "care_activation.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! {
            viewer => viewer(me),
            code => &form.code,
            birth_date => &form.birth_date,
            zorgpagina => form.page().map(|p| p.to_string()),
            errors,
            refusal => refusal.as_ref().map(|r| r.0),
            wait => refusal.and_then(|r| r.1),
        },
    )
}

#[handler]
pub fn activation_form(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Query(query): Query<ActivationQuery>,
) -> Result<Response, AppError> {
    let form = ActivationForm {
        zorgpagina: query.zorgpagina.map(|p| p.to_string()),
        ..ActivationForm::default()
    };
    activation_page(
        &state,
        &portal,
        &me,
        StatusCode::OK,
        &form,
        &FieldErrors::default(),
        None,
    )
}

/// What checking the form gave: a match inside an open transaction, or a response to send.
enum Checked {
    Matched(common::tenancy::TenantTx, activation::Match),
    Answer(Response),
}

async fn check_form(
    state: &AppState,
    portal: &Portal,
    me: &SignedIn,
    form: &ActivationForm,
) -> Result<Checked, AppError> {
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    if form.code.trim().is_empty() {
        errors.add("code", "activation-code-missing");
    }
    let birth_date = BirthDate::parse(&form.birth_date, now.date())
        .map_err(|code| errors.add("birth_date", code))
        .ok();
    let Some(birth_date) = birth_date.filter(|_| errors.is_empty()) else {
        return activation_page(
            state,
            portal,
            me,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            &errors,
            None,
        )
        .map(Checked::Answer);
    };
    let mut tx = begin_tenant(&state.db, &portal.tenant.slug).await?;
    let verdict =
        activation::check(&mut tx, me.account.id, &form.code, birth_date.date(), now).await?;
    match verdict {
        Ok(matched) => Ok(Checked::Matched(tx, matched)),
        Err(refusal) => {
            // The counters of wrong tries must stay.
            tx.commit().await?;
            let (status, wait) = match refusal {
                Refusal::TooManyTries(after) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    Some(wait_text(
                        portal.ctx.language,
                        common::accounts::throttle::Decision::Wait(after),
                    )),
                ),
                _ => (StatusCode::UNPROCESSABLE_ENTITY, None),
            };
            activation_page(
                state,
                portal,
                me,
                status,
                form,
                &FieldErrors::default(),
                Some((refusal.code(), wait)),
            )
            .map(Checked::Answer)
        }
    }
}

/// `POST /zorgpagina/activatiecode`: checks code and birth date, then asks "Klopt dit?".
#[handler]
pub async fn activation_check(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Form(form): Form<ActivationForm>,
) -> Result<Response, AppError> {
    let matched = match check_form(&state, &portal, &me, &form).await? {
        Checked::Answer(response) => return Ok(response),
        Checked::Matched(tx, matched) => {
            tx.commit().await?;
            matched
        }
    };
    state.views.page_with_status(
        "care_activation_confirm.html",
        &portal.ctx,
        &portal.tenant,
        StatusCode::OK,
        context! {
            viewer => viewer(&me),
            client_name => &matched.record.name,
            client_birth_date => BirthDate::format(matched.record.birth_date),
            code => &form.code,
            birth_date => &form.birth_date,
            zorgpagina => form.page().map(|p| p.to_string()),
            voor => form.for_whom(&me, &matched.record.name).form_value(),
        },
    )
}

/// `POST /zorgpagina/activatiecode/akkoord`: "Ik ga akkoord" — checks again, uses the code up
/// and links the page.
#[handler]
pub async fn activation_agree(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Form(form): Form<ActivationForm>,
) -> Result<Response, AppError> {
    let (mut tx, matched) = match check_form(&state, &portal, &me, &form).await? {
        Checked::Answer(response) => return Ok(response),
        Checked::Matched(tx, matched) => (tx, matched),
    };
    let page = activation::activate(
        &mut tx,
        me.account.id,
        &matched,
        form.page(),
        form.for_whom(&me, &matched.record.name),
        state.clock.now(),
    )
    .await
    .map_err(AppError::internal)?;
    tx.commit().await?;
    Ok(Redirect::see_other(format!("/zorgpagina/{page}?melding=gekoppeld")).into_response())
}
