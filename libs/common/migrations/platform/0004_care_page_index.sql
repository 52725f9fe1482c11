-- The account → care-page directory across tenants (CP-4, "Ik zorg voor"). The care pages
-- themselves live in the tenant schemas; each row here mirrors one tenant membership
-- (tenant_<slug>.care_page_members) and is written in the same transaction, so the switcher
-- never has to visit every tenant schema.

CREATE TABLE platform.care_page_memberships (
    account_id    uuid NOT NULL REFERENCES platform.accounts (id) ON DELETE CASCADE,
    tenant_id     uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
    care_page_id  uuid NOT NULL,
    -- The client's name as the page shows it (kept in step with the tenant's care_pages row).
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
    -- The account holder is the client of this page ("Voor mijzelf").
    is_self       boolean NOT NULL,
    role          text NOT NULL CHECK (role IN ('beheerder', 'lid')),
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (account_id, care_page_id)
);
CREATE INDEX care_page_memberships_page_idx
    ON platform.care_page_memberships (tenant_id, care_page_id);
