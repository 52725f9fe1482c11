-- Berichten (MSG-1 … MSG-7): threads on a care page, each with one audience chosen when it
-- starts ("Deel dit bericht met") and kept by every reply.
CREATE TABLE message_threads (
    id                 uuid PRIMARY KEY,
    care_page_id       uuid NOT NULL REFERENCES care_pages (id) ON DELETE CASCADE,
    -- 'network': alle mantelzorgers; 'trust_group': alleen de vertrouwensgroep;
    -- 'organisation': <organisatie> en de vertrouwensgroep.
    audience           text NOT NULL CHECK (audience IN ('network', 'trust_group', 'organisation')),
    created_at         timestamptz NOT NULL,
    -- The newest message's moment and id: the list's order and its keyset cursor.
    last_message_at    timestamptz NOT NULL,
    last_message_id    uuid NOT NULL,
    message_count      integer NOT NULL DEFAULT 0,
    -- BEY-3, organisation threads: when the care team last opened the thread, and since when a
    -- member's message waits for the team's answer (NULL: nothing waits).
    organisation_read_at      timestamptz,
    awaiting_organisation_since timestamptz
);
-- The list walks a page's threads newest first and filters the audiences the reader may see.
CREATE INDEX message_threads_list_idx
    ON message_threads (care_page_id, last_message_at DESC, id DESC);
CREATE INDEX message_threads_waiting_idx
    ON message_threads (awaiting_organisation_since)
    WHERE audience = 'organisation' AND awaiting_organisation_since IS NOT NULL;

CREATE TABLE messages (
    id                 uuid PRIMARY KEY,
    thread_id          uuid NOT NULL REFERENCES message_threads (id) ON DELETE CASCADE,
    care_page_id       uuid NOT NULL REFERENCES care_pages (id) ON DELETE CASCADE,
    -- A member of the page wrote it, or an employee of the organisation (MSG-7): exactly one.
    author_account     uuid,
    author_employee    uuid REFERENCES employees (id) ON DELETE SET NULL,
    from_organisation  boolean NOT NULL,
    -- The author's name as it was when they wrote: it stays when they leave the page.
    author_name        text NOT NULL,
    -- Emptied when the author deletes the message (MSG-3): it shows as removed.
    body               text NOT NULL CHECK (length(body) <= 10000),
    created_at         timestamptz NOT NULL,
    deleted_at         timestamptz,
    CHECK (from_organisation OR author_account IS NOT NULL),
    CHECK (deleted_at IS NOT NULL OR length(body) >= 1)
);
CREATE INDEX messages_thread_idx ON messages (thread_id, created_at, id);
CREATE INDEX messages_page_idx ON messages (care_page_id, created_at);

-- MSG-2: files attached to a message, in object storage under the tenant.
CREATE TABLE message_attachments (
    id            uuid PRIMARY KEY,
    message_id    uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    object_key    text NOT NULL UNIQUE,
    file_name     text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 120),
    content_type  text NOT NULL,
    size_bytes    bigint NOT NULL CHECK (size_bytes > 0)
);
CREATE INDEX message_attachments_message_idx ON message_attachments (message_id);

-- Up to when each member (or employee's account) has read a thread: unread counts and
-- "nieuw" marks come from here.
CREATE TABLE message_thread_reads (
    thread_id   uuid NOT NULL REFERENCES message_threads (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL,
    read_at     timestamptz NOT NULL,
    PRIMARY KEY (thread_id, account_id)
);
CREATE INDEX message_thread_reads_account_idx ON message_thread_reads (account_id, read_at);

-- MSG-5 fan-out: a new message is announced once (the claim), and each member gets at most
-- one e-mail per care page per quarter of an hour.
CREATE TABLE message_fan_outs (
    message_id  uuid PRIMARY KEY,
    done_at     timestamptz NOT NULL
);
CREATE TABLE message_mail_windows (
    care_page_id    uuid NOT NULL REFERENCES care_pages (id) ON DELETE CASCADE,
    account_id      uuid NOT NULL,
    -- NULL until the first e-mail.
    last_mailed_at  timestamptz,
    -- A later e-mail is planned for this moment (the end of the quarter hour).
    digest_due_at   timestamptz,
    PRIMARY KEY (care_page_id, account_id)
);
