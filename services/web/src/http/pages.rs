//! The page renderer handlers use: one request's tenant, language, form token, viewer and
//! notice around the values particular to a page.

use std::sync::Arc;

use common::infra::i18n::Language;
use common::infra::tenancy::Tenant;
use minijinja::context;
use minijinja::value::Value;
use poem::http::StatusCode;
use poem::{FromRequest, Request, RequestBody, Response};
use serde::Serialize;

use crate::http::error::AppError;
use crate::http::portal::RequestContext;
use crate::http::state::AppState;
use crate::http::templates::Views;

/// What the base template shows of the signed-in person: name, e-mail and the way to "Beheer".
#[derive(Debug, Clone, Serialize)]
pub struct Viewer {
    pub name: String,
    pub email: String,
    pub admin: bool,
}

/// The pages of one request: the portal's tenant and branding, the reader's language, the form
/// token, and — once told — who is signed in and the notice to show. Handlers take it as an
/// extractor and hand it only their template and what is particular to their page.
pub struct PageRenderer {
    views: Arc<Views>,
    ctx: RequestContext,
    tenant: Arc<Tenant>,
    viewer: Option<Viewer>,
    notice: Option<&'static str>,
}

impl PageRenderer {
    /// The page is for this signed-in person.
    pub fn viewer(mut self, viewer: Viewer) -> Self {
        self.viewer = Some(viewer);
        self
    }

    /// The page speaks `language` whatever the visitor's language cookie says (the tenant
    /// admin's pages speak the admin's own language).
    pub fn language(mut self, language: Language) -> Self {
        self.ctx.language = language;
        self
    }

    /// A notice (a catalogue key) at the top of the page.
    pub fn notice(mut self, notice: Option<&'static str>) -> Self {
        self.notice = notice;
        self
    }

    /// The request context the page is rendered in (for links and the language).
    pub fn context(&self) -> &RequestContext {
        &self.ctx
    }

    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// The page with status 200.
    pub fn ok(&self, template: &str, page: Value) -> Result<Response, AppError> {
        self.status(template, StatusCode::OK, page)
    }

    /// The page with another status (a form with errors: 422).
    pub fn status(
        &self,
        template: &str,
        status: StatusCode,
        page: Value,
    ) -> Result<Response, AppError> {
        // The page's own values come first: a page may show a notice of its own making.
        let page = context! {
            ..page,
            ..context! { viewer => &self.viewer, notice => self.notice }
        };
        self.views
            .page_with_status(template, &self.ctx, &self.tenant, status, page)
    }
}

impl<'a> FromRequest<'a> for PageRenderer {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let views = Arc::clone(&AppState::of(req)?.views);
        let ctx = req
            .data::<RequestContext>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("request context missing")))?;
        let tenant = ctx.tenant.clone().ok_or(AppError::UnknownHost)?;
        Ok(Self {
            views,
            viewer: req.data::<Viewer>().cloned(),
            ctx,
            tenant,
            notice: None,
        })
    }
}
