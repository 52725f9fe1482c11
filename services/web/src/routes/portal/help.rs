//! Help (ACC-9), open to everyone, signed in or not: the help page with the organisation's
//! contact details and the question form ("Vraag stellen"), and the FAQ page.
//!
//! A question is stored in the organisation's own schema and, when the organisation has a
//! support address, mailed there in the same transaction (through the outbox).

use common::infra::i18n::Language;
use common::infra::outbox::{Message, Recipient};
use common::infra::tenancy::{in_tenant, in_tenant_read_only};
use common::infra::throttle::HELP_IP;
use common::organisation::support::{self, NewQuestion, QuestionForm};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{handler, Request, Response};
use serde::Deserialize;

use crate::access::session::{client_ip, MaybeSignedIn, SignedIn};
use crate::http::error::AppError;
use crate::http::forms::{notify, wait_text, FieldErrors};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct HelpForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    question: String,
}

impl HelpForm {
    /// An empty form, with the name and address of the signed-in person filled in.
    fn prefilled(me: Option<&SignedIn>) -> Self {
        Self {
            name: me.map(|m| m.account.name.clone()).unwrap_or_default(),
            email: me.map(|m| m.account.email.clone()).unwrap_or_default(),
            ..Self::default()
        }
    }
}

/// The pages for whoever is signed in, if anyone: help is open to everyone.
fn pages_for(pages: PageRenderer, me: Option<&SignedIn>) -> PageRenderer {
    match me {
        Some(me) => pages.viewer(me.viewer()),
        None => pages,
    }
}

fn help_page(
    pages: &PageRenderer,
    status: StatusCode,
    form: &HelpForm,
    errors: &FieldErrors,
    error: Option<String>,
) -> Result<Response, AppError> {
    pages.status(
        "portal/help.html",
        status,
        context! {
            name => &form.name,
            email => &form.email,
            subject => &form.subject,
            question => &form.question,
            errors,
            error,
        },
    )
}

#[handler]
pub fn show(pages: PageRenderer, MaybeSignedIn(me): MaybeSignedIn) -> Result<Response, AppError> {
    let form = HelpForm::prefilled(me.as_ref());
    let pages = pages_for(pages, me.as_ref());
    help_page(&pages, StatusCode::OK, &form, &FieldErrors::default(), None)
}

/// "Vraag stellen": stores the question for the organisation and mails it to its support
/// address, with the asker's address as Reply-To.
#[handler]
pub async fn ask(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    MaybeSignedIn(me): MaybeSignedIn,
    Form(form): Form<HelpForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let pages = pages_for(pages, me.as_ref());
    let language = pages.context().language;
    let decision = HELP_IP
        .reserve(&state.db, &client_ip(req, &state), now)
        .await?;
    if !decision.is_allowed() {
        let no_errors = FieldErrors::default();
        let wait = Some(wait_text(language, decision));
        return help_page(
            &pages,
            StatusCode::TOO_MANY_REQUESTS,
            &form,
            &no_errors,
            wait,
        );
    }
    let fields = QuestionForm {
        name: &form.name,
        email: &form.email,
        subject: &form.subject,
        question: &form.question,
    };
    let account = me.as_ref().map(|m| m.account.id);
    let question = match NewQuestion::parse(&fields, language, account) {
        Ok(question) => question,
        Err(problems) => {
            let mut errors = FieldErrors::default();
            for (field, code) in problems {
                errors.add(field, code);
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return help_page(&pages, status, &form, &errors, None);
        }
    };

    let tenant = pages.tenant();
    let stored = in_tenant(&state.db, &tenant.slug, async |tx| {
        let stored = support::store_question(tx, &question, now).await?;
        if let Some(inbox) = tenant.branding.support_email.as_deref() {
            let message = Message::HelpQuestion {
                from_name: question.name.as_str().to_owned(),
                from_email: question.email.as_str().to_owned(),
                subject: question.subject.clone(),
                question: question.question.clone(),
                reference: stored.reference.clone(),
            };
            let to = Recipient::Email {
                address: inbox.to_owned(),
                name: Some(tenant.display_name.clone()),
            };
            // The organisation's staff read Dutch, whatever language the portal was shown in.
            notify(tx.conn(), tenant, now, to, Language::Nl, message).await?;
        }
        Ok::<_, AppError>(stored)
    })
    .await?;
    pages.ok(
        "portal/help_sent.html",
        context! {
            reference => stored.reference,
            email => question.email.as_str(),
        },
    )
}

/// The organisation's frequently asked questions, in the reader's language.
#[handler]
pub async fn faq(
    state: Data<&AppState>,
    pages: PageRenderer,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Result<Response, AppError> {
    let language = pages.context().language;
    let entries = in_tenant_read_only(&state.db, &pages.tenant().slug, async |tx| {
        support::faq(tx, language).await
    })
    .await?;
    pages_for(pages, me.as_ref()).ok("portal/faq.html", context! { entries })
}
