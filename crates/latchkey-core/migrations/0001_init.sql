-- Latchkey's first schema. Forward-only: never edit a migration once it has landed.

-- The vault this database belongs to: which key opens it and where that key is kept.
CREATE TABLE vault (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    vault_id      TEXT    NOT NULL,
    key_location  TEXT    NOT NULL CHECK (key_location IN ('keyring', 'file')),
    -- A known value sealed with the key, to tell a wrong key from a damaged value.
    key_check     BLOB    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Datasources. `config` is the JSON of the file format with every secret slot replaced
-- by the marker {"set":true}; the values live sealed in `sealed_secrets`.
CREATE TABLE datasources (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    url         TEXT    NOT NULL,
    auth_type   TEXT    NOT NULL,
    config      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- One sealed secret per (owner, slot); the vault binds each value to both.
CREATE TABLE sealed_secrets (
    owner_id  TEXT NOT NULL REFERENCES datasources (id) ON DELETE CASCADE,
    slot      TEXT NOT NULL,
    sealed    BLOB NOT NULL,
    PRIMARY KEY (owner_id, slot)
) WITHOUT ROWID;

CREATE TABLE queries (
    id             TEXT    PRIMARY KEY,
    datasource_id  TEXT    NOT NULL REFERENCES datasources (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL COLLATE NOCASE,
    request        TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (datasource_id, name)
);
