//! MSG-5, NOT-3: a new message is announced by e-mail to every member of its audience who
//! wants it (Meldingen), never to its author, never with its text; at most one e-mail per
//! member per care page per quarter hour, and nothing more until the member has been back.

use std::collections::HashMap;
use std::time::Duration;

use common::accounts::{self, AccountId, EmailAddress, NewAccount, PersonName};
use common::care::messages::fan_out;
use common::care::notification_prefs::{self, Wanted};
use common::care::page::{CarePageId, Role};
use common::care::rights::{Preset, Rights};
use common::infra::clock::Clock;
use common::infra::i18n::Language;
use common::infra::tenancy::{in_tenant, Tenant};
use uuid::Uuid;
use zorgportaal_tests::care_pages::{add_member_with, beheerder_with_page, member_with};
use zorgportaal_tests::messages::start_thread;
use zorgportaal_tests::{eventually, CaughtMail, TestPlatform, Visitor};

const WAIT: Duration = Duration::from_secs(60);

/// `count` accounts made by the domain, each a member of `page` with the Basic rights: their
/// addresses.
async fn network_of(
    platform: &TestPlatform,
    tenant: &Tenant,
    page: Uuid,
    count: usize,
    language: Language,
) -> Vec<(AccountId, String)> {
    let now = platform.clock.now();
    let mut members = Vec::with_capacity(count);
    for i in 0..count {
        let address = platform.unique_email(&format!("netwerk{i}"));
        let new = NewAccount {
            email: EmailAddress::parse(&address).unwrap(),
            name: PersonName::parse(&format!("Mantelzorger {i}")).unwrap(),
            password_hash: String::new(),
            language,
            home_tenant: tenant.slug.as_str().to_owned(),
        };
        let account = accounts::create_account(&platform.db, &new, now)
            .await
            .unwrap()
            .unwrap();
        let basic = Rights::preset(Preset::Basic);
        add_member_with(platform, tenant, page, account.id, Role::Lid, basic).await;
        members.push((account.id, address));
    }
    members
}

/// Sends a network message from `visitor` on `page` through the pages.
async fn send(visitor: &mut Visitor, page: Uuid, text: &str) {
    start_thread(visitor, page, "network", text, &[]).await;
}

async fn announced(platform: &TestPlatform, tenant: &Tenant) -> i64 {
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM message_fan_outs")
            .fetch_one(tx.conn())
            .await
    })
    .await
    .unwrap()
}

/// Waits until `messages` messages are announced and everything their announcements wrote is
/// sent: nothing left in the outbox or in the queues. Every e-mail the messages cause is
/// caught after this, so what is missing then is never coming.
async fn settled(platform: &TestPlatform, tenant: &Tenant, messages: i64) {
    eventually(WAIT, "every message announced", || async {
        (announced(platform, tenant).await == messages).then_some(())
    })
    .await;
    eventually(WAIT, "the outbox relayed and the queues empty", || async {
        let idle = platform.outbox_len().await == 0 && platform.queue_backlog().await == 0;
        idle.then_some(())
    })
    .await;
}

/// The caught "messages wait" e-mails to each of `addresses` (maildev stores a message a
/// moment after it accepted it: waits until `expected` arrived).
async fn mails_by_address(
    platform: &TestPlatform,
    addresses: &[&str],
    expected: usize,
) -> HashMap<String, Vec<CaughtMail>> {
    // Only the e-mails that say messages wait: the accounts got their sign-up mails too.
    let mails = eventually(WAIT, "the e-mails caught", || async {
        let mails: Vec<CaughtMail> = platform
            .mail
            .to_any(addresses)
            .await
            .into_iter()
            .filter(|mail| {
                mail.subject.starts_with("Er staat een bericht")
                    || mail.subject.starts_with("A message is waiting")
            })
            .collect();
        (mails.len() >= expected).then_some(mails)
    })
    .await;
    let mut by_address: HashMap<String, Vec<CaughtMail>> = HashMap::new();
    for mail in mails {
        for to in &mail.to {
            by_address
                .entry(to.address.clone())
                .or_default()
                .push(mail.clone());
        }
    }
    by_address
}

#[tokio::test]
async fn a_message_to_a_fifty_member_network_sends_one_email_to_each_other_member_who_wants_it() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Vijftig", "#1d4f91").await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    // The author and 48 more make 49 members who read the network's messages; one reads them
    // in English; one more turned "een nieuw bericht" off; one holds no messages right.
    let mut network = network_of(&platform, &tenant, page, 47, Language::Nl).await;
    network.extend(network_of(&platform, &tenant, page, 1, Language::En).await);
    let english = network.last().unwrap().1.clone();
    let quiet = network_of(&platform, &tenant, page, 1, Language::Nl).await;
    let (quiet_id, quiet_email) = quiet[0].clone();
    let now = platform.clock.now();
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        notification_prefs::set(tx, CarePageId(page), quiet_id, &Wanted::new(), now).await
    })
    .await
    .unwrap();
    let (_, rightless_email, _) =
        member_with(&platform, &tenant, page, "zonderrechten", Rights::NONE).await;

    send(&mut beheerder, page, "Vertrouwelijk: de uitslag is goed").await;
    settled(&platform, &tenant, 1).await;

    let mut addresses: Vec<&str> = network.iter().map(|(_, a)| a.as_str()).collect();
    let wanting = addresses.len();
    assert_eq!(wanting, 48);
    addresses.extend([
        beheerder_email.as_str(),
        quiet_email.as_str(),
        rightless_email.as_str(),
    ]);
    let by_address = mails_by_address(&platform, &addresses, wanting).await;
    for (_, address) in &network {
        let mails = by_address.get(address).map_or(0, Vec::len);
        assert_eq!(mails, 1, "{address} gets exactly one e-mail");
    }
    assert!(
        !by_address.contains_key(&beheerder_email),
        "never the author"
    );
    assert!(
        !by_address.contains_key(&quiet_email),
        "Meldingen: not wanted"
    );
    assert!(
        !by_address.contains_key(&rightless_email),
        "not in the audience"
    );
    let total: usize = by_address.values().map(Vec::len).sum();
    assert_eq!(total, 48);

    let mail = &by_address[&network[0].1][0];
    assert_eq!(
        mail.subject,
        "Er staat een bericht voor je klaar op de zorgpagina van Anna de Vries"
    );
    let text = mail.text.as_deref().unwrap_or_default();
    assert!(
        text.contains(&format!("/zorgpagina/{page}/berichten")),
        "{text}"
    );
    assert!(
        text.contains("staat een nieuw bericht voor je klaar"),
        "{text}"
    );
    let html = mail.html.as_deref().unwrap_or_default();
    for part in [text, html, mail.subject.as_str()] {
        assert!(!part.contains("uitslag"), "never the message's text");
    }
    let english_mail = &by_address[&english][0];
    assert!(english_mail
        .subject
        .starts_with("A message is waiting for you"));
    platform.finish().await;
}

#[tokio::test]
async fn a_burst_of_messages_gives_each_member_one_email_and_the_next_waits_for_the_quarter_hour() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Stortvloed", "#1d4f91")
        .await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let basic = Rights::preset(Preset::Basic);
    let (mut reader, reader_email, reader_id) =
        member_with(&platform, &tenant, page, "lezer", basic).await;
    let others = network_of(&platform, &tenant, page, 2, Language::Nl).await;

    for i in 0..10 {
        send(&mut beheerder, page, &format!("Bericht nummer {i}")).await;
    }
    settled(&platform, &tenant, 10).await;
    let mut addresses: Vec<&str> = others.iter().map(|(_, a)| a.as_str()).collect();
    addresses.push(&reader_email);
    let by_address = mails_by_address(&platform, &addresses, 3).await;
    for address in &addresses {
        let mails = by_address.get(*address).map_or(0, Vec::len);
        assert_eq!(mails, 1, "{address}: one e-mail for the burst");
    }
    // The e-mail says how many messages wait when it is written (the announcement runs after
    // its message is stored, so later ones of the burst may be counted too).
    let first = by_address[&reader_email][0]
        .text
        .as_deref()
        .unwrap_or_default();
    assert!(first.contains("voor je klaar"), "{first}");

    // The reader comes back and reads; the next message within the quarter hour is planned
    // for its end, for the reader only (the others have not been back: their e-mail stands).
    let list = reader.get(&format!("/zorgpagina/{page}/berichten")).await;
    let thread = list
        .body
        .split("href=\"/zorgpagina/")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| {
            href.contains("/berichten/")
                && href
                    .rsplit('/')
                    .next()
                    .is_some_and(|id| Uuid::parse_str(id).is_ok())
        })
        .map(|href| format!("/zorgpagina/{href}"))
        .unwrap();
    reader.get(&thread).await;
    send(&mut beheerder, page, "Nog eentje").await;
    send(&mut beheerder, page, "En nog eentje").await;
    let planned = eventually(WAIT, "the later e-mail planned", || async {
        let due: Option<time::OffsetDateTime> = in_tenant(&platform.db, &tenant.slug, async |tx| {
            sqlx::query_scalar(
                "SELECT digest_due_at FROM message_mail_windows
                  WHERE care_page_id = $1 AND account_id = $2",
            )
            .bind(page)
            .bind(reader_id.0)
            .fetch_one(tx.conn())
            .await
        })
        .await
        .unwrap();
        due
    })
    .await;
    let first_mail_at = platform.clock.now();
    assert!(planned > first_mail_at + time::Duration::minutes(14));
    assert!(planned <= first_mail_at + time::Duration::minutes(15));
    eventually(WAIT, "both messages announced", || async {
        (announced(&platform, &tenant).await == 12).then_some(())
    })
    .await;

    // At that moment the job sends one e-mail with the number that waits by then: the nine
    // threads of the burst the reader did not open, and the two new messages.
    let (page_id, now) = (CarePageId(page), platform.clock.now());
    let sent = in_tenant(&platform.db, &tenant.slug, async |tx| {
        fan_out::send_digest(tx, page_id, reader_id, "http://portaal", now).await
    })
    .await
    .unwrap();
    assert!(sent);
    let by_address = mails_by_address(&platform, &[&reader_email], 2).await;
    let mails = &by_address[&reader_email];
    assert_eq!(mails.len(), 2);
    let digest = mails.last().unwrap();
    assert!(
        digest
            .text
            .as_deref()
            .unwrap_or_default()
            .contains("staan 11 nieuwe berichten voor je klaar"),
        "{:?}",
        digest.text
    );
    // A second run of the same job finds nothing planned and sends nothing.
    let again = in_tenant(&platform.db, &tenant.slug, async |tx| {
        fan_out::send_digest(tx, page_id, reader_id, "http://portaal", now).await
    })
    .await
    .unwrap();
    assert!(!again);
    platform.finish().await;
}
