-- Accounts are platform-wide: one login works on every tenant's portal (ACC-1 … ACC-9).

CREATE TABLE platform.accounts (
    id                  uuid PRIMARY KEY,
    -- Stored as typed; compared lower-cased (unique index below).
    email               text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    password_hash       text NOT NULL,
    language            text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    email_confirmed_at  timestamptz,
    -- E.164; `phone_kind` decides SMS (mobile) or a voice call (landline).
    phone               text,
    phone_kind          text CHECK (phone_kind IN ('mobile', 'landline')),
    photo_key           text,
    -- The portal the person signed up on: its branding is used for mail sent outside a request.
    home_tenant         text,
    created_at          timestamptz NOT NULL,
    password_changed_at timestamptz NOT NULL,
    CHECK ((phone IS NULL) = (phone_kind IS NULL))
);
CREATE UNIQUE INDEX accounts_email_idx ON platform.accounts (lower(email));

-- Single-use links sent by e-mail: confirm the address, reset the password, verify a phone.
-- Only the SHA-256 of the token is kept.
CREATE TABLE platform.account_links (
    token_hash  bytea PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES platform.accounts (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password', 'verify_phone')),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX account_links_account_idx ON platform.account_links (account_id, purpose);

-- Server-side sessions. The cookie holds a random 256-bit token; only its SHA-256 is kept.
-- A session is `second_factor` between the password and the code, `active` after.
CREATE TABLE platform.sessions (
    token_hash      bytea PRIMARY KEY,
    id              uuid NOT NULL UNIQUE,
    account_id      uuid NOT NULL REFERENCES platform.accounts (id) ON DELETE CASCADE,
    stage           text NOT NULL CHECK (stage IN ('second_factor', 'active')),
    remember        boolean NOT NULL,
    tenant_slug     text NOT NULL,
    user_agent      text NOT NULL DEFAULT '',
    ip              text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL
);
CREATE INDEX sessions_account_idx ON platform.sessions (account_id);
CREATE INDEX sessions_expiry_idx ON platform.sessions (expires_at);

-- One-time codes: the second factor of a sign-in, or the check of a new phone number.
-- The code is kept as an HMAC under the server's key (six digits alone are easy to reverse).
CREATE TABLE platform.one_time_codes (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES platform.accounts (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('sign_in', 'verify_phone')),
    -- The session a sign-in code belongs to (its second_factor stage).
    session_id  uuid REFERENCES platform.sessions (id) ON DELETE CASCADE,
    code_hash   bytea NOT NULL,
    channel     text NOT NULL CHECK (channel IN ('email', 'sms', 'voice')),
    -- Where a phone code was sent: the number being verified.
    phone       text,
    phone_kind  text CHECK (phone_kind IN ('mobile', 'landline')),
    attempts    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX one_time_codes_account_idx ON platform.one_time_codes (account_id, purpose, created_at DESC);

-- A phone number waiting to be verified (ACC-8): the link by e-mail, then the code.
CREATE TABLE platform.phone_changes (
    account_id      uuid PRIMARY KEY REFERENCES platform.accounts (id) ON DELETE CASCADE,
    phone           text NOT NULL,
    phone_kind      text NOT NULL CHECK (phone_kind IN ('mobile', 'landline')),
    link_opened_at  timestamptz,
    created_at      timestamptz NOT NULL
);

-- Counters behind the rate limits: `hits` within the window that began at `window_start`.
CREATE TABLE platform.throttles (
    key             text PRIMARY KEY,
    window_start    timestamptz NOT NULL,
    hits            integer NOT NULL,
    last_hit_at     timestamptz NOT NULL
);

-- What happened to an account's security: sign-ins, failures, lock-outs, password changes.
CREATE TABLE platform.security_events (
    id          bigserial PRIMARY KEY,
    account_id  uuid REFERENCES platform.accounts (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    ip          text NOT NULL DEFAULT '',
    detail      jsonb NOT NULL DEFAULT '{}',
    occurred_at timestamptz NOT NULL
);
CREATE INDEX security_events_account_idx ON platform.security_events (account_id, occurred_at DESC);
