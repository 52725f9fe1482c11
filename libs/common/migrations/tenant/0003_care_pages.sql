-- Care pages (zorgpagina's, CP-1 … CP-7). Runs inside one tenant's schema (search_path pinned
-- to tenant_<slug>). Accounts live in the platform schema: account ids carry no foreign key
-- across schemas. The platform keeps an index of memberships for the "Ik zorg voor" switcher
-- (platform.care_page_memberships), written in the same transaction as these rows.

CREATE TABLE care_pages (
    id                uuid PRIMARY KEY,
    -- 'self': the account holder is the client ("Voor mijzelf"); 'other': "Voor iemand anders".
    for_whom          text NOT NULL CHECK (for_whom IN ('self', 'other')),
    client_name       text NOT NULL CHECK (length(client_name) BETWEEN 1 AND 120),
    birth_date        date NOT NULL,
    -- The organisation's client record this page is linked to by an activation code (CP-2).
    -- NULL: an unlinked page, which can be linked later.
    client_record_id  uuid,
    -- The account that created the page and gave consent ("Ja, ik geef toestemming").
    created_by        uuid NOT NULL,
    consent_given_at  timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    -- Set when a linked page is deleted (CP-7): its members are kept, so that they come back
    -- when the organisation's client record is activated again. Unlinked pages are removed.
    deleted_at        timestamptz
);
-- One page "Voor mijzelf" per account on this portal.
CREATE UNIQUE INDEX care_pages_one_self_idx ON care_pages (created_by)
    WHERE for_whom = 'self' AND deleted_at IS NULL;
CREATE INDEX care_pages_client_record_idx ON care_pages (client_record_id)
    WHERE client_record_id IS NOT NULL;

-- Who belongs to a care page, and who administers it ("beheerder", CP-3).
CREATE TABLE care_page_members (
    care_page_id  uuid NOT NULL REFERENCES care_pages (id) ON DELETE CASCADE,
    account_id    uuid NOT NULL,
    role          text NOT NULL CHECK (role IN ('beheerder', 'lid')),
    added_at      timestamptz NOT NULL,
    PRIMARY KEY (care_page_id, account_id)
);
CREATE INDEX care_page_members_account_idx ON care_page_members (account_id);
