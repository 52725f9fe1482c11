//! A signed-in person's care-page home: session lookup, the care-page door (membership and
//! access log) and the page itself, next to the bare one-query endpoint, and next to the same
//! read without its access-log row.

use common::accounts::sessions::{self, Origin, Stage};
use common::accounts::{self, EmailAddress, NewAccount, PersonName};
use common::care::network::invitations::{self, NewInvitation};
use common::care::page::{self, NewCarePage, NewCarePageForm, Role};
use common::care::rights::{Preset, Rights};
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
    /// Connecties of a second page of theirs, with 50 members and 20 open invitations.
    pub busy_network_path: String,
    /// Berichten of that page, with 10,000 messages in 400 threads.
    pub busy_messages_path: String,
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
    let busy = busy_network(bench, account.id, now).await?;
    Ok(SignedInMember {
        cookie: format!("zp_session={}", token.value),
        home_path: format!("/zorgpagina/{}", care_page.id.0),
        page_id: care_page.id.0,
        busy_network_path: format!("/zorgpagina/{busy}/connecties"),
        busy_messages_path: busy_messages(bench, busy, account.id, now).await?,
    })
}

/// A new account of the demo tenant that never signs in with a password.
pub async fn member_account(
    bench: &BenchDatabase,
    email: &str,
    name: &str,
    now: time::OffsetDateTime,
) -> anyhow::Result<accounts::Account> {
    accounts::create_account(
        &bench.db,
        &NewAccount {
            email: EmailAddress::parse(email)?,
            name: PersonName::parse(name)?,
            password_hash: String::new(),
            language: Language::Nl,
            home_tenant: "demo".into(),
        },
        now,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("the bench account {email} exists already"))
}

/// A page of `beheerder` for someone else, with 49 more members and 20 open invitations, as a
/// large family network: its id.
async fn busy_network(
    bench: &BenchDatabase,
    beheerder: accounts::AccountId,
    now: time::OffsetDateTime,
) -> anyhow::Result<uuid::Uuid> {
    let new_page = NewCarePage::parse(
        &NewCarePageForm {
            for_whom: "iemand-anders",
            client_name: "Bep Bakker",
            birth_date: "02-05-1938",
            consent: true,
        },
        "Ans de Vries",
        now.date(),
    )
    .map_err(|problems| anyhow::anyhow!("care page form: {problems:?}"))?;
    let demo = TenantSlug::parse("demo")?;
    let care_page = in_tenant(&bench.db, &demo, async |tx| {
        page::create(tx, beheerder, &new_page, now).await
    })
    .await?;
    for n in 1..50 {
        let email = format!("lid{n:02}.network@bench.localhost");
        let account = member_account(bench, &email, &format!("Lid {n:02} van Bakker"), now).await?;
        let rights = Rights::preset(if n % 3 == 0 {
            Preset::Everything
        } else {
            Preset::Basic
        });
        in_tenant(&bench.db, &demo, async |tx| {
            page::add_member(tx, care_page.id, account.id, Role::Lid, rights, now).await
        })
        .await?;
    }
    for n in 1..=20 {
        let invitation = NewInvitation {
            name: PersonName::parse(&format!("Genodigde {n:02}"))?,
            email: EmailAddress::parse(&format!("genodigde{n:02}@bench.localhost"))?,
            language: Language::Nl,
            message: None,
            rights: Rights::preset(Preset::Basic),
            until: None,
        };
        in_tenant(&bench.db, &demo, async |tx| {
            invitations::invite(tx, care_page.id, beheerder, &invitation, now).await
        })
        .await
        .map_err(|e| anyhow::anyhow!("invitation: {e}"))?;
    }
    Ok(care_page.id.0)
}

/// 10,000 messages on `page`: 400 threads of 25, in all three audiences, a few minutes apart,
/// written in two statements (the domain's one-by-one writes would take minutes): its
/// Berichten path.
async fn busy_messages(
    bench: &BenchDatabase,
    page: uuid::Uuid,
    author: accounts::AccountId,
    now: time::OffsetDateTime,
) -> anyhow::Result<String> {
    let demo = TenantSlug::parse("demo")?;
    in_tenant(&bench.db, &demo, async |tx| {
        sqlx::query(
            "WITH threads AS (
               INSERT INTO message_threads (id, care_page_id, audience, created_at,
                                            last_message_at, last_message_id, message_count)
               SELECT gen_random_uuid(), $1,
                      (ARRAY['network', 'trust_group', 'organisation'])[1 + n % 3],
                      $2 - make_interval(mins => n * 30), $2 - make_interval(mins => n * 30),
                      gen_random_uuid(), 25
                 FROM generate_series(1, 400) AS n
               RETURNING id, last_message_id, last_message_at)
             INSERT INTO messages (id, thread_id, care_page_id, author_account,
                                   from_organisation, author_name, body, created_at)
             SELECT CASE WHEN k = 25 THEN t.last_message_id ELSE gen_random_uuid() END, t.id, $1,
                    $3, false, 'Ans de Vries', 'Bericht ' || k || ' over de zorg van deze week',
                    t.last_message_at - make_interval(mins => 25 - k)
               FROM threads t, generate_series(1, 25) AS k",
        )
        .bind(page)
        .bind(now)
        .bind(author.0)
        .execute(tx.conn())
        .await?;
        // Written over years, these rows would have been analysed by autovacuum many times;
        // here they come at once, so the planner is told about them as autovacuum would.
        sqlx::query("ANALYZE message_threads, messages")
            .execute(tx.conn())
            .await
    })
    .await?;
    Ok(format!("/zorgpagina/{page}/berichten"))
}
