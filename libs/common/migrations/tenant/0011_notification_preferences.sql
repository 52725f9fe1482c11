-- NOT-1 Meldingen: per member of a care page, the events that send them an e-mail. No row: every
-- event does, until the member takes checkmarks off. The row goes with the membership.
CREATE TABLE notification_preferences (
    care_page_id  uuid NOT NULL,
    account_id    uuid NOT NULL,
    events        text[] NOT NULL CHECK (events <@ ARRAY['new_message', 'new_appointment',
                                                         'plan_to_approve', 'new_report',
                                                         'network_changes']),
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (care_page_id, account_id),
    FOREIGN KEY (care_page_id, account_id)
        REFERENCES care_page_members (care_page_id, account_id) ON DELETE CASCADE
);
