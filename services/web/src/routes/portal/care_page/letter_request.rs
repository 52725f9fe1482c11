//! "Brief ontvangen?" (CP-8): a member asks the organisation for a new activation letter, by
//! cliëntnummer.

use common::clients::letter_requests;
use common::clients::records::client_number_ok;
use common::infra::tenancy::in_tenant;
use common::infra::throttle::LETTER_REQUESTS;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{handler, Response};
use serde::Deserialize;

use crate::access::session::SignedIn;
use crate::http::error::AppError;
use crate::http::forms::{wait_text, FieldErrors};
use crate::http::pages::PageRenderer;
use crate::http::portal::Portal;
use crate::http::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct LetterRequestForm {
    #[serde(default)]
    client_number: String,
}

/// What the letter-request page shows besides the form's number.
#[derive(Default)]
struct Outcome {
    errors: FieldErrors,
    sent: bool,
    wait: Option<String>,
}

fn letter_request_page(
    pages: &PageRenderer,
    status: StatusCode,
    client_number: &str,
    outcome: Outcome,
) -> Result<Response, AppError> {
    let Outcome { errors, sent, wait } = outcome;
    pages.status(
        "portal/care_page/letter_request.html",
        status,
        context! { client_number, errors, sent, wait },
    )
}

#[handler]
pub fn letter_request_form(pages: PageRenderer, me: SignedIn) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    letter_request_page(&pages, StatusCode::OK, "", Outcome::default())
}

/// `POST /brief-aanvragen`: the same answer whether or not the cliëntnummer is known.
#[handler]
pub async fn letter_request(
    portal: Portal,
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<LetterRequestForm>,
) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    if !client_number_ok(&form.client_number) {
        let mut errors = FieldErrors::default();
        errors.add("client_number", "letter-request-number-invalid");
        let outcome = Outcome {
            errors,
            ..Outcome::default()
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return letter_request_page(&pages, status, &form.client_number, outcome);
    }
    let now = state.clock.now();
    let subject = me.account.id.0.to_string();
    // Counted before the request is stored: parallel requests get the limit and no more.
    let decision = LETTER_REQUESTS.reserve(&state.db, &subject, now).await?;
    if !decision.is_allowed() {
        let outcome = Outcome {
            wait: Some(wait_text(portal.ctx.language, decision)),
            ..Outcome::default()
        };
        let status = StatusCode::TOO_MANY_REQUESTS;
        return letter_request_page(&pages, status, &form.client_number, outcome);
    }
    in_tenant(&state.db, &portal.tenant.slug, async |tx| {
        letter_requests::request_letter(tx, me.account.id, &form.client_number, now).await
    })
    .await?;
    let outcome = Outcome {
        sent: true,
        ..Outcome::default()
    };
    letter_request_page(&pages, StatusCode::OK, "", outcome)
}
