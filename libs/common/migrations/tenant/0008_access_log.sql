-- The access log of clients' data (DOS-7, after NEN 7513): one row for every read, change,
-- download, export and transfer of a client's data, written by the door in front of the
-- route that did it. Rows are never changed or removed: triggers refuse UPDATE, DELETE and
-- TRUNCATE, for every role, and the privileges are revoked as well.
--
-- Tamper evidence: the worker seals rows into a hash chain moments after they are written
-- (access_log_seals, in the order it finds them), so that writing a row never waits for the
-- chain and a tenant's requests are not serialised by it. `zorgctl audit verify` walks the
-- chain and names a changed, removed or reordered row, and rows left unsealed too long.
--
-- Kept at least 5 years: no clean-up touches these tables (README: "Het toegangslog").

CREATE TABLE access_log (
    id                bigserial PRIMARY KEY,
    occurred_at       timestamptz NOT NULL,
    -- What happened: the route (method and path pattern) and the NEN 7513 action:
    -- C(reate), R(ead), U(pdate), D(elete), E(xecute: export, transfer, print).
    event             text NOT NULL CHECK (length(event) BETWEEN 1 AND 200),
    action            char(1) NOT NULL CHECK (action IN ('C', 'R', 'U', 'D', 'E')),
    -- The HTTP status the request ended with: 2xx/3xx done, 403 refused, 5xx failed.
    outcome           smallint NOT NULL,
    -- Who: an account of the personal network (later also 'employee' and 'api'), with the
    -- name and role they had at that moment, and on whose behalf when not their own.
    actor_kind        text NOT NULL CHECK (actor_kind IN ('account', 'employee', 'api')),
    actor_id          uuid NOT NULL,
    actor_name        text NOT NULL,
    actor_role        text NOT NULL,
    on_behalf_of      text,
    -- From where: the client address the platform saw.
    from_address      text NOT NULL,
    -- Which client: the care page, and the organisation's client record when linked.
    care_page_id      uuid NOT NULL,
    client_record_id  uuid,
    -- Which part of the page or dossier (never its content).
    part              text NOT NULL CHECK (length(part) BETWEEN 1 AND 60),
    -- On what basis: the right (or role) that let the request through, and who granted it.
    basis             text NOT NULL,
    basis_granted_by  uuid,
    emergency         boolean NOT NULL DEFAULT false
);
-- "Wie keek mee?": a page's rows by time.
CREATE INDEX access_log_page_time_idx ON access_log (care_page_id, occurred_at);

-- The chain: row `entry_id` is link `seq`; `hash` = SHA-256(previous link's hash ‖ the row's
-- canonical bytes), as `common::audit::access_log` computes it.
CREATE TABLE access_log_seals (
    seq        bigint PRIMARY KEY CHECK (seq >= 1),
    entry_id   bigint NOT NULL UNIQUE REFERENCES access_log (id),
    hash       bytea NOT NULL CHECK (length(hash) = 32),
    sealed_at  timestamptz NOT NULL
);

-- Rows written and not sealed yet: filled by a trigger, emptied by the sealer. The only table
-- of the three that loses rows.
CREATE TABLE access_log_unsealed (
    entry_id  bigint PRIMARY KEY REFERENCES access_log (id)
);

CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Once per statement: a group of rows written together waits for its seal in one insert.
CREATE FUNCTION access_log_await_seal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO access_log_unsealed (entry_id) SELECT id FROM written;
    RETURN NULL;
END
$$;

CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
CREATE TRIGGER access_log_awaits_seal AFTER INSERT ON access_log
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_await_seal();
CREATE TRIGGER access_log_seals_append_only BEFORE UPDATE OR DELETE ON access_log_seals
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();
CREATE TRIGGER access_log_seals_no_truncate BEFORE TRUNCATE ON access_log_seals
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON access_log, access_log_seals FROM PUBLIC;
