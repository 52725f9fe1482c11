-- The long-term cap on code guessing (ACC-4): after too many wrong second-factor codes in a
-- day the account is held until its owner chooses a new password through the mailed link.
ALTER TABLE platform.accounts ADD COLUMN code_lockout_at timestamptz;
