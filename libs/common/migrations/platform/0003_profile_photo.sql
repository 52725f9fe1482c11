-- Profile photos (ACC-7). `photo_key` (0002) holds the resized photo that is shown; an upload
-- waits in `photo_upload_key` until the worker has made the resized copy from it. Both are
-- object keys `<tenant>/profile-photo/<uuid>…` under the account's home tenant.

ALTER TABLE platform.accounts
    ADD COLUMN photo_upload_key text,
    ADD COLUMN photo_updated_at timestamptz;
