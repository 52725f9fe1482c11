-- The organisation's employees (API-2): name, role and photo, shown to clients with the
-- appointments they come to (CAL-2). The record system will push them too (API-1), by its own id.
CREATE TABLE employees (
    id           uuid PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    role         text NOT NULL CHECK (length(role) BETWEEN 1 AND 80),
    -- The resized photo in object storage (`<tenant>/profile-photo/<uuid>`), if any.
    photo_key    text,
    -- The record system's own id, for idempotent pushes later.
    external_id  text UNIQUE,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX employees_name_idx ON employees (lower(name));
