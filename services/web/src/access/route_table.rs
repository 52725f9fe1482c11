//! Route tables: every route that needs a door is declared in a table, with its door for each
//! method. The router is built from the tables, and the generated rights and CSRF tests read
//! the same tables, so a route can be neither mounted without its door nor left out of the
//! tests.
//!
//! The table runs the door before the handler, as middleware around the endpoint: a handler
//! cannot forget it. What the door found (the signed-in admin, the care page and the member's
//! role) goes into the request's data, where the handler's extractor picks it up without a
//! second lookup.

use std::future::Future;
use std::sync::Arc;

use poem::endpoint::BoxEndpoint;
use poem::{get, post, Endpoint, EndpointExt, IntoResponse, Request, Route, RouteMethod};

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

fn guarded<D: Door>(door: D, endpoint: impl Endpoint + 'static) -> Guarded<D> {
    let endpoint = Arc::new(endpoint);
    let behind_door = poem::endpoint::make(move |mut req: Request| {
        let endpoint = Arc::clone(&endpoint);
        async move {
            door.open(&mut req).await?;
            Ok::<_, poem::Error>(endpoint.call(req).await?.into_response())
        }
    });
    Guarded {
        door,
        endpoint: behind_door.boxed(),
    }
}

impl<D: Door> TableRoute<D> {
    pub fn get(mut self, door: D, endpoint: impl Endpoint + 'static) -> Self {
        self.get = Some(guarded(door, endpoint));
        self
    }

    pub fn post(mut self, door: D, endpoint: impl Endpoint + 'static) -> Self {
        self.post = Some(guarded(door, endpoint));
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
