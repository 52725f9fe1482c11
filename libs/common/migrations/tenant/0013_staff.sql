-- API-3, MSG-7: employees who sign in on the staff side. The tenant admin invites an employee
-- by e-mail; the account that accepts (with that address) signs in as the employee. The admin
-- assigns employees to clients (persoonlijk begeleider); the integration API sets the same
-- assignments later.
ALTER TABLE employees
    ADD COLUMN email       text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
    -- The account that signs in as this employee; NULL until an invitation is accepted.
    ADD COLUMN account_id  uuid UNIQUE;

CREATE TABLE staff_invitations (
    token_hash   bytea PRIMARY KEY,
    employee_id  uuid NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
    email        text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    used_by      uuid
);
CREATE INDEX staff_invitations_employee_idx ON staff_invitations (employee_id);

CREATE TABLE client_assignments (
    employee_id       uuid NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
    client_record_id  uuid NOT NULL REFERENCES client_records (id) ON DELETE CASCADE,
    assigned_at       timestamptz NOT NULL,
    PRIMARY KEY (employee_id, client_record_id)
);
CREATE INDEX client_assignments_client_idx ON client_assignments (client_record_id);
