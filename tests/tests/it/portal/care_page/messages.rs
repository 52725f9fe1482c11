//! Berichten (MSG-1 … MSG-6): threads with an audience chosen once and kept by every reply,
//! what each member reads and may choose, removing one's own message, attachments checked by
//! their content and served only to the thread's audience, and the unread count in the menu.

use std::time::Duration;

use common::care::rights::{Preset, Right, Rights};
use common::infra::config::Config;
use common::infra::storage::ObjectStore;
use common::infra::tenancy::{in_tenant, Tenant};
use reqwest::StatusCode;
use uuid::Uuid;
use zorgportaal_tests::accounts::make_admin;
use zorgportaal_tests::care_pages::{
    beheerder_with_page, link_to_new_client, member_with, messages_announced,
};
use zorgportaal_tests::messages::{id_after, pdf, start_thread, PDF};
use zorgportaal_tests::tenants::set_support_phone;
use zorgportaal_tests::visitor::UploadFile;
use zorgportaal_tests::wait::eventually;
use zorgportaal_tests::{Page, TestPlatform, Visitor};

const WAIT: Duration = Duration::from_secs(30);

/// Sends a new message from `visitor` on `page` through the composer: the thread's path.
async fn send(visitor: &mut Visitor, page: Uuid, audience: &str, text: &str) -> String {
    start_thread(visitor, page, audience, text, &[]).await
}

/// The attachment links a thread page shows.
fn attachment_links(page: &Page) -> Vec<String> {
    page.body
        .match_indices("/bijlagen/")
        .filter_map(|(at, _)| {
            let start = page.body[..at].rfind('"')? + 1;
            let end = at + page.body[at..].find('"')?;
            Some(page.body[start..end].to_owned())
        })
        .collect()
}

fn store() -> ObjectStore {
    ObjectStore::new(&Config::from_process_env().unwrap().s3)
}

async fn attachment_objects(tenant: &Tenant) -> Vec<String> {
    let keys = store().list_tenant(&tenant.slug).await.unwrap();
    keys.into_iter()
        .filter(|key| key.contains("/attachment/"))
        .collect()
}

async fn attachment_rows(platform: &TestPlatform, tenant: &Tenant) -> i64 {
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM message_attachments")
            .fetch_one(tx.conn())
            .await
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_thread_keeps_its_audience_and_each_member_reads_what_their_rights_allow() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Bericht", "#1d4f91").await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let basic = Rights::preset(Preset::Basic);
    let (mut buurman, _, _) = member_with(&platform, &tenant, page, "buurman", basic).await;
    let trust = Rights::new([Right::MessagesTrustGroup]).unwrap();
    let (mut zoon, _, _) = member_with(&platform, &tenant, page, "zoon", trust).await;
    let (mut niemand, _, _) = member_with(&platform, &tenant, page, "niemand", Rights::NONE).await;

    // The composer of an unlinked page offers the two groups of the personal network, with
    // their words; nothing is chosen for the member.
    let compose = beheerder
        .get(&format!("/zorgpagina/{page}/berichten/nieuw"))
        .await;
    assert!(compose.shows("Deel dit bericht met"));
    assert!(compose.shows("Alle mantelzorgers") && compose.shows("Alleen de vertrouwensgroep"));
    assert!(
        !compose.shows("value=\"organisation\""),
        "the page is not linked"
    );
    assert!(
        !compose.shows(" checked"),
        "no audience is chosen by itself"
    );
    // The network-only member is offered only the network.
    let offered = buurman
        .get(&format!("/zorgpagina/{page}/berichten/nieuw"))
        .await;
    assert!(offered.shows("value=\"network\"") && !offered.shows("value=\"trust_group\""));

    let network = send(
        &mut beheerder,
        page,
        "network",
        "Wie haalt zaterdag de boodschappen?",
    )
    .await;
    let private = send(
        &mut beheerder,
        page,
        "trust_group",
        "De uitslag van het onderzoek",
    )
    .await;

    // The list: newest activity first, each with its lock in words.
    let list = buurman.get(&format!("/zorgpagina/{page}/berichten")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.shows("Wie haalt zaterdag de boodschappen?"));
    assert!(
        !list.shows("De uitslag van het onderzoek"),
        "not in the trust group"
    );
    assert!(list.shows("audience--network"));
    let zoon_list = zoon.get(&format!("/zorgpagina/{page}/berichten")).await;
    assert!(zoon_list.shows("De uitslag van het onderzoek"));
    assert!(
        !zoon_list.shows("boodschappen"),
        "no network-messages right"
    );
    // Someone else's audience is not found, nor is Berichten for a member without either right.
    assert_eq!(buurman.get(&private).await.status, StatusCode::NOT_FOUND);
    assert_eq!(zoon.get(&network).await.status, StatusCode::NOT_FOUND);
    let none = niemand.get(&format!("/zorgpagina/{page}/berichten")).await;
    assert_eq!(none.status, StatusCode::FORBIDDEN);

    // The unread count shows in the menu until the thread is opened.
    let home = buurman.get(&format!("/zorgpagina/{page}")).await;
    assert!(home.shows("care-nav__badge\">1<"), "{}", home.body);
    let opened = buurman.get(&network).await;
    assert!(opened.shows("Beantwoorden"));
    assert!(opened.shows("Een verstuurd bericht kun je niet meer veranderen."));
    assert!(!buurman
        .get(&format!("/zorgpagina/{page}"))
        .await
        .shows("care-nav__badge"));

    // "Beantwoorden" keeps the audience: the reply is in the network thread, which moves up.
    let replied = buurman
        .post_multipart(&network, &[("bericht", "Ik doe het!")], &[])
        .await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.body);
    let list = beheerder
        .get(&format!("/zorgpagina/{page}/berichten"))
        .await;
    let first = list.body.find("boodschappen").unwrap();
    let second = list.body.find("De uitslag").unwrap();
    assert!(
        first < second,
        "the thread with the newest message comes first"
    );
    let thread = beheerder.get(&network).await;
    assert!(thread.shows("Ik doe het!") && thread.shows("audience--network"));

    // The trust-group-only member cannot reply in the network thread, nor post into it blind.
    let blind = zoon
        .post_multipart(&network, &[("bericht", "Ook ik?")], &[])
        .await;
    assert_eq!(blind.status, StatusCode::NOT_FOUND);
    messages_announced(&platform, &tenant).await;
    platform.finish().await;
}

#[tokio::test]
async fn the_composer_refuses_what_is_missing_or_not_offered_and_keeps_the_text() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Opstel", "#1d4f91").await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    let path = format!("/zorgpagina/{page}/berichten");
    beheerder.get(&format!("{path}/nieuw")).await;

    let no_audience = beheerder
        .post_multipart(&path, &[("bericht", "Hallo allemaal")], &[])
        .await;
    assert_eq!(no_audience.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_audience.shows("Kies met wie je dit bericht wilt delen."));
    assert!(no_audience.shows("Hallo allemaal"), "the text is kept");

    let empty = beheerder
        .post_multipart(&path, &[("deel_met", "network"), ("bericht", "   ")], &[])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.shows("Schrijf je bericht in het tekstvak."));

    // The organisation cannot be reached from an unlinked page, even by a forged form.
    let forged = beheerder
        .post_multipart(
            &path,
            &[("deel_met", "organisation"), ("bericht", "Aan de zorg")],
            &[],
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(forged.shows("Met deze groep kun je geen bericht delen."));
    let list = beheerder.get(&path).await;
    assert!(
        list.shows("Er zijn nog geen berichten."),
        "nothing was sent"
    );

    // Linked, the organisation is offered, with the note that it is not read at once and the
    // organisation's phone number for what is urgent.
    link_to_new_client(&platform, &tenant, page, "C-1").await;
    make_admin(&platform, &tenant, &beheerder_email).await;
    set_support_phone(&mut beheerder, "Zorggroep Opstel", "030 - 123 45 67").await;
    let compose = beheerder.get(&format!("{path}/nieuw")).await;
    assert!(compose.shows("Zorggroep Opstel en de vertrouwensgroep"));
    assert!(compose.shows("wordt dit niet direct gelezen"));
    assert!(compose.shows("030 - 123 45 67"));
    messages_announced(&platform, &tenant).await;
    platform.finish().await;
}

#[tokio::test]
async fn only_the_author_removes_a_message_and_it_shows_as_removed() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Weg", "#1d4f91").await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let everything = Rights::preset(Preset::Everything);
    let (mut dochter, _, _) = member_with(&platform, &tenant, page, "dochter2", everything).await;
    let thread = send(&mut beheerder, page, "network", "Een vergissing").await;
    let message = id_after(&beheerder.get(&thread).await, "id=\"bericht-");
    let remove = format!("{thread}/{message}/verwijderen");

    // Someone else's message: refused, and nothing changes.
    dochter.get(&thread).await;
    let refused = dochter.post(&remove, &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(dochter.get(&thread).await.shows("Een vergissing"));

    beheerder.get(&thread).await;
    let removed = beheerder.post(&remove, &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let after = dochter.get(&thread).await;
    assert!(after.shows("Dit bericht is verwijderd."));
    assert!(!after.shows("Een vergissing"), "the text is gone");
    messages_announced(&platform, &tenant).await;
    platform.finish().await;
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_served_only_to_the_threads_audience() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Bijlage", "#1d4f91").await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let basic = Rights::preset(Preset::Basic);
    let (mut buurman, _, _) = member_with(&platform, &tenant, page, "buurman2", basic).await;
    let trust = Rights::new([Right::MessagesTrustGroup]).unwrap();
    let (mut zoon, _, _) = member_with(&platform, &tenant, page, "zoon2", trust).await;
    let path = format!("/zorgpagina/{page}/berichten");
    beheerder.get(&format!("{path}/nieuw")).await;
    let text = [("deel_met", "trust_group"), ("bericht", "Het verslag")];

    // A program renamed to .pdf, an oversized file and too many files: refused, with words,
    // and nothing stored.
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00binary".to_vec();
    let disguised = UploadFile {
        bytes: &program,
        ..pdf("verslag.pdf")
    };
    let refused = beheerder.post_multipart(&path, &text, &[disguised]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.shows("Dit soort bestand kan niet mee"));
    assert!(refused.shows("Het verslag"), "the text is kept");
    assert!(refused.shows("Kies je bijlagen opnieuw"));
    let big = [PDF, &vec![b' '; 10 * 1024 * 1024]].concat();
    let oversized = UploadFile {
        bytes: &big,
        ..pdf("groot.pdf")
    };
    let refused = beheerder.post_multipart(&path, &text, &[oversized]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.shows("Een bijlage is te groot"));
    let six: Vec<_> = (0..6).map(|_| pdf("een.pdf")).collect();
    let refused = beheerder.post_multipart(&path, &text, &six).await;
    assert!(refused.shows("Kies hoogstens 5 bijlagen."));
    assert!(
        attachment_objects(&tenant).await.is_empty(),
        "nothing stored"
    );
    assert_eq!(attachment_rows(&platform, &tenant).await, 0);
    assert!(beheerder
        .get(&path)
        .await
        .shows("Er zijn nog geen berichten."));

    // A PDF with a path in its name: stored under a safe name, served as a download.
    let sent = beheerder
        .post_multipart(&path, &text, &[pdf("../../etc/verslag mei.pdf")])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let thread = sent
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let shown = zoon.get(&thread).await;
    assert!(shown.shows("verslag mei.pdf"));
    assert!(!shown.shows("etc/"));
    let links = attachment_links(&shown);
    assert_eq!(links.len(), 1, "{}", shown.body);
    let (status, headers, bytes) = zoon.get_bytes(&links[0]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"verslag mei.pdf\""));
    assert_eq!(attachment_objects(&tenant).await.len(), 1);

    // Outside the thread's audience the file is not found, also for a member of the page.
    let (status, _, _) = buurman.get_bytes(&links[0]).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no messages right of the trust group"
    );
    // Another tenant's page with this file's id: not found.
    let elsewhere = platform.create_tenant("Zorggroep Anders", "#7a1f5c").await;
    let (mut other, _, other_page) = beheerder_with_page(&platform, &elsewhere).await;
    let file = links[0].rsplit('/').next().unwrap();
    let (status, _, _) = other
        .get_bytes(&format!("/zorgpagina/{other_page}/bijlagen/{file}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A removed member's old link: not found.
    let leave = format!("/zorgpagina/{page}/verlaten");
    zoon.get(&leave).await;
    let left = zoon.post(&leave, &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);
    let (status, _, _) = zoon.get_bytes(&links[0]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The author removes the message: its file leaves storage.
    let message = id_after(&beheerder.get(&thread).await, "id=\"bericht-");
    let removed = beheerder
        .post(&format!("{thread}/{message}/verwijderen"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let (status, _, _) = beheerder.get_bytes(&links[0]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    eventually(WAIT, "the attachment removed from storage", || async {
        attachment_objects(&tenant).await.is_empty().then_some(())
    })
    .await;
    messages_announced(&platform, &tenant).await;
    platform.finish().await;
}
