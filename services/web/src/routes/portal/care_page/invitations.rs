//! Inviting someone into the personal network (NET-1, NET-3): the beheerder's form
//! ("Iemand uitnodigen"), resending and withdrawing from Connecties, and the page behind the
//! link in the e-mail, where the invited person signs in or signs up and joins the page.

use common::care::network::invitations::{
    self, Invitation, InvitationError, InvitationId, InviteError, InviteForm, NewInvitation,
};
use common::care::rights::{Right, RightGroup};
use common::infra::crypto::Token;
use common::infra::outbox::Message;
use common::infra::tenancy::{in_tenant, in_tenant_read_only, TenantTx};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::care_page::CarePageAccess;
use crate::access::session::SignedIn;
use crate::http::cookies;
use crate::http::error::AppError;
use crate::http::format::date_text;
use crate::http::forms::{email_to, notify, FieldErrors, FormPairs, InvitationToken};
use crate::http::pages::PageRenderer;
use crate::http::portal::Portal;
use crate::http::state::AppState;

use super::render;

/// The invite form as the page shows it again; `rechten` holds the switches that are on.
#[derive(Debug, Default)]
pub struct InviteFields {
    name: String,
    email: String,
    language: String,
    message: String,
    access: String,
    rechten: Vec<String>,
    tot: String,
}

impl InviteFields {
    fn from_pairs(pairs: &FormPairs) -> Self {
        Self {
            name: pairs.value("name").to_owned(),
            email: pairs.value("email").to_owned(),
            language: pairs.value("language").to_owned(),
            message: pairs.value("message").to_owned(),
            access: pairs.value("access").to_owned(),
            rechten: pairs
                .all("rechten")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            tot: pairs.value("tot").to_owned(),
        }
    }
}

/// One switch of the rights form (R1–R9), in its group; its label is `right-<key>`.
#[derive(Serialize)]
pub(super) struct Switch {
    key: &'static str,
    group: &'static str,
    on: bool,
}

/// The nine switches, those named in `on` switched on.
pub(super) fn switches(on: &[String]) -> Vec<Switch> {
    Right::ALL
        .iter()
        .map(|right| Switch {
            key: right.key(),
            group: match right.group() {
                RightGroup::Calendar => "agenda",
                RightGroup::Dossier => "dossier",
                RightGroup::Messages => "berichten",
            },
            on: on.iter().any(|key| key == right.key()),
        })
        .collect()
}

async fn invite_page(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    status: StatusCode,
    fields: &InviteFields,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let language = if fields.language.is_empty() {
        "nl"
    } else {
        fields.language.as_str()
    };
    let page = context! {
        form_name => &fields.name,
        form_email => &fields.email,
        form_language => language,
        form_message => &fields.message,
        form_access => &fields.access,
        form_until => &fields.tot,
        switches => switches(&fields.rechten),
        errors,
    };
    let template = "portal/care_page/invite.html";
    render(state, pages, access, "connecties", template, status, page).await
}

#[handler]
pub async fn invite_form(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
) -> Result<Response, AppError> {
    let fields = InviteFields::default();
    let no_errors = FieldErrors::default();
    invite_page(&state, pages, &access, StatusCode::OK, &fields, no_errors).await
}

/// Queues the invitation's e-mail in the invitee's language, in the transaction that made it.
async fn mail_invitation(
    tx: &mut TenantTx,
    access: &CarePageAccess,
    invitation: &Invitation,
    token: &Token,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let about = invitations::about(tx, invitation).await?;
    let link = access
        .portal
        .ctx
        .link(&format!("/uitnodiging?token={}", token.value));
    let last_day = invitation.expires_at - time::Duration::seconds(1);
    let message = Message::NetworkInvitation {
        name: invitation.name.clone(),
        inviter: about.inviter,
        client: about.client,
        personal_message: invitation.message.clone(),
        link: link.into(),
        valid_until: date_text(common::infra::clock::dutch::civil(last_day).assume_utc()),
    };
    let to = email_to(&invitation.email, &invitation.name);
    let tenant = &access.portal.tenant;
    notify(tx.conn(), tenant, now, to, invitation.language, message).await
}

#[handler]
pub async fn invite(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    pairs: FormPairs,
) -> Result<Response, AppError> {
    let fields = InviteFields::from_pairs(&pairs);
    let now = state.clock.now();
    let form = InviteForm {
        name: &fields.name,
        email: &fields.email,
        language: &fields.language,
        message: &fields.message,
        access: &fields.access,
        switches: fields.rechten.iter().map(String::as_str).collect(),
        until: &fields.tot,
    };
    let today = common::infra::clock::dutch::civil(now).date();
    let new = match NewInvitation::parse(&form, today) {
        Ok(new) => new,
        Err(problems) => {
            let mut errors = FieldErrors::default();
            for (field, code) in problems {
                errors.add(field, code);
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return invite_page(&state, pages, &access, status, &fields, errors).await;
        }
    };
    let made = in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        let made = invitations::invite(tx, access.page.id, access.me.account.id, &new, now).await;
        match made {
            Ok((invitation, token)) => {
                mail_invitation(tx, &access, &invitation, &token, now).await?;
                Ok(true)
            }
            Err(InviteError::AlreadyMember) => Ok(false),
            Err(InviteError::Database(error)) => Err(AppError::from(error)),
        }
    })
    .await?;
    if !made {
        let mut errors = FieldErrors::default();
        errors.add("email", "invite-already-member");
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return invite_page(&state, pages, &access, status, &fields, errors).await;
    }
    Ok(Redirect::see_other(format!(
        "/zorgpagina/{}/connecties?melding=uitgenodigd",
        access.page.id
    ))
    .into_response())
}

/// The invitation named in the path, if it is one (else the page's 404).
fn invitation_id(raw: &str) -> Result<InvitationId, AppError> {
    Uuid::parse_str(raw)
        .map(InvitationId)
        .map_err(|_| AppError::NotFound)
}

#[handler]
pub async fn resend(
    state: Data<&AppState>,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = invitation_id(&raw)?;
    let now = state.clock.now();
    let resent =
        in_tenant(
            &state.db,
            &access.portal.tenant.slug,
            async |tx| match invitations::resend(tx, access.page.id, id, now).await? {
                Some((invitation, token)) => {
                    mail_invitation(tx, &access, &invitation, &token, now).await?;
                    Ok::<_, AppError>(true)
                }
                None => Ok(false),
            },
        )
        .await?;
    if !resent {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::see_other(format!(
        "/zorgpagina/{}/connecties?melding=opnieuw-verstuurd",
        access.page.id
    ))
    .into_response())
}

#[handler]
pub async fn withdraw(
    state: Data<&AppState>,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = invitation_id(&raw)?;
    let now = state.clock.now();
    let withdrawn = in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        invitations::withdraw(tx, access.page.id, id, now).await
    })
    .await?;
    if !withdrawn {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::see_other(format!(
        "/zorgpagina/{}/connecties?melding=ingetrokken",
        access.page.id
    ))
    .into_response())
}

/// The page behind the link, for every case: signed out (sign in or sign up first), signed in
/// with the invited address (accept), or why the link does not work.
fn invitation_page(
    pages: &PageRenderer,
    status: StatusCode,
    token: &str,
    invitation: Option<(&Invitation, &invitations::About)>,
    problem: Option<InvitationError>,
) -> Result<Response, AppError> {
    let page = context! {
        token,
        invited => invitation.map(|(i, about)| context! {
            name => &i.name,
            email => &i.email,
            inviter => &about.inviter,
            client => &about.client,
        }),
        problem => problem.map(InvitationError::code),
    };
    pages.status("portal/care_page/invitation.html", status, page)
}

fn refusal_status(problem: InvitationError) -> StatusCode {
    match problem {
        InvitationError::OtherAddress => StatusCode::FORBIDDEN,
        InvitationError::Unknown => StatusCode::NOT_FOUND,
        _ => StatusCode::GONE,
    }
}

/// `GET /uitnodiging?token=…`: only looks. Signed out, the page says who invites whom and
/// offers to sign in or to sign up; either way the person comes back here afterwards.
#[handler]
pub async fn open_link(
    state: Data<&AppState>,
    pages: PageRenderer,
    portal: Portal,
    me: Option<SignedIn>,
    Query(query): Query<InvitationToken>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let pages = match &me {
        Some(me) => pages.viewer(me.viewer()),
        None => pages,
    };
    let email = me.as_ref().map(|me| me.account.email.clone());
    let token: &str = &query.token;
    let (verdict, about) = in_tenant_read_only(&state.db, &portal.tenant.slug, async |tx| {
        let verdict = invitations::peek(tx, token, email.as_deref(), now).await?;
        let shown = match &verdict {
            Ok(invitation) | Err((_, Some(invitation))) => Some(invitation),
            Err((_, None)) => None,
        };
        let about = match shown {
            Some(invitation) => Some(invitations::about(tx, invitation).await?),
            None => None,
        };
        Ok::<_, sqlx::Error>((verdict, about))
    })
    .await?;
    let (status, invitation, problem) = match &verdict {
        Ok(invitation) => (StatusCode::OK, Some(invitation), None),
        Err((problem, invitation)) => (
            refusal_status(*problem),
            invitation.as_ref(),
            Some(*problem),
        ),
    };
    let shown = invitation.zip(about.as_ref());
    let response = invitation_page(&pages, status, token, shown, problem)?;
    if me.is_some() || problem.is_some() {
        return Ok(response);
    }
    // Signing in, or signing up and then in, leads back to this link.
    let back = format!("/uitnodiging?token={token}");
    let value: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
    let cookie = cookies::set_with(
        state.config.web.https,
        cookies::RETURN_TO,
        &value,
        Some(cookies::RETURN_TO_SECONDS),
    );
    Ok(cookies::attach(response, cookie))
}

/// `POST /uitnodiging`: the signed-in person with the invited address joins the page with the
/// invitation's rights. Any refusal leaves the invitation as it was.
#[handler]
pub async fn accept(
    state: Data<&AppState>,
    pages: PageRenderer,
    portal: Portal,
    me: SignedIn,
    Form(form): Form<InvitationToken>,
) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    let now = state.clock.now();
    let token: &str = &form.token;
    let verdict = in_tenant(&state.db, &portal.tenant.slug, async |tx| {
        let account = &me.account;
        invitations::accept(tx, token, account.id, &account.email, now).await
    })
    .await
    .map_err(AppError::internal)?;
    match verdict {
        Ok(invitation) => Ok(Redirect::see_other(format!(
            "/zorgpagina/{}?melding=welkom",
            invitation.care_page
        ))
        .into_response()),
        Err(problem) => invitation_page(&pages, refusal_status(problem), "", None, Some(problem)),
    }
}
