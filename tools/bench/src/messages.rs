//! "Bericht versturen" to a 50-member network, until the last of the 49 e-mails is caught:
//! the message's commit → the announce job through the relay and the worker → 49 e-mails
//! through the relay, the notifier and SMTP → the mail catcher. Next to it, the bare SMTP
//! sender's time for 49 e-mails, polled the same way.

use std::time::{Duration, Instant};

use anyhow::bail;
use common::care::messages::threads::{self, Author};
use common::care::messages::{fan_out, Audience};
use common::care::page::{self, NewCarePage, NewCarePageForm, Role};
use common::care::rights::{Preset, Rights};
use common::infra::clock;
use common::infra::tenancy::{in_tenant, TenantSlug};

use crate::carepage::member_account;
use crate::queue::{bare_smtp, namespace, wait_for_caught, Pipeline};
use crate::setup::{check, BenchDatabase};

const MEMBERS: usize = 50;
/// A handful of e-mails arrive within a second or two: the catcher is asked often.
const POLL: Duration = Duration::from_millis(50);

pub async fn fan_out_to_network(bench: &BenchDatabase) -> anyhow::Result<()> {
    let expected = MEMBERS - 1;
    let ceiling = bare_smtp(bench, expected, POLL).await?;
    let ns = namespace();
    let domain = format!("{ns}.bench.localhost");
    let now = clock::system().now();
    let demo = TenantSlug::parse("demo")?;

    let mut accounts = Vec::with_capacity(MEMBERS);
    for n in 0..MEMBERS {
        let email = format!("lid{n:02}@{domain}");
        accounts.push(member_account(bench, &email, &format!("Lid {n:02} van Smit"), now).await?);
    }
    let author = &accounts[0];
    let new_page = NewCarePage::parse(
        &NewCarePageForm {
            for_whom: "iemand-anders",
            client_name: "Gerrit Smit",
            birth_date: "14-08-1936",
            consent: true,
        },
        author.name.as_str(),
        now.date(),
    )
    .map_err(|problems| anyhow::anyhow!("care page form: {problems:?}"))?;
    let care_page = in_tenant(&bench.db, &demo, async |tx| {
        let care_page = page::create(tx, author.id, &new_page, now).await?;
        for member in &accounts[1..] {
            let rights = Rights::preset(Preset::Basic);
            page::add_member(tx, care_page.id, member.id, Role::Lid, rights, now).await?;
        }
        Ok::<_, page::CarePageError>(care_page)
    })
    .await?;

    let pipeline = Pipeline::start(bench, &ns).await?;

    // As the composer's "Versturen" does it: the message and its announce job in one
    // transaction.
    let writer = Author::Member {
        account: author.id,
        name: author.name.to_string(),
    };
    let started = Instant::now();
    in_tenant(&bench.db, &demo, async |tx| {
        let body = "Mam heeft vandaag goed gegeten en wil zondag graag bezoek.";
        let sent = clock::system().now();
        let (_, message) =
            threads::start(tx, care_page.id, Audience::Network, &writer, body, sent).await?;
        fan_out::schedule(tx, message, "http://demo.bench.localhost", sent).await
    })
    .await?;
    let (caught, last_seen) = wait_for_caught(&domain, expected, started, POLL).await?;
    pipeline.stop().await?;
    if caught != expected {
        bail!("{caught} e-mails were caught for one message to {MEMBERS} members, not {expected}");
    }
    let baseline = expected as f64 / ceiling;
    println!("\"Bericht versturen\" to a network of {MEMBERS}");
    println!(
        "  {:<44} {:>9.2} s  baseline",
        format!("bare SMTP sender, {expected} e-mails caught"),
        baseline
    );
    println!(
        "  {:<44} {:>9.2} s  (target < 3 s: {})",
        format!("message committed -> last of {expected} caught"),
        last_seen.as_secs_f64(),
        check(last_seen < Duration::from_secs(3))
    );
    println!(
        "  (the catcher is polled every {} ms, so each time is an upper bound)\n",
        POLL.as_millis()
    );
    Ok(())
}
