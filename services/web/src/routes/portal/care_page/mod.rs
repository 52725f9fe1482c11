//! Care pages (zorgpagina's, CP-1 … CP-7): creating one after sign-in, the "Ik zorg voor"
//! switcher, the sections of a page, its profile, its beheerders, who looked at it, and
//! deleting it.
//!
//! Every route under `/zorgpagina/:id` is listed in [`table`] with what it needs of the member
//! ([`Need`]); the router is built from the table, which puts the care-page door in front of
//! each handler, and the generated rights and CSRF tests read the same table.

pub mod access_log;
pub mod activation;
pub mod admins;
pub mod delete;
pub mod home;
pub mod invitations;
pub mod letter_request;
pub mod members;
pub mod messages;
pub mod network;
pub mod new;
pub mod notifications;
pub mod profile;
pub mod sections;

use common::audit::access_log::Part;
use common::care::messages::{threads, Audience};
use common::care::page::{self as care_page, BirthDate, CarePageId, ForWhom, Membership, Role};
use common::care::rights::Right;
use common::infra::tenancy::in_tenant_read_only;
use minijinja::context;
use minijinja::value::Value;
use poem::http::StatusCode;
use poem::Response;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::care_page::{CareDoor, CarePageAccess, Need};
use crate::access::route_table::{self, route, TableRoute};
use crate::access::session::SignedIn;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::portal::Portal;
use crate::http::state::AppState;

/// Every route of a care page, with what each method needs of the member and what it does with
/// which part of the client's data (the access log's row).
pub fn table() -> Vec<TableRoute<CareDoor>> {
    use Need::{Beheerder, BeheerderOrClient, Member};
    let section = |segment| section_door(segment);
    vec![
        route("/zorgpagina/:id").get(Member.reads(Part::Summary), home::home),
        route("/zorgpagina/:id/kalender").get(section("kalender"), sections::calendar),
        route("/zorgpagina/:id/berichten")
            .get(section("berichten"), messages::show_list)
            .post(MESSAGES.creates(Part::Messages), messages::send),
        route("/zorgpagina/:id/berichten/nieuw")
            .get(MESSAGES.reads(Part::Messages), messages::compose),
        route("/zorgpagina/:id/berichten/:draad")
            .get(MESSAGES.reads(Part::Messages), messages::show_thread)
            .post(MESSAGES.creates(Part::Messages), messages::reply),
        route("/zorgpagina/:id/berichten/:draad/:bericht/verwijderen")
            .post(MESSAGES.deletes(Part::Messages), messages::remove),
        route("/zorgpagina/:id/bijlagen/:bijlage")
            .get(MESSAGES.reads(Part::Messages), messages::download),
        route("/zorgpagina/:id/medewerkers/:medewerker/foto")
            .get(MESSAGES.reads(Part::Messages), messages::employee_photo),
        route("/zorgpagina/:id/dossier").get(section("dossier"), sections::dossier),
        route("/zorgpagina/:id/notities").get(section("notities"), sections::notes),
        route("/zorgpagina/:id/connecties").get(section("connecties"), network::connections),
        route("/zorgpagina/:id/meldingen")
            .get(section("meldingen"), notifications::notifications)
            .post(
                Member.updates(Part::Notifications),
                notifications::save_notifications,
            ),
        route("/zorgpagina/:id/connecties/:lid/rechten")
            .get(Beheerder.reads(Part::Network), members::rights_form)
            .post(Beheerder.updates(Part::Network), members::set_rights),
        route("/zorgpagina/:id/connecties/:lid/verwijderen")
            .get(Beheerder.reads(Part::Network), members::remove_form)
            .post(Beheerder.deletes(Part::Network), members::remove),
        route("/zorgpagina/:id/wijzigingen").get(Beheerder.reads(Part::Network), members::changes),
        route("/zorgpagina/:id/verlaten")
            .get(Member.reads(Part::Summary), members::leave_form)
            .post(Member.deletes(Part::Network), members::leave),
        route("/zorgpagina/:id/uitnodigen")
            .get(Beheerder.reads(Part::Network), invitations::invite_form)
            .post(Beheerder.creates(Part::Network), invitations::invite),
        route("/zorgpagina/:id/uitnodigingen/:uitnodiging/opnieuw")
            .post(Beheerder.updates(Part::Network), invitations::resend),
        route("/zorgpagina/:id/uitnodigingen/:uitnodiging/intrekken")
            .post(Beheerder.deletes(Part::Network), invitations::withdraw),
        route("/zorgpagina/:id/wie-keek-mee").get(
            BeheerderOrClient.reads(Part::AccessLog),
            access_log::who_looked,
        ),
        route("/zorgpagina/:id/profiel")
            .get(section("profiel"), profile::profile)
            .post(Beheerder.updates(Part::Profile), profile::update_profile),
        route("/zorgpagina/:id/beheerders")
            .get(Member.reads(Part::Beheerders), admins::admins)
            .post(Beheerder.updates(Part::Beheerders), admins::set_rights),
        route("/zorgpagina/:id/verwijderen")
            .get(Beheerder.reads(Part::Page), delete::delete_form)
            .post(Beheerder.deletes(Part::Page), delete::delete),
    ]
}

/// The doors of [`table`], for the rights tests and the documentation.
pub fn doors() -> Vec<route_table::RouteInfo<CareDoor>> {
    route_table::describe(&table())
}

/// One avatar of the "Ik zorg voor" switcher.
#[derive(Debug, Serialize)]
pub struct SwitcherItem {
    name: String,
    initials: String,
    url: String,
    is_self: bool,
    photo_url: Option<String>,
    current: bool,
    /// The organisation's name when the page lives on another portal.
    other_portal: Option<String>,
}

/// Every care page of the account across tenants, own page first; `current` is marked.
pub async fn switcher(
    state: &AppState,
    portal: &Portal,
    me: &SignedIn,
    current: Option<CarePageId>,
) -> Result<Vec<SwitcherItem>, AppError> {
    let entries = care_page::pages_of(&state.db, me.account.id).await?;
    let mut items = Vec::with_capacity(entries.len());
    for entry in entries {
        let path = format!("/zorgpagina/{}", entry.care_page_id);
        let here = entry.tenant_id == portal.tenant.id;
        let url = if here {
            path
        } else {
            let other = common::infra::tenancy::TenantSlug::parse(&entry.tenant_slug)
                .ok()
                .and_then(|slug| state.tenants.by_slug(&slug));
            let Some(host) = other.as_ref().and_then(|t| t.hosts.first()) else {
                continue;
            };
            format!("{}{path}", state.portal_origin(host))
        };
        items.push(SwitcherItem {
            initials: care_page::initials(&entry.display_name),
            photo_url: (entry.is_self && me.account.photo_key.is_some())
                .then(|| "/account/foto".to_owned()),
            current: current.is_some_and(|c| c == entry.care_page_id),
            other_portal: (!here).then(|| entry.tenant_name.clone()),
            name: entry.display_name,
            url,
            is_self: entry.is_self,
        });
    }
    Ok(items)
}

/// Whether the account has any care page on this portal (else the overview asks CP-1).
pub fn has_page_here(items: &[SwitcherItem]) -> bool {
    items.iter().any(|i| i.other_portal.is_none())
}

/// What Berichten needs: either messages right. Which threads the member then reads and
/// writes follows from each thread's audience.
const MESSAGES: Need = Need::AnyRight(&[Right::MessagesNetwork, Right::MessagesTrustGroup]);

/// The sections of a care page (CP-6), in menu order: (path segment, catalogue key, what a
/// member needs to open it, the part of the client's data it shows). The route table and the
/// menu both read the need from here, so the menu shows exactly what the door lets through.
const SECTIONS: &[(&str, &str, Need, Part)] = &[
    (
        "kalender",
        "care-nav-calendar",
        Need::Right(Right::CalendarAccess),
        Part::Calendar,
    ),
    ("berichten", "care-nav-messages", MESSAGES, Part::Messages),
    (
        "dossier",
        "care-nav-dossier",
        Need::Right(Right::DossierAccess),
        Part::Dossier,
    ),
    ("notities", "care-nav-notes", Need::Member, Part::Notes),
    (
        "connecties",
        "care-nav-connections",
        Need::Member,
        Part::Network,
    ),
    ("profiel", "care-nav-profile", Need::Member, Part::Profile),
    (
        "meldingen",
        "care-nav-notifications",
        Need::Member,
        Part::Notifications,
    ),
];

/// The door of a section's page: its need, reading its part.
fn section_door(segment: &str) -> CareDoor {
    SECTIONS
        .iter()
        .find(|(s, ..)| *s == segment)
        .map_or(Need::Beheerder.reads(Part::Page), |(_, _, need, part)| {
            need.reads(*part)
        })
}
/// How many sections fit in the bottom bar on a phone; the rest go under "Meer".
const BOTTOM_BAR: usize = 4;

#[derive(Serialize)]
struct NavItem {
    href: String,
    label: &'static str,
    /// The section's path segment, which names its icon.
    icon: &'static str,
    current: bool,
    /// What is new in the section for this member (unread messages, …), shown as a count;
    /// the sections that have news fill it in as they arrive.
    badge: Option<u32>,
}

/// The sections `membership` may open, the first [`BOTTOM_BAR`] apart from the rest;
/// `unread`: the threads with news for the member, shown with Berichten.
fn nav(
    page: CarePageId,
    current: &str,
    membership: Membership,
    unread: u32,
) -> (Vec<NavItem>, Vec<NavItem>) {
    let mut items: Vec<NavItem> = SECTIONS
        .iter()
        .filter(|(_, _, need, _)| need.allows(membership, false))
        .map(|(segment, label, ..)| NavItem {
            href: format!("/zorgpagina/{page}/{segment}"),
            label,
            icon: segment,
            current: *segment == current,
            badge: (*segment == "berichten" && unread > 0).then_some(unread),
        })
        .collect();
    let more = items.split_off(BOTTOM_BAR.min(items.len()));
    (items, more)
}

/// How many threads have news for the member (none when they read no messages).
async fn unread_threads(state: &AppState, access: &CarePageAccess) -> Result<u32, AppError> {
    let audiences = Audience::readable_with(access.membership.effective_rights());
    if audiences.is_empty() {
        return Ok(0);
    }
    let (page, me) = (access.page.id, access.me.account.id);
    let count = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        threads::unread_threads(tx, page, &audiences, me).await
    })
    .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// Renders a page inside a care page: around what is particular to the page go the page's
/// facts (for whom, linked, the member's role), the section menu with `section` marked, and
/// the "Ik zorg voor" switcher.
async fn render(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    section: &str,
    template: &str,
    status: StatusCode,
    page: Value,
) -> Result<Response, AppError> {
    let items = switcher(state, &access.portal, &access.me, Some(access.page.id)).await?;
    let unread = unread_threads(state, access).await?;
    let (nav_main, nav_more) = nav(access.page.id, section, access.membership, unread);
    let page = context! {
        care_switcher => items,
        care => context! {
            id => access.page.id.to_string(),
            name => &access.page.client_name,
            initials => care_page::initials(&access.page.client_name),
            is_self => access.page.for_whom == ForWhom::Myself,
            linked => access.page.client_record_id.is_some(),
            birth_date => BirthDate::format(access.page.birth_date),
            beheerder => access.role == Role::Beheerder,
            client => access.page.is_client(access.me.account.id),
        },
        nav_main,
        nav_more,
        ..page
    };
    pages.status(template, status, page)
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    melding: Option<String>,
    lid: Option<Uuid>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::care::rights::{Preset, Rights};

    fn member(role: Role, rights: Rights) -> Membership {
        Membership {
            role,
            rights,
            granted_by: None,
            until: None,
        }
    }

    #[test]
    fn the_phone_bar_holds_four_sections_and_the_rest_go_under_more() {
        let beheerder = member(Role::Beheerder, Rights::NONE);
        let (main, more) = nav(CarePageId(Uuid::nil()), "profiel", beheerder, 0);
        assert_eq!(main.len(), 4);
        assert_eq!(more.len(), 3);
        assert!(more
            .iter()
            .any(|i| i.current && i.href.ends_with("/profiel")));
    }

    #[test]
    fn the_menu_shows_only_the_sections_the_member_may_open() {
        let labels = |membership| {
            let (main, more) = nav(CarePageId(Uuid::nil()), "", membership, 2);
            main.into_iter()
                .chain(more)
                .map(|i| i.label)
                .collect::<Vec<_>>()
        };
        let without_rights = member(Role::Lid, Rights::NONE);
        assert_eq!(
            labels(without_rights),
            [
                "care-nav-notes",
                "care-nav-connections",
                "care-nav-profile",
                "care-nav-notifications"
            ]
        );
        let trust_messages = Rights::new([Right::MessagesTrustGroup]).unwrap();
        assert!(labels(member(Role::Lid, trust_messages)).contains(&"care-nav-messages"));
        let basic = member(Role::Lid, Rights::preset(Preset::Basic));
        let shown = labels(basic);
        assert!(shown.contains(&"care-nav-calendar") && shown.contains(&"care-nav-messages"));
        assert!(!shown.contains(&"care-nav-dossier"));
        assert_eq!(labels(member(Role::Beheerder, Rights::NONE)).len(), 7);
    }
}
