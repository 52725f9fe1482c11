//! Help (ACC-9), open to everyone, signed in or not: the help page with the organisation's
//! contact details and the question form ("Vraag stellen"), and the FAQ page.
//!
//! A question is stored in the organisation's own schema and, when the organisation has a
//! support address, mailed there in the same transaction (through the outbox).

use common::accounts::throttle::HELP_IP;
use common::i18n::Language;
use common::outbox::{Message, Recipient};
use common::support::{self, NewQuestion, QuestionForm};
use common::tenancy::begin_tenant;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{handler, Request, Response};
use serde::Deserialize;

use super::account::viewer;
use crate::auth::{client_ip, MaybeSignedIn, SignedIn};
use crate::error::AppError;
use crate::forms::{notify, wait_text, FieldErrors};
use crate::middleware::Portal;
use crate::state::AppState;

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

fn help_page(
    state: &AppState,
    portal: &Portal,
    me: Option<&SignedIn>,
    status: StatusCode,
    form: &HelpForm,
    errors: &FieldErrors,
    error: Option<String>,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "help.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! {
            viewer => me.map(viewer),
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
pub fn show(
    portal: Portal,
    state: Data<&AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Result<Response, AppError> {
    help_page(
        &state,
        &portal,
        me.as_ref(),
        StatusCode::OK,
        &HelpForm::prefilled(me.as_ref()),
        &FieldErrors::default(),
        None,
    )
}

/// "Vraag stellen": stores the question for the organisation and mails it to its support
/// address, with the asker's address as Reply-To.
#[handler]
pub async fn ask(
    req: &Request,
    portal: Portal,
    state: Data<&AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
    Form(form): Form<HelpForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let decision = HELP_IP
        .attempt(&state.db, &client_ip(req, &state), now)
        .await?;
    if !decision.is_allowed() {
        return help_page(
            &state,
            &portal,
            me.as_ref(),
            StatusCode::TOO_MANY_REQUESTS,
            &form,
            &FieldErrors::default(),
            Some(wait_text(language, decision)),
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
            return help_page(
                &state,
                &portal,
                me.as_ref(),
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                &errors,
                None,
            );
        }
    };

    let mut tx = begin_tenant(&state.db, &portal.tenant.slug).await?;
    let stored = support::store_question(tx.conn(), &question, now).await?;
    if let Some(inbox) = portal.tenant.branding.support_email.as_deref() {
        let message = Message::HelpQuestion {
            from_name: question.name.as_str().to_owned(),
            from_email: question.email.as_str().to_owned(),
            subject: question.subject.clone(),
            question: question.question.clone(),
            reference: stored.reference.clone(),
        };
        let to = Recipient::Email {
            address: inbox.to_owned(),
            name: Some(portal.tenant.display_name.clone()),
        };
        // The organisation's staff read Dutch, whatever language the portal was shown in.
        notify(tx.conn(), &portal.tenant, now, to, Language::Nl, message).await?;
    }
    tx.commit().await?;
    state.views.page_with_status(
        "help_sent.html",
        &portal.ctx,
        &portal.tenant,
        StatusCode::OK,
        context! {
            viewer => me.as_ref().map(viewer),
            reference => stored.reference,
            email => question.email.as_str(),
        },
    )
}

/// The organisation's frequently asked questions, in the reader's language.
#[handler]
pub async fn faq(
    portal: Portal,
    state: Data<&AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Result<Response, AppError> {
    let mut tx = begin_tenant(&state.db, &portal.tenant.slug).await?;
    let entries = support::faq(tx.conn(), portal.ctx.language).await?;
    tx.commit().await?;
    state.views.page_with_status(
        "faq.html",
        &portal.ctx,
        &portal.tenant,
        StatusCode::OK,
        context! { viewer => me.as_ref().map(viewer), entries },
    )
}
