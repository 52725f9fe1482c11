//! The staff inbox (MSG-7, BEY-3): the organisation threads of the tenant's linked care pages,
//! overdue ones first, then the employee's own clients.

use common::infra::tenancy::in_tenant_read_only;
use common::organisation::settings;
use common::staff::inbox::{self, InboxCursor, INBOX_PAGE};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{handler, Response};
use serde::Deserialize;

use crate::access::staff::StaffAccess;
use crate::http::error::AppError;
use crate::http::format::moment_text;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

#[derive(Debug, Deserialize)]
pub struct InboxQuery {
    /// The cursor of the next page of the inbox.
    na: Option<String>,
}

/// `GET /medewerker`
#[handler]
pub async fn show_inbox(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: StaffAccess,
    Query(query): Query<InboxQuery>,
) -> Result<Response, AppError> {
    let after = query.na.as_deref().and_then(InboxCursor::parse);
    let (employee, account, now) = (
        access.staff.employee,
        access.me.account.id,
        state.clock.now(),
    );
    let (mut threads, response_days) =
        in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
            let settings = settings::settings(tx).await?;
            let overdue_before = now - settings.response_time();
            let limit = INBOX_PAGE + 1;
            let threads = inbox::inbox(tx, employee, account, overdue_before, after, limit).await?;
            Ok::<_, sqlx::Error>((threads, settings.response_days))
        })
        .await?;
    let next = (threads.len() as i64 > INBOX_PAGE)
        .then(|| {
            threads.truncate(INBOX_PAGE as usize);
            threads.last().map(|last| InboxCursor::of(last).encode())
        })
        .flatten();
    let rows: Vec<_> = threads
        .into_iter()
        .map(|t| {
            context! {
                id => t.id.to_string(),
                client => t.client,
                when => moment_text(t.last_message_at),
                last_author => t.last_author,
                last_from_organisation => t.last_from_organisation,
                count => t.message_count,
                mine => t.mine,
                unread => t.unread,
                overdue => t.overdue,
            }
        })
        .collect();
    let page = context! {
        threads => rows,
        staff => &access.staff,
        response_days,
        next,
        first_page => after.is_none(),
    };
    pages
        .viewer(access.me.viewer())
        .status("staff/inbox.html", StatusCode::OK, page)
}
