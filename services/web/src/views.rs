//! Pages, rendered from `templates/` with the tenant's branding and the reader's language.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use common::i18n::Language;

use common::tenancy::{Color, Tenant};
use minijinja::value::Value;
use minijinja::{context, Environment, Error, ErrorKind};
use poem::web::Html;
use uuid::Uuid;

use crate::assets::Assets;
use crate::error::AppError;
use crate::middleware::RequestContext;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("start.html", include_str!("../templates/start.html")),
    ("error.html", include_str!("../templates/error.html")),
    (
        "maintenance.html",
        include_str!("../templates/maintenance.html"),
    ),
    (
        "accessibility.html",
        include_str!("../templates/accessibility.html"),
    ),
];

pub struct Views {
    env: Environment<'static>,
    /// Pages that depend only on the tenant (as of its version) and the language, rendered once.
    shared_pages: RwLock<HashMap<SharedPageKey, Arc<str>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SharedPageKey {
    template: &'static str,
    tenant: Uuid,
    version: i64,
    language: Language,
}

/// More entries than this means stale tenant versions piled up: start afresh.
const SHARED_PAGES_LIMIT: usize = 20_000;

/// What every page knows about the portal it is on.
fn tenant_context(tenant: &Tenant) -> Value {
    let text_on_primary = Color::parse(&tenant.branding.primary_color)
        .map(|c| c.readable_text().as_str().to_owned())
        .unwrap_or_else(|_| "#ffffff".to_owned());
    context! {
        slug => tenant.slug.as_str(),
        name => &tenant.display_name,
        branding => &tenant.branding,
        text_on_primary,
        theme_url => format!("/theme.css?v={}", tenant.version),
        logo_url => tenant.branding.logo_key.as_ref().map(|_| format!("/branding/logo?v={}", tenant.version)),
    }
}

impl Views {
    pub fn new(assets: Arc<Assets>) -> Result<Self, Error> {
        let mut env = common::templating::environment(TEMPLATES)?;
        env.add_function("asset", move |name: &str| {
            assets.url(name).map(str::to_owned).ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("no static file {name}"),
                )
            })
        });
        Ok(Self {
            env,
            shared_pages: RwLock::default(),
        })
    }

    /// A page that is the same for every visitor of a tenant's portal in one language (it shows
    /// no request id and nothing about the visitor), rendered once per tenant version.
    pub fn shared_page(
        &self,
        template: &'static str,
        ctx: &RequestContext,
        tenant: &Tenant,
    ) -> Result<Html<String>, AppError> {
        let key = SharedPageKey {
            template,
            tenant: tenant.id,
            version: tenant.version,
            language: ctx.language,
        };
        let cached = self
            .shared_pages
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .cloned();
        if let Some(html) = cached {
            return Ok(Html(html.to_string()));
        }
        let html = self.page(template, ctx, tenant, context! {})?;
        let mut pages = self.shared_pages.write().unwrap_or_else(|p| p.into_inner());
        if pages.len() >= SHARED_PAGES_LIMIT {
            pages.clear();
        }
        pages.insert(key, Arc::from(html.0.as_str()));
        Ok(html)
    }

    fn render(
        &self,
        name: &str,
        ctx: &RequestContext,
        tenant: Option<&Tenant>,
        page: Value,
    ) -> Result<String, Error> {
        self.env.get_template(name)?.render(context! {
            lang => ctx.language.code(),
            request_id => &ctx.request_id,
            tenant => tenant.map(tenant_context),
            ..page
        })
    }

    /// A page of a tenant's portal.
    pub fn page(
        &self,
        name: &str,
        ctx: &RequestContext,
        tenant: &Tenant,
        page: Value,
    ) -> Result<Html<String>, AppError> {
        self.render(name, ctx, Some(tenant), page)
            .map(Html)
            .map_err(AppError::internal)
    }

    pub fn error_page(
        &self,
        ctx: &RequestContext,
        tenant: Option<&Tenant>,
        template: &str,
        title_key: &str,
        text_key: &str,
    ) -> Result<Html<String>, Error> {
        self.render(template, ctx, tenant, context! { title_key, text_key })
            .map(Html)
    }
}
