//! The organisation's clients (CP-2): the list with the state of each client's activation
//! code, adding a client, and a new code for one client, shown once.

use common::care::page::BirthDate;
use common::clients::activation;
use common::clients::records::{self, NewClient, NewClientForm, RecordError};
use common::infra::tenancy::{in_tenant, in_tenant_read_only};
use common::organisation::settings;
use minijinja::context;
use minijinja::value::Value;
use poem::http::header::{self, HeaderValue};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use super::{field_errors, NoticeQuery};
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::format::date_text;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

/// The client form (new or corrected) as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ClientFields {
    #[serde(default)]
    pub(super) client_number: String,
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) birth_date: String,
    #[serde(default)]
    pub(super) address: String,
}

impl ClientFields {
    /// Checks the fields; on failure, the problems by field.
    pub(super) fn parse(&self, today: Date) -> Result<NewClient, FieldErrors> {
        NewClient::parse(
            &NewClientForm {
                client_number: &self.client_number,
                name: &self.name,
                birth_date: &self.birth_date,
                address: &self.address,
            },
            today,
        )
        .map_err(field_errors)
    }

    /// The form as the template shows it.
    pub(super) fn context(&self) -> Value {
        context! {
            client_number => &self.client_number,
            name => &self.name,
            birth_date => &self.birth_date,
            address => &self.address,
        }
    }
}

/// The refusal of a client record whose cliëntnummer another client has. Nothing was written,
/// so the transaction may end either way.
#[derive(Debug, Clone, Copy)]
pub(super) struct NumberTaken;

impl NumberTaken {
    /// The problem as the form shows it.
    pub(super) fn errors(self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        errors.add("client_number", "activation-client-number-taken");
        errors
    }
}

/// What storing a client record gave, with a taken cliëntnummer as the refusal it is rather
/// than an error: only a real failure is `Err`.
pub(super) fn unless_number_taken<T>(
    stored: Result<T, RecordError>,
) -> Result<Result<T, NumberTaken>, AppError> {
    match stored {
        Ok(value) => Ok(Ok(value)),
        Err(RecordError::DuplicateNumber) => Ok(Err(NumberTaken)),
        Err(other) => Err(AppError::internal(other)),
    }
}

/// The last day a code works, for the letter: the day before it expires at midnight, or the
/// expiry day itself otherwise.
pub(super) fn last_valid_moment(expires_at: OffsetDateTime) -> OffsetDateTime {
    expires_at - Duration::seconds(1)
}

/// The list of clients above the new-client form; `problem` is an alert for the list.
async fn clients_page(
    state: &AppState,
    pages: &PageRenderer,
    status: StatusCode,
    form: &ClientFields,
    errors: &FieldErrors,
    problem: Option<&'static str>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let clients = in_tenant_read_only(&state.db, &pages.tenant().slug, async |tx| {
        records::clients(tx).await
    })
    .await?;
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
    pages.status(
        "tenant_admin/clients.html",
        status,
        context! {
            clients => rows,
            form => form.context(),
            errors,
            problem,
        },
    )
}

/// `GET /beheer/clienten`
#[handler]
pub async fn show_clients(
    state: Data<&AppState>,
    pages: PageRenderer,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = match query.melding() {
        Some("client") => Some("activation-notice-client"),
        Some("client-opgeslagen") => Some("activation-notice-client-saved"),
        _ => None,
    };
    let problem = match query.melding() {
        Some("geen-keuze") => Some("activation-notice-none-selected"),
        _ => None,
    };
    let pages = pages.notice(notice);
    let form = ClientFields::default();
    let no_errors = FieldErrors::default();
    clients_page(&state, &pages, StatusCode::OK, &form, &no_errors, problem).await
}

/// `POST /beheer/clienten`: adds a client, or shows the list again with the form as typed and
/// its problems.
#[handler]
pub async fn create_client(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Form(form): Form<ClientFields>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let new = match form.parse(now.date()) {
        Ok(new) => new,
        Err(errors) => return clients_page(&state, &pages, status, &form, &errors, None).await,
    };
    let created = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        let stored = records::create_client(tx, admin.me.account.id, &new, now).await;
        unless_number_taken(stored)
    })
    .await?;
    match created {
        Ok(_) => Ok(Redirect::see_other("/beheer/clienten?melding=client").into_response()),
        Err(taken) => clients_page(&state, &pages, status, &form, &taken.errors(), None).await,
    }
}

/// `POST /beheer/clienten/:id/code`: a new code for one client, shown once.
#[handler]
pub async fn new_code(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = records::ClientRecordId(Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?);
    let now = state.clock.now();
    let (record, issued) = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        let record = records::client(tx, id).await?.ok_or(AppError::NotFound)?;
        let validity = settings::settings(tx).await?.activation_code_validity();
        let issued =
            activation::issue_code(tx, admin.me.account.id, record.id, validity, now).await?;
        Ok::<_, AppError>((record, issued))
    })
    .await?;
    let mut response = pages.ok(
        "tenant_admin/client_code.html",
        context! {
            client => context! {
                name => &record.name,
                client_number => &record.client_number,
            },
            code => issued.code,
            valid_until => date_text(last_valid_moment(issued.expires_at)),
        },
    )?;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
