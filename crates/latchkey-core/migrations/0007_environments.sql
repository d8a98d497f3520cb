-- Issue 10: environments. Forward-only: never edit a migration once it has landed.
--
-- A vault's environments, each with variables (secret ones sealed: bound to the environment's
-- id and `var.<key>`). Every vault starts with `default`, whose id is the fixed `env_default`:
-- its tokens keep the slot names they were sealed under before environments.
CREATE TABLE environments (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    production  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
INSERT INTO environments (id, name, production, created_at, updated_at)
VALUES ('env_default', 'default', 0, CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER));

CREATE TABLE environment_variables (
    environment_id  TEXT    NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    key             TEXT    NOT NULL,
    position        INTEGER NOT NULL,
    secret          INTEGER NOT NULL CHECK (secret IN (0, 1)),
    -- A plain variable's value; NULL for a secret one, whose value is `sealed` (NULL: no value).
    value           TEXT,
    sealed          BLOB,
    PRIMARY KEY (environment_id, key)
) WITHOUT ROWID;

-- Tokens are kept per datasource and environment: the existing ones are the `default`
-- environment's. (A primary key cannot change in place: the table is rebuilt.)
CREATE TABLE oauth_tokens_by_environment (
    datasource_id   TEXT    NOT NULL REFERENCES datasources (id) ON DELETE CASCADE,
    environment_id  TEXT    NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    status          TEXT    NOT NULL CHECK (status IN ('authorized', 'needs_reauthorization')),
    reason          TEXT,
    token_type      TEXT    NOT NULL,
    scope           TEXT    NOT NULL,
    access_token    BLOB,
    refresh_token   BLOB,
    obtained_at     INTEGER NOT NULL,
    expires_at      INTEGER,
    generation      INTEGER NOT NULL,
    id_token        BLOB,
    last_error      TEXT,
    PRIMARY KEY (datasource_id, environment_id)
) WITHOUT ROWID;
INSERT INTO oauth_tokens_by_environment
    (datasource_id, environment_id, status, reason, token_type, scope, access_token, refresh_token, obtained_at,
     expires_at, generation, id_token, last_error)
SELECT datasource_id, 'env_default', status, reason, token_type, scope, access_token, refresh_token, obtained_at,
       expires_at, generation, id_token, last_error
  FROM oauth_tokens;
DROP TABLE oauth_tokens;
ALTER TABLE oauth_tokens_by_environment RENAME TO oauth_tokens;
CREATE INDEX oauth_tokens_by_environment_id ON oauth_tokens (environment_id, datasource_id);

-- The token call log per datasource and environment (rows of an environment are deleted with it
-- by the store: a column added here cannot carry a foreign key with a default).
ALTER TABLE token_calls ADD COLUMN environment_id TEXT NOT NULL DEFAULT 'env_default';
DROP INDEX token_calls_by_datasource;
CREATE INDEX token_calls_by_datasource ON token_calls (datasource_id, environment_id, id);
