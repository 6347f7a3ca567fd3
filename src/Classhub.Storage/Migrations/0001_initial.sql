-- Users, credentials, sessions and servers. Times are Unix milliseconds (UTC).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    admin         INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT    NULL,
    created_at    INTEGER NOT NULL,
    last_activity INTEGER NULL
);

CREATE TABLE invites (
    code_hash  TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NULL
);

-- API tokens (kind 'api'), a server's own token (kind 'server') and OAuth access tokens (kind 'oauth').
-- Only the SHA-256 of a token is stored; tokens are 256-bit random, so no salt is needed to resist guessing.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash          TEXT    NOT NULL UNIQUE,
    prefix        TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,
    note          TEXT    NULL,
    client_id     TEXT    NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NULL,
    last_activity INTEGER NULL
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE sessions (
    id_hash    TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE servers (
    user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    phase         INTEGER NOT NULL,
    url           TEXT    NULL,
    spawner       TEXT    NULL,
    state         TEXT    NULL,
    started_at    INTEGER NULL,
    last_activity INTEGER NULL,
    last_error    TEXT    NULL
);

-- One OAuth client per single-user server; its secret is the server's API token.
CREATE TABLE oauth_clients (
    client_id    TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    secret_hash  TEXT    NOT NULL,
    redirect_uri TEXT    NOT NULL,
    scopes       TEXT    NOT NULL
);

CREATE TABLE oauth_codes (
    code_hash    TEXT    PRIMARY KEY,
    client_id    TEXT    NOT NULL REFERENCES oauth_clients(client_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    redirect_uri TEXT    NOT NULL,
    scopes       TEXT    NOT NULL,
    expires_at   INTEGER NOT NULL
);
