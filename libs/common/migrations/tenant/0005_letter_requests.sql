-- "Brief ontvangen?" (CP-8): a signed-in person asks for a new activation letter by the
-- client's cliëntnummer. The letter goes to the address on file, never to one the requester
-- types. Runs inside one tenant's schema.
CREATE TABLE letter_requests (
    id                uuid PRIMARY KEY,
    -- As typed by the requester.
    client_number     text NOT NULL CHECK (length(client_number) BETWEEN 1 AND 40),
    -- The client record with that number when the request came in; NULL when unknown.
    client_record_id  uuid REFERENCES client_records (id) ON DELETE SET NULL,
    requested_by      uuid NOT NULL,
    created_at        timestamptz NOT NULL,
    handled_at        timestamptz
);
CREATE INDEX letter_requests_open_idx ON letter_requests (created_at) WHERE handled_at IS NULL;
