-- Activation (CP-2): the organisation's client records and the activation codes it sends them
-- by letter. Runs inside one tenant's schema (search_path pinned to tenant_<slug>).

-- A client as the organisation knows them; care pages link to it (care_pages.client_record_id).
CREATE TABLE client_records (
    id             uuid PRIMARY KEY,
    -- The organisation's own number for the client (cliëntnummer).
    client_number  text NOT NULL UNIQUE CHECK (length(client_number) BETWEEN 1 AND 40),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    birth_date     date NOT NULL,
    -- The postal address the letters go to, one line each (street, postcode and town, …).
    address_lines  text[] NOT NULL CHECK (cardinality(address_lines) BETWEEN 1 AND 6),
    created_by     uuid NOT NULL,
    created_at     timestamptz NOT NULL
);

-- Activation codes. Only the SHA-256 of the normalised code is kept.
CREATE TABLE activation_codes (
    id                uuid PRIMARY KEY,
    client_record_id  uuid NOT NULL REFERENCES client_records (id) ON DELETE CASCADE,
    code_hash         bytea NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    -- Wrong birth dates typed with this code; from a limit on the code is refused.
    failed_attempts   integer NOT NULL DEFAULT 0,
    used_at           timestamptz,
    used_by           uuid,
    -- Set when a newer code for the same client replaced this one before it was used.
    replaced_at       timestamptz,
    CHECK ((used_at IS NULL) = (used_by IS NULL))
);
CREATE INDEX activation_codes_record_idx ON activation_codes (client_record_id);
