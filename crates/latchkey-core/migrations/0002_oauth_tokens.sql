-- OAuth 2.0 token state, one row per datasource that has (or had) tokens. No row means
-- "not authorized". The tokens are sealed by the vault (bound to the datasource id and the
-- slot names `token.accessToken` / `token.refreshToken`); nothing here is readable alone.
CREATE TABLE oauth_tokens (
    datasource_id  TEXT    PRIMARY KEY REFERENCES datasources (id) ON DELETE CASCADE,
    status         TEXT    NOT NULL CHECK (status IN ('authorized', 'needs_reauthorization')),
    reason         TEXT,
    token_type     TEXT    NOT NULL,
    scope          TEXT    NOT NULL,
    access_token   BLOB,
    refresh_token  BLOB,
    obtained_at    INTEGER NOT NULL,
    expires_at     INTEGER,
    -- Bumped on every change, so a process that waited for another's refresh can tell.
    generation     INTEGER NOT NULL
) WITHOUT ROWID;
