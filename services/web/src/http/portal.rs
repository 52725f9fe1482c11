//! Who is asking, in which language, on which tenant's portal: the request context the
//! middleware builds for every request, and the extractor for handlers of a tenant's portal.

use std::sync::Arc;

use common::infra::i18n::Language;
use common::infra::tenancy::Tenant;
use poem::{FromRequest, Request, RequestBody};

use crate::http::error::AppError;
use crate::http::form_token::LazyToken;

/// 128 random bits naming one request in the log, on its error page and in `x-request-id`;
/// written as 32 hex digits only where it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId(pub u128);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl serde::Serialize for RequestId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Who is asking, in which language, on which tenant's portal. Cloned by every extractor that
/// needs it, so its parts are shared, not copied.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: RequestId,
    pub language: Language,
    pub tenant: Option<Arc<Tenant>>,
    /// Goes into every form as the `csrf` field; made on first use.
    pub csrf: Arc<LazyToken>,
    /// `scheme://<host>[:port]` of the portal: the tenant's configured host the request came
    /// in on, with the platform's scheme and public port. Links in mail point here.
    pub base_url: Arc<str>,
    /// The path and query of a GET: where to come back to after signing in.
    pub return_path: Option<Arc<str>>,
}

impl RequestContext {
    /// The form token of this request (see [`LazyToken`]).
    pub fn csrf_token(&self) -> &str {
        self.csrf.token()
    }

    /// An absolute link into this portal, for e-mails.
    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url)
    }
}

/// Extractor for handlers of a tenant's portal: the context with its tenant.
#[derive(Clone)]
pub struct Portal {
    pub ctx: RequestContext,
    pub tenant: Arc<Tenant>,
}

impl<'a> FromRequest<'a> for Portal {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let ctx = req
            .data::<RequestContext>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("request context missing")))?;
        let tenant = ctx.tenant.clone().ok_or(AppError::UnknownHost)?;
        Ok(Self { ctx, tenant })
    }
}
