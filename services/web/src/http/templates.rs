//! The templates under `templates/`, compiled in, and rendering them with the tenant's
//! branding and the reader's language.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use common::infra::i18n::Language;
use common::infra::tenancy::{Color, Tenant};
use common::organisation::branding::Contrast;
use minijinja::value::Value;
use minijinja::{context, Environment, Error, ErrorKind};
use poem::http::StatusCode;
use poem::web::Html;
use poem::{IntoResponse, Request, Response};
use uuid::Uuid;

use crate::http::assets::Assets;
use crate::http::encoding::Compressible;
use crate::http::error::AppError;
use crate::http::form_token::LazyToken;
use crate::http::portal::RequestContext;

/// Every template under `templates/`, compiled into the binary by `build.rs`: (path, text).
const TEMPLATES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));

pub struct Views {
    env: Environment<'static>,
    /// Pages that depend only on the tenant (as of its version) and the language, rendered once.
    shared_pages: RwLock<HashMap<SharedPageKey, Arc<Compressible>>>,
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
        let mut env = common::infra::templating::environment(TEMPLATES)?;
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
        req: &Request,
        ctx: &RequestContext,
        tenant: &Tenant,
    ) -> Result<Response, AppError> {
        let key = SharedPageKey {
            template,
            tenant: tenant.id.0,
            version: tenant.version,
            language: ctx.language,
        };
        let cached = self
            .shared_pages
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .cloned();
        let page = match cached {
            Some(page) => page,
            None => {
                // Shared by every visitor: it must not carry this visitor's form token.
                let anonymous = RequestContext {
                    csrf: Arc::new(LazyToken::none()),
                    ..ctx.clone()
                };
                let html = self.page(template, &anonymous, tenant, context! {})?;
                let page = Arc::new(Compressible::new(html.0));
                let mut pages = self.shared_pages.write().unwrap_or_else(|p| p.into_inner());
                if pages.len() >= SHARED_PAGES_LIMIT {
                    pages.clear();
                }
                pages.insert(key, page.clone());
                page
            }
        };
        Ok(page.response(req, HTML))
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
            csrf_token => ctx.csrf_token(),
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

const HTML: &str = "text/html; charset=utf-8";

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::TEMPLATES;

    fn files_under(folder: &std::path::Path, prefix: &str, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                files_under(&entry.path(), &format!("{name}/"), found);
            } else {
                found.insert(name);
            }
        }
    }

    /// A template missing from the binary would show only at run time: one 500 per visit.
    #[test]
    fn every_template_file_in_every_folder_is_compiled_in() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk = BTreeSet::new();
        files_under(&folder, "", &mut on_disk);
        let registered: BTreeSet<String> = TEMPLATES.iter().map(|(n, _)| (*n).to_owned()).collect();
        assert_eq!(on_disk, registered);
        assert!(registered
            .iter()
            .any(|name| name.starts_with("portal/care_page/")));
    }
}
