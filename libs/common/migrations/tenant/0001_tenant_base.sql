-- Runs inside one tenant's schema (search_path pinned to tenant_<slug>).

-- Free-form key/value settings of the organisation (TEN-4 fills these in).
CREATE TABLE settings (
    key         text PRIMARY KEY,
    value       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Append-only record of what happened in this tenant (DOS-7 extends it to the NEN 7513 log).
CREATE TABLE audit_events (
    id           bigserial PRIMARY KEY,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    action       text NOT NULL,
    detail       jsonb NOT NULL DEFAULT '{}'
);
