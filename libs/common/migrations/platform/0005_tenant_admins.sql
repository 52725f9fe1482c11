-- Tenant administration (TEN-2, TEN-3, API-2): who may manage an organisation's portal, and
-- the single-use invitations that hand out that right.

-- An account holds the tenant-admin role for a tenant. Accounts are platform-wide, so one
-- person can administer several organisations; each grant is for one of them only.
CREATE TABLE platform.tenant_admins (
    tenant_id   uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL REFERENCES platform.accounts (id) ON DELETE CASCADE,
    granted_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, account_id)
);
CREATE INDEX tenant_admins_account_idx ON platform.tenant_admins (account_id);

-- An invitation to become tenant admin, sent by e-mail. Only the SHA-256 of the token is kept.
-- The account with the invited address, signed in on that portal (after signing up or in),
-- gets the role by opening the link; any other account is refused.
CREATE TABLE platform.tenant_admin_invitations (
    token_hash  bytea PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    used_by     uuid REFERENCES platform.accounts (id) ON DELETE SET NULL
);
CREATE INDEX tenant_admin_invitations_tenant_idx ON platform.tenant_admin_invitations (tenant_id);
