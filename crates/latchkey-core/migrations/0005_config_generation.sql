-- A datasource's configuration generation: bumped by every save that drops its OAuth tokens
-- (their provider, client or destinations changed). A token refresh that began before such a
-- save compares it inside the transaction that stores the new tokens, so it cannot bring back
-- tokens the save dropped.
ALTER TABLE datasources ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
