-- Which Unix account each hub user's server runs as, and why the hub may use it (issue 23). A server runs only as an
-- account classhub created ('created'), one an admin linked ('linked'), one whose owner proved it with their Unix
-- password through PAM ('pam'), or one an older classhub made for the user before accounts were recorded
-- ('adopted'). user_id is NULL for an account classhub made for a hub user since deleted (kept so that
-- 'classhub uninstall' still knows it); uid is NULL only while classhub is creating the account.
CREATE TABLE unix_accounts (
    unix_name   TEXT    PRIMARY KEY,
    user_id     INTEGER NULL UNIQUE REFERENCES users(id) ON DELETE SET NULL,
    uid         INTEGER NULL,
    origin      TEXT    NOT NULL CHECK (origin IN ('created', 'linked', 'pam', 'adopted')),
    recorded_at INTEGER NOT NULL
);

-- Present on an upgrade only (the hub already had users): from when accounts are recorded. A hub user created before
-- it may have an account an older classhub made without recording it; the hub adopts such an account only when its
-- home was made after the hub user (see AccountBinder), else an admin links it.
CREATE TABLE unix_accounts_since (
    recorded_from INTEGER NOT NULL
);
INSERT INTO unix_accounts_since (recorded_from)
SELECT CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER) WHERE EXISTS (SELECT 1 FROM users);
