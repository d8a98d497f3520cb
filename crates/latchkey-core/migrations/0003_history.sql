-- The request tester's history: one row per run, newest read first. Only the redacted request
-- as sent is kept (never a secret), with the outcome.
CREATE TABLE history (
    id             TEXT    PRIMARY KEY,
    datasource_id  TEXT    NOT NULL REFERENCES datasources (id) ON DELETE CASCADE,
    query_name     TEXT,
    created_at     INTEGER NOT NULL,
    method         TEXT    NOT NULL,
    url            TEXT    NOT NULL,
    status         INTEGER,
    error          TEXT,
    total_ms       REAL    NOT NULL,
    size           INTEGER NOT NULL,
    sent           TEXT    NOT NULL
);

CREATE INDEX history_by_datasource ON history (datasource_id, created_at DESC);
