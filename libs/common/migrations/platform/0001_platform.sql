-- The platform schema: everything that is not one care organisation's own data.

CREATE TABLE platform.tenants (
    id              uuid PRIMARY KEY,
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9-]{0,38}[a-z0-9]$'),
    display_name    text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    primary_color   text NOT NULL DEFAULT '#1d4f91' CHECK (primary_color ~ '^#[0-9a-f]{6}$'),
    accent_color    text NOT NULL DEFAULT '#e07a10' CHECK (accent_color ~ '^#[0-9a-f]{6}$'),
    logo_key        text,
    welcome_text    text,
    support_phone   text,
    support_email   text,
    support_url     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE platform.tenant_hosts (
    host        text PRIMARY KEY CHECK (host = lower(host) AND host !~ '[/:@ ]'),
    tenant_id   uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE
);
CREATE INDEX tenant_hosts_tenant_idx ON platform.tenant_hosts (tenant_id);

-- Every process keeps tenants in memory; any change tells them to reload.
CREATE FUNCTION platform.notify_tenant_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tenant_changed', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER tenants_changed AFTER INSERT OR UPDATE OR DELETE ON platform.tenants
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_tenant_changed();
CREATE TRIGGER tenant_hosts_changed AFTER INSERT OR UPDATE OR DELETE ON platform.tenant_hosts
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_tenant_changed();

-- Events waiting to be relayed to RabbitMQ, written in the same transaction as the change
-- that caused them. A row is deleted once the broker confirmed it.
CREATE TABLE platform.outbox (
    seq          bigserial PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    tenant_slug  text,
    routing_key  text NOT NULL,
    payload      jsonb NOT NULL,
    headers      jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Idempotent consumers claim (consumer, message id) in the transaction that records their effect.
CREATE TABLE platform.processed_messages (
    consumer      text NOT NULL,
    message_id    uuid NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
