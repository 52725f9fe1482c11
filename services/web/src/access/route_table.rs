//! Route tables: every route that needs a door is declared in a table, with its door for each
//! method. The router is built from the tables, and the generated rights and CSRF tests read
//! the same tables, so a route can be neither mounted without its door nor left out of the
//! tests.
//!
//! The table runs the door before the handler, as middleware around the endpoint: a handler
//! cannot forget it. What the door found (the signed-in admin, the care page and the member's
//! role) goes into the request's data, where the handler's extractor picks it up without a
//! second lookup. A door that let a request reach a client's data (or refused a member) leaves
//! its access-log row in the request, and the table writes it with the answer's outcome. A
//! signed-in person's request that the door or the handler refuses (403, or
//! 404: another tenant's or another person's object) goes to the security log with its route,
//! account and tenant, here too, so no handler has to remember it.

use std::future::Future;
use std::sync::Arc;

use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::AccountId;
use poem::endpoint::BoxEndpoint;
use poem::http::StatusCode;
use poem::{get, post, Endpoint, EndpointExt, IntoResponse, Request, Route, RouteMethod};

use super::access_log::PendingAccess;
use super::session::{client_ip, SignedIn};
use crate::http::portal::RequestContext;
use crate::http::state::AppState;

/// A door: checks the request and leaves what it found in the request's data.
pub trait Door: Copy + Send + Sync + std::fmt::Debug + 'static {
    /// Lets the request through (`Ok`) or answers in its place: the sign-in page, 403 or 404.
    fn open(self, req: &mut Request) -> impl Future<Output = poem::Result<()>> + Send;
}

/// One method of a route: its door and its handler.
pub struct Guarded<D> {
    pub door: D,
    endpoint: BoxEndpoint<'static>,
}

/// One path of a table and the methods it answers.
pub struct TableRoute<D> {
    pub path: &'static str,
    pub get: Option<Guarded<D>>,
    pub post: Option<Guarded<D>>,
}

/// A path with no methods yet; add them with [`TableRoute::get`] and [`TableRoute::post`].
pub fn route<D: Door>(path: &'static str) -> TableRoute<D> {
    TableRoute {
        path,
        get: None,
        post: None,
    }
}

/// Who asked for a table route, kept while the handler consumes the request, for the security
/// log should the answer be a refusal.
struct Asker {
    state: AppState,
    account: AccountId,
    tenant: Option<String>,
    ip: String,
}

impl Asker {
    /// The signed-in person the door found (or was looking at when it refused).
    fn of(req: &Request) -> Option<Self> {
        let state = req.data::<AppState>()?.clone();
        let account = req.data::<SignedIn>()?.account.id;
        let tenant = req
            .data::<RequestContext>()
            .and_then(|ctx| ctx.tenant.as_ref())
            .map(|t| t.slug.as_str().to_owned());
        let ip = client_ip(req, &state);
        Some(Self {
            state,
            account,
            tenant,
            ip,
        })
    }

    async fn refused(self, method: &str, route: &str, status: StatusCode) {
        let detail = serde_json::json!({
            "method": method,
            "route": route,
            "status": status.as_u16(),
            "tenant": self.tenant,
        });
        let now = self.state.clock.now();
        let event = SecurityEvent::AccessRefused;
        let db = &self.state.db;
        if let Err(error) =
            security_log::record(db, Some(self.account), event, &self.ip, detail, now).await
        {
            // The refusal stands; only its record is lost, which the log says.
            tracing::error!(%error, route, "could not record a refused request");
        }
    }
}

fn guarded<D: Door>(
    path: &'static str,
    method: &'static str,
    door: D,
    endpoint: impl Endpoint + 'static,
) -> Guarded<D> {
    let endpoint = Arc::new(endpoint);
    let behind_door = poem::endpoint::make(move |mut req: Request| {
        let endpoint = Arc::clone(&endpoint);
        async move {
            let opened = door.open(&mut req).await;
            let asker = Asker::of(&req);
            let access = PendingAccess::take_from(&mut req);
            let answer = match opened {
                Ok(()) => endpoint.call(req).await.map(IntoResponse::into_response),
                Err(refused) => Err(refused),
            };
            let answer = match access {
                Some(access) => access.write(method, path, answer).await,
                None => answer,
            };
            if let (Err(error), Some(asker)) = (&answer, asker) {
                let status = error.status();
                if status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
                    asker.refused(method, path, status).await;
                }
            }
            answer
        }
    });
    Guarded {
        door,
        endpoint: behind_door.boxed(),
    }
}

impl<D: Door> TableRoute<D> {
    pub fn get(mut self, door: D, endpoint: impl Endpoint + 'static) -> Self {
        self.get = Some(guarded(self.path, "GET", door, endpoint));
        self
    }

    pub fn post(mut self, door: D, endpoint: impl Endpoint + 'static) -> Self {
        self.post = Some(guarded(self.path, "POST", door, endpoint));
        self
    }
}

/// What the tests and the documentation read of a table: each path with the door of each
/// method it answers.
#[derive(Debug, Clone)]
pub struct RouteInfo<D> {
    pub path: &'static str,
    pub get: Option<D>,
    pub post: Option<D>,
}

/// The doors of a table, without its handlers.
pub fn describe<D: Door>(table: &[TableRoute<D>]) -> Vec<RouteInfo<D>> {
    table
        .iter()
        .map(|r| RouteInfo {
            path: r.path,
            get: r.get.as_ref().map(|g| g.door),
            post: r.post.as_ref().map(|g| g.door),
        })
        .collect()
}

/// Adds every route of `table` to `router`, each method behind its door.
pub fn mount<D: Door>(mut router: Route, table: Vec<TableRoute<D>>) -> Route {
    for entry in table {
        let method = match (entry.get, entry.post) {
            (Some(g), Some(p)) => get(g.endpoint).post(p.endpoint),
            (Some(g), None) => get(g.endpoint),
            (None, Some(p)) => post(p.endpoint),
            (None, None) => RouteMethod::new(),
        };
        router = router.at(entry.path, method);
    }
    router
}
