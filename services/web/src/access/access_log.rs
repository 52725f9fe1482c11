//! The access-log row of a request (DOS-7): a door that lets a request reach a client's data
//! leaves a [`PendingAccess`] in the request; the route table writes it once the answer is
//! known, with the route and the outcome. No handler writes or can forget it.
//! The row goes to the process's `GroupWriter`, which commits rows in groups.

use common::audit::access_log::Entry;
use common::infra::tenancy::TenantSlug;
use poem::{Request, Response};

use crate::http::error::AppError;
use crate::http::state::AppState;

/// The row a door prepared; the route table finishes it.
#[derive(Clone)]
pub struct PendingAccess {
    state: AppState,
    tenant: TenantSlug,
    entry: Entry,
}

impl PendingAccess {
    /// Leaves the row in `req` for the route table. `entry.event` and `entry.outcome` are
    /// filled in when the answer is known.
    pub fn leave_in(req: &mut Request, state: AppState, tenant: TenantSlug, entry: Entry) {
        req.extensions_mut().insert(PendingAccess {
            state,
            tenant,
            entry,
        });
    }

    /// The row a door left in `req`, taken out before the handler consumes the request.
    pub fn take_from(req: &mut Request) -> Option<PendingAccess> {
        req.extensions_mut().remove::<PendingAccess>()
    }

    /// Writes the row for `answer` to `method path`. The answer goes out only once its row is
    /// written: when the log cannot take it, the person gets the error page instead of the
    /// client's data.
    pub async fn write(
        mut self,
        method: &str,
        path: &str,
        answer: poem::Result<Response>,
    ) -> poem::Result<Response> {
        let status = match &answer {
            Ok(response) => response.status(),
            Err(error) => error.status(),
        };
        self.entry.event = format!("{method} {path}");
        self.entry.outcome = status.as_u16();
        let written = self.state.access_log.write(self.tenant, self.entry).await;
        match written {
            Ok(()) => answer,
            Err(error) => {
                tracing::error!(%error, method, path, "could not write the access log");
                Err(AppError::internal(anyhow::anyhow!(error)).into())
            }
        }
    }
}
