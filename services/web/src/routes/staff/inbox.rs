//! The staff inbox (MSG-7, BEY-3): the organisation threads of the tenant's linked care pages,
//! overdue ones first, then the employee's own clients.

use common::infra::tenancy::in_tenant_read_only;
use common::organisation::settings;
use common::staff::inbox;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{handler, Response};

use crate::access::staff::StaffAccess;
use crate::http::error::AppError;
use crate::http::format::moment_text;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

/// `GET /medewerker`
#[handler]
pub async fn show_inbox(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: StaffAccess,
) -> Result<Response, AppError> {
    let (employee, account, now) = (
        access.staff.employee,
        access.me.account.id,
        state.clock.now(),
    );
    let (threads, response_days) =
        in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
            let settings = settings::settings(tx).await?;
            let overdue_before = now - settings.response_time();
            let threads = inbox::inbox(tx, employee, account, overdue_before).await?;
            Ok::<_, sqlx::Error>((threads, settings.response_days))
        })
        .await?;
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
    };
    pages
        .viewer(access.me.viewer())
        .status("staff/inbox.html", StatusCode::OK, page)
}
