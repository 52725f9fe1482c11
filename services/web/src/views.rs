//! Pages, rendered from `templates/` with the tenant's branding and the reader's language.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use common::i18n::Language;

use common::tenancy::{Color, Tenant};
use minijinja::value::Value;
use minijinja::{context, Environment, Error, ErrorKind};
use poem::http::StatusCode;
use poem::web::Html;
use poem::{IntoResponse, Response};
use uuid::Uuid;

use crate::assets::Assets;
use crate::error::AppError;
use crate::middleware::RequestContext;

/// Every template, compiled into the binary: the name is the file under `templates/`.
macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates![
    "_csrf.html",
    "_errors.html",
    "_form_alerts.html",
    "_language_switch.html",
    "_password_rules.html",
    "signup.html",
    "signup_sent.html",
    "confirm.html",
    "link_refused.html",
    "signin.html",
    "signin_code.html",
    "reset_request.html",
    "reset_password.html",
    "overview.html",
    "sessions.html",
    "settings.html",
    "settings_password.html",
    "account_delete.html",
    "account_deleted.html",
    "terms.html",
    "base.html",
    "start.html",
    "error.html",
    "maintenance.html",
    "accessibility.html",
    "phone.html",
    "phone_link.html",
    "phone_link_refused.html",
    "help.html",
    "help_sent.html",
    "faq.html",
    "_care_switcher.html",
    "care_page_new.html",
    "care_activation.html",
    "care_activation_confirm.html",
    "admin_clients.html",
    "admin_client_code.html",
    "admin_letter_requests.html",
    "care_letter_request.html",
    "care_page_layout.html",
    "care_page_home.html",
    "care_page_unavailable.html",
    "care_page_profile.html",
    "care_page_admins.html",
    "care_page_delete.html",
    "_admin_nav.html",
    "admin_home.html",
    "admin_branding.html",
    "admin_inbox.html",
    "admin_question.html",
    "admin_settings.html",
    "admin_employees.html",
    "admin_employee.html",
    "admin_invitation.html",
    "admin_administrators.html",
    "admin_client.html",
    "_client_fields.html",
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
        // Shared by every visitor: it must not carry this visitor's form token.
        let anonymous = RequestContext {
            csrf_token: String::new(),
            ..ctx.clone()
        };
        let html = self.page(template, &anonymous, tenant, context! {})?;
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
            csrf_token => &ctx.csrf_token,
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

    /// A page of a tenant's portal with a status other than 200 (a form with errors: 422).
    pub fn page_with_status(
        &self,
        name: &str,
        ctx: &RequestContext,
        tenant: &Tenant,
        status: StatusCode,
        page: Value,
    ) -> Result<Response, AppError> {
        let mut response = self.page(name, ctx, tenant, page)?.into_response();
        response.set_status(status);
        Ok(response)
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::TEMPLATES;

    /// A template file that is not in the list would be missing at run time: one 500 per visit.
    #[test]
    fn every_template_file_is_compiled_in() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let on_disk: BTreeSet<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let registered: BTreeSet<String> = TEMPLATES.iter().map(|(n, _)| (*n).to_owned()).collect();
        assert_eq!(on_disk, registered);
    }
}
