//! The audience matrix of Berichten (MSG-1, MSG-7, the SPEC's decision): each of the three
//! audiences × each kind of reader, for listing, opening, replying and downloading. Members
//! use the care page's routes, employees the staff side's; every case is tried through the
//! pages, and the expected answer comes from one rule per reader below.

use common::care::rights::{Preset, Right, Rights};
use reqwest::StatusCode;
use uuid::Uuid;
use zorgportaal_tests::accounts::{sign_in_on, signed_in};
use zorgportaal_tests::care_pages::{
    beheerder_with_page, create_page, link_to_new_client, member_with, messages_announced,
};
use zorgportaal_tests::messages::{id_after, pdf, start_thread, PDF};
use zorgportaal_tests::staff::staff_member;
use zorgportaal_tests::{TestPlatform, Visitor};

const AUDIENCES: [&str; 3] = ["network", "trust_group", "organisation"];

/// One thread of the matrix: its audience, path ids and its file.
struct Thread {
    audience: &'static str,
    id: String,
    attachment: String,
}

/// Which side of the portal a reader uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Member,
    Staff,
}

/// What one reader may do with one thread: everything, or nothing, refused with this status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Refused(StatusCode),
}

struct Reader {
    who: &'static str,
    visitor: Visitor,
    side: Side,
    rule: fn(&str) -> Outcome,
}

fn network_only(audience: &str) -> Outcome {
    match audience {
        "network" => Outcome::Allowed,
        _ => Outcome::Refused(StatusCode::NOT_FOUND),
    }
}

fn trust_group(audience: &str) -> Outcome {
    match audience {
        "network" => Outcome::Refused(StatusCode::NOT_FOUND),
        _ => Outcome::Allowed,
    }
}

fn staff_here(audience: &str) -> Outcome {
    match audience {
        "organisation" => Outcome::Allowed,
        _ => Outcome::Refused(StatusCode::NOT_FOUND),
    }
}

fn no_employee_here(_: &str) -> Outcome {
    Outcome::Refused(StatusCode::FORBIDDEN)
}

fn no_member(_: &str) -> Outcome {
    Outcome::Refused(StatusCode::NOT_FOUND)
}

/// Starts a thread for `audience` with a PDF, as the beheerder: its id and the file's.
async fn thread_with_file(beheerder: &mut Visitor, page: Uuid, audience: &'static str) -> Thread {
    let text = format!("Over {audience}");
    let path = start_thread(beheerder, page, audience, &text, &[pdf("verslag.pdf")]).await;
    let attachment = id_after(&beheerder.get(&path).await, "/bijlagen/");
    Thread {
        audience,
        id: path.rsplit('/').next().unwrap().to_owned(),
        attachment,
    }
}

#[tokio::test]
async fn each_audience_is_read_written_and_downloaded_by_exactly_the_readers_it_names() {
    let platform = TestPlatform::start().await;
    let here = platform.create_tenant("Zorggroep Matrix", "#1d4f91").await;
    let there = platform.create_tenant("Zorggroep Elders", "#7a1f5c").await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &here).await;
    link_to_new_client(&platform, &here, page, "M-1").await;

    let basic = Rights::preset(Preset::Basic);
    let (network_member, _, _) = member_with(&platform, &here, page, "netwerk", basic).await;
    let trust = Rights::new([Right::MessagesTrustGroup, Right::MessagesOrganisation]).unwrap();
    let (trust_member, _, _) = member_with(&platform, &here, page, "vertrouwd", trust).await;
    let (mut removed, _, _) = member_with(&platform, &here, page, "vertrokken", trust).await;
    let leave = format!("/zorgpagina/{page}/verlaten");
    removed.get(&leave).await;
    assert_eq!(
        removed.post(&leave, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let (mut other_page_owner, _) = signed_in(&platform, &here, "anderepagina").await;
    create_page(
        &mut other_page_owner,
        "iemand-anders",
        "Bert Jansen",
        "03-02-1950",
    )
    .await;
    let (_, elsewhere_email) = signed_in(&platform, &there, "elders").await;
    let other_tenant_account = sign_in_on(&platform, &here, &elsewhere_email).await;
    let (employee, _, _, _) = staff_member(&platform, &here, "medewerker").await;
    let (_, other_employee_email, _, _) = staff_member(&platform, &there, "andere").await;
    let other_employee = sign_in_on(&platform, &here, &other_employee_email).await;

    let mut threads = Vec::new();
    for audience in AUDIENCES {
        threads.push(thread_with_file(&mut beheerder, page, audience).await);
    }

    let mut readers = vec![
        Reader {
            who: "network-only member",
            visitor: network_member,
            side: Side::Member,
            rule: network_only,
        },
        Reader {
            who: "trust-group member",
            visitor: trust_member,
            side: Side::Member,
            rule: trust_group,
        },
        Reader {
            who: "staff of the tenant",
            visitor: employee,
            side: Side::Staff,
            rule: staff_here,
        },
        Reader {
            who: "staff of another tenant",
            visitor: other_employee,
            side: Side::Staff,
            rule: no_employee_here,
        },
        Reader {
            who: "removed member",
            visitor: removed,
            side: Side::Member,
            rule: no_member,
        },
        Reader {
            who: "member of another care page",
            visitor: other_page_owner,
            side: Side::Member,
            rule: no_member,
        },
        Reader {
            who: "account of another tenant",
            visitor: other_tenant_account,
            side: Side::Member,
            rule: no_member,
        },
    ];

    let mut cases = 0;
    for reader in &mut readers {
        let list_path = match reader.side {
            Side::Member => format!("/zorgpagina/{page}/berichten"),
            Side::Staff => "/medewerker".to_owned(),
        };
        let list = reader.visitor.get(&list_path).await;
        for thread in &threads {
            let expected = (reader.rule)(thread.audience);
            let what = format!("{} × {}", reader.who, thread.audience);
            let (open, reply, download) = match reader.side {
                Side::Member => (
                    format!("/zorgpagina/{page}/berichten/{}", thread.id),
                    format!("/zorgpagina/{page}/berichten/{}", thread.id),
                    format!("/zorgpagina/{page}/bijlagen/{}", thread.attachment),
                ),
                Side::Staff => (
                    format!("/medewerker/berichten/{}", thread.id),
                    format!("/medewerker/berichten/{}", thread.id),
                    format!("/medewerker/bijlagen/{}", thread.attachment),
                ),
            };
            // Listing: the thread shows exactly when it may be read.
            let listed = list.status == StatusCode::OK && list.shows(&thread.id);
            assert_eq!(
                listed,
                expected == Outcome::Allowed,
                "{what}: list ({})",
                list.status
            );
            let opened = reader.visitor.get(&open).await;
            // A page with a form first, so the reply carries this session's form token.
            reader.visitor.get("/hulp").await;
            let replied = reader
                .visitor
                .post_multipart(&reply, &[("bericht", "Een antwoord")], &[])
                .await;
            let (download_status, _, bytes) = reader.visitor.get_bytes(&download).await;
            match expected {
                Outcome::Allowed => {
                    assert_eq!(opened.status, StatusCode::OK, "{what}: open");
                    assert!(opened.shows(&format!("Over {}", thread.audience)), "{what}");
                    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{what}: reply");
                    assert_eq!(download_status, StatusCode::OK, "{what}: download");
                    assert_eq!(bytes, PDF, "{what}: the file");
                }
                Outcome::Refused(status) => {
                    assert_eq!(opened.status, status, "{what}: open");
                    assert!(
                        !opened.shows(&format!("Over {}", thread.audience)),
                        "{what}"
                    );
                    assert_eq!(replied.status, status, "{what}: reply");
                    assert_eq!(download_status, status, "{what}: download");
                }
            }
            cases += 4;
        }
    }
    println!("audiences: {cases} audience × reader × action cases");
    assert_eq!(cases, 7 * 3 * 4);

    // The refused replies wrote nothing: each thread holds its first message and one reply
    // per reader the matrix allows.
    for thread in &threads {
        let allowed = readers
            .iter()
            .filter(|r| (r.rule)(thread.audience) == Outcome::Allowed)
            .count();
        let shown = beheerder
            .get(&format!("/zorgpagina/{page}/berichten/{}", thread.id))
            .await;
        let replies = shown.body.matches("Een antwoord").count();
        assert_eq!(replies, allowed, "{} thread", thread.audience);
    }
    messages_announced(&platform, &here).await;
    platform.finish().await;
}
