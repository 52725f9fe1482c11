-- Invitations to a care page's personal network (NET-1, NET-3): sent by a beheerder to a name
-- and an e-mail address, with the rights the person gets on accepting. The link's token is
-- stored as its SHA-256 only; a resend replaces it (the old link dies). Valid 3 days; what is
-- not accepted is removed after about a month.
CREATE TABLE network_invitations (
    id            uuid PRIMARY KEY,
    care_page_id  uuid NOT NULL REFERENCES care_pages (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    -- Lower-cased: only the account with this address can accept.
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    language      text NOT NULL,
    message       text CHECK (length(message) <= 1000),
    rights        text[] NOT NULL
        CHECK (rights <@ ARRAY['agenda', 'agenda_beheren', 'agenda_zorgorganisatie', 'dossier',
                               'vragenlijsten', 'plannen_goedkeuren', 'berichten_netwerk',
                               'berichten_vertrouwensgroep', 'berichten_zorgorganisatie']::text[]),
    -- The end of the grant the invitation gives, if it ends.
    rights_until  timestamptz,
    invited_by    uuid NOT NULL,
    token_hash    bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    sent_at       timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    -- 'pending' until accepted or withdrawn; an expired invitation is a pending one past
    -- expires_at.
    state         text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'accepted', 'withdrawn')),
    answered_at   timestamptz,
    accepted_by   uuid
);
CREATE INDEX network_invitations_page_idx ON network_invitations (care_page_id, created_at);
-- One open invitation per address and page: inviting again replaces it.
CREATE UNIQUE INDEX network_invitations_one_open_idx
    ON network_invitations (care_page_id, email) WHERE state = 'pending';

-- Who granted a member's rights (the inviter, or the beheerder who changed them last): the
-- access log records it as the basis of each access. A grant may end (NET-2: "buurvrouw,
-- agenda, 14 dagen"): from rights_until on, the door reads the member's rights as none; the
-- member gets one reminder three days before (rights_reminded_at marks it sent), and the
-- housekeeping round empties the rights and logs the lapse once (rights_lapsed_at).
ALTER TABLE care_page_members
    ADD COLUMN rights_granted_by uuid,
    ADD COLUMN rights_until timestamptz,
    ADD COLUMN rights_reminded_at timestamptz,
    ADD COLUMN rights_lapsed_at timestamptz;
CREATE INDEX care_page_members_rights_until_idx ON care_page_members (rights_until)
    WHERE rights_until IS NOT NULL AND rights_lapsed_at IS NULL;

-- The change log of the personal network (NET-2, NET-5): every invitation, join, change of
-- rights or role, lapse, removal and departure, with who did it and to whom, shown to
-- beheerders.
-- Names are kept as they were at that moment.
CREATE TABLE network_changes (
    id            bigserial PRIMARY KEY,
    care_page_id  uuid NOT NULL REFERENCES care_pages (id) ON DELETE CASCADE,
    occurred_at   timestamptz NOT NULL,
    actor_id      uuid NOT NULL,
    actor_name    text NOT NULL,
    -- The person the change is about: a member's account, or (for an invitation) nobody yet.
    subject_id    uuid,
    subject_name  text NOT NULL,
    change        text NOT NULL CHECK (change IN ('invited', 'joined', 'rights_changed',
                                                  'role_changed', 'removed', 'left',
                                                  'rights_lapsed')),
    -- The rights after the change, for invitations, joins and rights changes.
    rights        text[],
    role          text
);
CREATE INDEX network_changes_page_idx ON network_changes (care_page_id, occurred_at);
