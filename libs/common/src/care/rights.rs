//! The rights of a member of a care page's personal network (NET-2): nine switches in three
//! groups, the three presets of the invite form, and the rule that a dependent right cannot be
//! held without the right it needs (the SPEC's decision). The model refuses such a set, so no
//! form, API call or stored row can hold one. Beheerrechten (administering the page) sit on top
//! of these, as the page's [`Role`](super::page::Role).

use std::fmt;

use serde::Serialize;

/// One right of NET-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// "heeft toegang tot de agenda"
    CalendarAccess,
    /// "kan de agenda beheren"
    CalendarManage,
    /// "kan afspraken van zorgorganisatie(s) inzien"
    CalendarOrganisation,
    /// "heeft toegang tot het dossier"
    DossierAccess,
    /// "mag vragenlijsten invullen"
    DossierQuestionnaires,
    /// "kan plannen goedkeuren"
    DossierApprovePlans,
    /// "toegang + delen met het persoonlijk netwerk"
    MessagesNetwork,
    /// "toegang + delen met de vertrouwensgroep"
    MessagesTrustGroup,
    /// "kan communiceren met elke aangesloten zorgorganisatie"
    MessagesOrganisation,
}

/// The groups the rights are shown in, in the invite form and on Rechten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RightGroup {
    Calendar,
    Dossier,
    Messages,
}

impl Right {
    /// Every right, in the order of the form.
    pub const ALL: [Right; 9] = [
        Right::CalendarAccess,
        Right::CalendarManage,
        Right::CalendarOrganisation,
        Right::DossierAccess,
        Right::DossierQuestionnaires,
        Right::DossierApprovePlans,
        Right::MessagesNetwork,
        Right::MessagesTrustGroup,
        Right::MessagesOrganisation,
    ];

    /// The right this one cannot be held without.
    pub fn needs(self) -> Option<Right> {
        match self {
            Right::CalendarManage | Right::CalendarOrganisation => Some(Right::CalendarAccess),
            Right::DossierQuestionnaires | Right::DossierApprovePlans => Some(Right::DossierAccess),
            Right::MessagesOrganisation => Some(Right::MessagesTrustGroup),
            Right::CalendarAccess
            | Right::DossierAccess
            | Right::MessagesNetwork
            | Right::MessagesTrustGroup => None,
        }
    }

    pub fn group(self) -> RightGroup {
        match self {
            Right::CalendarAccess | Right::CalendarManage | Right::CalendarOrganisation => {
                RightGroup::Calendar
            }
            Right::DossierAccess | Right::DossierQuestionnaires | Right::DossierApprovePlans => {
                RightGroup::Dossier
            }
            Right::MessagesNetwork | Right::MessagesTrustGroup | Right::MessagesOrganisation => {
                RightGroup::Messages
            }
        }
    }

    /// The stable name of the right: in stored rows, form fields and the API.
    pub fn key(self) -> &'static str {
        match self {
            Right::CalendarAccess => "agenda",
            Right::CalendarManage => "agenda_beheren",
            Right::CalendarOrganisation => "agenda_zorgorganisatie",
            Right::DossierAccess => "dossier",
            Right::DossierQuestionnaires => "vragenlijsten",
            Right::DossierApprovePlans => "plannen_goedkeuren",
            Right::MessagesNetwork => "berichten_netwerk",
            Right::MessagesTrustGroup => "berichten_vertrouwensgroep",
            Right::MessagesOrganisation => "berichten_zorgorganisatie",
        }
    }

    pub fn from_key(key: &str) -> Option<Right> {
        Right::ALL.into_iter().find(|right| right.key() == key)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Right {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The presets of the invite form. "Niets" is a choice too: the form requires one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// "Niets"
    Nothing,
    /// "Basis functionaliteiten": the calendar and the network's messages; no dossier, nothing
    /// of the organisation.
    Basic,
    /// "Alles" / "Privéberichten en medische informatie": every right, the vertrouwensgroep.
    Everything,
}

/// A set of rights in which every dependent right has the right it needs.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rights(u16);

/// A set of rights the model refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the right {right} needs the right {needs}")]
pub struct MissingDependency {
    pub right: Right,
    pub needs: Right,
}

impl Rights {
    pub const NONE: Rights = Rights(0);

    /// The set of `rights`, refused when a dependent right comes without the right it needs.
    pub fn new(rights: impl IntoIterator<Item = Right>) -> Result<Rights, MissingDependency> {
        let set = Rights(rights.into_iter().fold(0, |bits, right| bits | right.bit()));
        match set.iter().find_map(|right| {
            right
                .needs()
                .filter(|needed| !set.contains(*needed))
                .map(|needs| (right, needs))
        }) {
            Some((right, needs)) => Err(MissingDependency { right, needs }),
            None => Ok(set),
        }
    }

    pub fn preset(preset: Preset) -> Rights {
        let rights: &[Right] = match preset {
            Preset::Nothing => &[],
            Preset::Basic => &[
                Right::CalendarAccess,
                Right::CalendarManage,
                Right::MessagesNetwork,
            ],
            Preset::Everything => &Right::ALL,
        };
        Rights(rights.iter().fold(0, |bits, right| bits | right.bit()))
    }

    pub fn contains(self, right: Right) -> bool {
        self.0 & right.bit() != 0
    }

    /// The rights held, in the order of the form.
    pub fn iter(self) -> impl Iterator<Item = Right> {
        Right::ALL
            .into_iter()
            .filter(move |right| self.contains(*right))
    }

    /// The preset these rights are exactly, if any (to show the choice again).
    pub fn as_preset(self) -> Option<Preset> {
        [Preset::Nothing, Preset::Basic, Preset::Everything]
            .into_iter()
            .find(|preset| Rights::preset(*preset) == self)
    }

    /// The set without `right` and without what needs it: taking away agenda access also takes
    /// away managing the agenda.
    pub fn without(self, right: Right) -> Rights {
        let gone = Right::ALL
            .into_iter()
            .filter(|r| *r == right || r.needs() == Some(right))
            .fold(0, |bits, r| bits | r.bit());
        Rights(self.0 & !gone)
    }
}

impl Rights {
    /// The keys to store, in the order of the form.
    pub fn keys(self) -> Vec<&'static str> {
        self.iter().map(Right::key).collect()
    }

    /// Rights as stored: every key known and every dependency met, or the reason why not.
    pub fn from_keys<S: AsRef<str>>(keys: &[S]) -> Result<Rights, StoredRightsError> {
        let rights = keys
            .iter()
            .map(|key| {
                Right::from_key(key.as_ref())
                    .ok_or_else(|| StoredRightsError::Unknown(key.as_ref().to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Rights::new(rights)?)
    }
}

/// Stored rights the model cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoredRightsError {
    #[error("unknown right {0:?}")]
    Unknown(String),
    #[error(transparent)]
    MissingDependency(#[from] MissingDependency),
}

impl fmt::Debug for Rights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The role Connecties shows for a member (the SPEC's decision): beheerder; vertrouwensgroep
/// for whoever reads the dossier or the trust group's messages; mantelzorger for everyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkRole {
    Beheerder,
    Vertrouwensgroep,
    Mantelzorger,
}

impl NetworkRole {
    pub fn of(is_beheerder: bool, rights: Rights) -> NetworkRole {
        if is_beheerder {
            NetworkRole::Beheerder
        } else if rights.contains(Right::DossierAccess)
            || rights.contains(Right::MessagesTrustGroup)
        {
            NetworkRole::Vertrouwensgroep
        } else {
            NetworkRole::Mantelzorger
        }
    }

    /// How the role is stored and named in catalogue keys (`network-role-…`).
    pub fn key(self) -> &'static str {
        match self {
            NetworkRole::Beheerder => "beheerder",
            NetworkRole::Vertrouwensgroep => "vertrouwensgroep",
            NetworkRole::Mantelzorger => "mantelzorger",
        }
    }

    pub fn from_key(key: &str) -> Option<NetworkRole> {
        [
            NetworkRole::Beheerder,
            NetworkRole::Vertrouwensgroep,
            NetworkRole::Mantelzorger,
        ]
        .into_iter()
        .find(|role| role.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_right_has_its_own_stable_key_and_comes_back_from_it() {
        let keys: std::collections::HashSet<&str> = Right::ALL.iter().map(|r| r.key()).collect();
        assert_eq!(keys.len(), 9);
        for right in Right::ALL {
            assert_eq!(Right::from_key(right.key()), Some(right));
        }
        assert_eq!(Right::from_key("alles"), None);
    }

    #[test]
    fn a_dependent_right_is_refused_without_the_right_it_needs() {
        for (right, needs) in [
            (Right::CalendarManage, Right::CalendarAccess),
            (Right::CalendarOrganisation, Right::CalendarAccess),
            (Right::DossierQuestionnaires, Right::DossierAccess),
            (Right::DossierApprovePlans, Right::DossierAccess),
            (Right::MessagesOrganisation, Right::MessagesTrustGroup),
        ] {
            assert_eq!(
                Rights::new([right]),
                Err(MissingDependency { right, needs }),
                "{right}"
            );
            let both = Rights::new([right, needs]).unwrap();
            assert!(both.contains(right) && both.contains(needs));
        }
        // The network's messages do not open the organisation's conversation.
        assert!(Rights::new([Right::MessagesNetwork, Right::MessagesOrganisation]).is_err());
        assert_eq!(Rights::new([]), Ok(Rights::NONE));
    }

    #[test]
    fn the_presets_are_valid_sets_and_are_recognised_again() {
        for preset in [Preset::Nothing, Preset::Basic, Preset::Everything] {
            let rights = Rights::preset(preset);
            assert_eq!(Rights::new(rights.iter()), Ok(rights), "{preset:?}");
            assert_eq!(rights.as_preset(), Some(preset));
        }
        let basic = Rights::preset(Preset::Basic);
        assert!(basic.contains(Right::CalendarAccess) && basic.contains(Right::MessagesNetwork));
        assert!(!basic.iter().any(|r| r.group() == RightGroup::Dossier));
        assert!(!basic.contains(Right::CalendarOrganisation));
        assert!(!basic.contains(Right::MessagesOrganisation));
        assert_eq!(Rights::preset(Preset::Everything).iter().count(), 9);
        let own_choice = Rights::new([Right::CalendarAccess]).unwrap();
        assert_eq!(own_choice.as_preset(), None);
    }

    #[test]
    fn taking_a_right_away_takes_what_needs_it_along() {
        let all = Rights::preset(Preset::Everything);
        let without_dossier = all.without(Right::DossierAccess);
        assert!(!without_dossier.contains(Right::DossierAccess));
        assert!(!without_dossier.contains(Right::DossierQuestionnaires));
        assert!(!without_dossier.contains(Right::DossierApprovePlans));
        assert!(without_dossier.contains(Right::CalendarManage));
        assert_eq!(Rights::new(without_dossier.iter()), Ok(without_dossier));
    }

    #[test]
    fn rights_are_stored_by_their_keys_and_read_back_only_when_valid() {
        let basic = Rights::preset(Preset::Basic);
        assert_eq!(
            basic.keys(),
            ["agenda", "agenda_beheren", "berichten_netwerk"]
        );
        assert_eq!(Rights::from_keys(&basic.keys()), Ok(basic));
        assert_eq!(
            Rights::from_keys(&["agenda", "toveren"]),
            Err(StoredRightsError::Unknown("toveren".into()))
        );
        assert!(matches!(
            Rights::from_keys(&["plannen_goedkeuren"]),
            Err(StoredRightsError::MissingDependency(_))
        ));
    }

    #[test]
    fn the_database_knows_every_key_the_model_stores() {
        let migration = include_str!("../../migrations/tenant/0007_member_rights.sql");
        for right in Right::ALL {
            assert!(migration.contains(&format!("'{}'", right.key())), "{right}");
        }
    }

    #[test]
    fn the_role_on_connecties_follows_from_the_rights() {
        let basic = Rights::preset(Preset::Basic);
        assert_eq!(NetworkRole::of(false, basic), NetworkRole::Mantelzorger);
        assert_eq!(
            NetworkRole::of(false, Rights::NONE),
            NetworkRole::Mantelzorger
        );
        for trusted in [Right::DossierAccess, Right::MessagesTrustGroup] {
            let rights = Rights::new([trusted]).unwrap();
            assert_eq!(
                NetworkRole::of(false, rights),
                NetworkRole::Vertrouwensgroep
            );
        }
        assert_eq!(NetworkRole::of(true, Rights::NONE), NetworkRole::Beheerder);
    }
}
