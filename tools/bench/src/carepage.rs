//! A signed-in person's care-page home: session lookup, the care-page door (membership and
//! access log) and the page itself, next to the bare one-query endpoint, and next to the same
//! read without its access-log row.

use common::accounts::sessions::{self, Origin, Stage};
use common::accounts::{self, EmailAddress, NewAccount, PersonName};
use common::care::page::{self, NewCarePage, NewCarePageForm};
use common::infra::clock;
use common::infra::i18n::Language;
use common::infra::tenancy::{in_tenant, TenantSlug};

use poem::Request;
use web::access::access_log::PendingAccess;
use web::access::care_page::CareDoor;
use web::access::route_table::Door;

use crate::setup::BenchDatabase;

/// The care-page door without its access-log row: it opens exactly as the portal's own, then
/// throws the prepared row away, so the access log's cost can be measured against the same
/// read without it. Only the benchmark mounts it.
#[derive(Debug, Clone, Copy)]
pub struct Unlogged(pub CareDoor);

impl Door for Unlogged {
    async fn open(self, req: &mut Request) -> poem::Result<()> {
        let opened = self.0.open(req).await;
        PendingAccess::take_from(req);
        opened
    }
}

/// A signed-in member of one care page in the demo tenant.
pub struct SignedInMember {
    /// `Cookie` header value carrying the session.
    pub cookie: String,
    /// The care page's home, `/zorgpagina/<id>`.
    pub home_path: String,
    /// The care page's id.
    pub page_id: uuid::Uuid,
}

pub async fn signed_in_member(bench: &BenchDatabase) -> anyhow::Result<SignedInMember> {
    let now = clock::system().now();
    let name = PersonName::parse("Ans de Vries")?;
    let account = accounts::create_account(
        &bench.db,
        &NewAccount {
            email: EmailAddress::parse("ans.carepage@bench.localhost")?,
            name: name.clone(),
            // Never checked: the session is made directly.
            password_hash: String::new(),
            language: Language::Nl,
            home_tenant: "demo".into(),
        },
        now,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("the bench account exists already"))?;
    let new_page = NewCarePage::parse(
        &NewCarePageForm {
            for_whom: "mijzelf",
            client_name: "",
            birth_date: "12-03-1941",
            consent: true,
        },
        name.as_str(),
        now.date(),
    )
    .map_err(|problems| anyhow::anyhow!("care page form: {problems:?}"))?;
    let demo = TenantSlug::parse("demo")?;
    let care_page = in_tenant(&bench.db, &demo, async |tx| {
        page::create(tx, account.id, &new_page, now).await
    })
    .await?;
    let (token, _) = sessions::start(
        &bench.db,
        account.id,
        Stage::Active,
        true,
        "demo",
        &Origin {
            user_agent: "bench".into(),
            ip: "127.0.0.1".into(),
        },
        now,
    )
    .await?;
    Ok(SignedInMember {
        cookie: format!("zp_session={}", token.value),
        home_path: format!("/zorgpagina/{}", care_page.id.0),
        page_id: care_page.id.0,
    })
}
