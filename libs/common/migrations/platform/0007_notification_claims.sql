-- Exactly-once notifications as far as the outside world allows (NOT-3). The notifier claims
-- an event, sends it with no transaction open, then marks it sent. A claim carries its owner
-- (one notifier process) and a lease: a redelivery while the owner sends waits, and the claim
-- of a notifier that crashed mid-send runs out and is taken over.
CREATE TABLE platform.notification_claims (
    event_id     uuid PRIMARY KEY,
    owner        uuid NOT NULL,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    lease_until  timestamptz NOT NULL,
    sent_at      timestamptz,
    -- How many times a notifier took the event on: above 1 only after a crash or a failure.
    claims       integer NOT NULL DEFAULT 1
);

-- Events the notifier recorded as sent before claims existed stay sent.
INSERT INTO platform.notification_claims (event_id, owner, claimed_at, lease_until, sent_at)
SELECT message_id, '00000000-0000-0000-0000-000000000000', processed_at, processed_at, processed_at
FROM platform.processed_messages
WHERE consumer = 'notifier';

DELETE FROM platform.processed_messages WHERE consumer = 'notifier';
